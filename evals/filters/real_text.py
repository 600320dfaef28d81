"""Third-party text already stored under ``evals/data`` (see the SOURCES.md files there), used as an outside check
of the quality gate that we did not write:

* good answers: GSM8K answers (en), DailyDialog heads (xdd, zh and en), STS-B zh sentences: every check but
  NOT_A_TASK should keep them (false rejects);
* statements as instructions: MRPC news sentences (en), STS-B zh sentences: NOT_A_TASK should reject them;
* search queries as instructions: LCQMC and AFQMC questions (zh): NOT_A_TASK should keep them.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from agentsft.filters.quality import check_sample
from agentsft.filters.quality_lexicon import not_a_task

DATA = Path(__file__).resolve().parents[1] / "data"


def _tsv(name: str, cols: tuple[int, ...], delimiter: str = "\t") -> list[str]:
    with open(DATA / "real" / name, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=delimiter, quoting=csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL))
    return [r[c] for r in rows[1:] for c in cols if len(r) > max(cols)]


def answers() -> dict[str, tuple[str, str, list[str]]]:
    """name -> (lang, instruction, good answers)."""
    gsm = [json.loads(line)["answer"] for line in (DATA / "gsm8k/train_sample.jsonl").read_text().splitlines()]
    xdd = {lang: [ln.replace(" __eou__ ", "\n").strip() for ln in (DATA / f"dialogue/xdd_{lang}_head.txt")
                  .read_text(encoding="utf-8").splitlines() if ln.strip()] for lang in ("zh", "en")}
    return {"gsm8k answers (en)": ("en", "Solve the word problem step by step.", gsm),
            "DailyDialog zh": ("zh", "续写这段对话。", xdd["zh"]),
            "DailyDialog en": ("en", "Continue this dialogue.", xdd["en"]),
            "STS-B zh sentences": ("zh", "用一句话描述这个场景。", _tsv("stsb_zh_train.tsv", (1,)))}


def run() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name, (lang, instruction, texts) in answers().items():
        got = Counter((hit[0].value if (hit := check_sample(instruction, t, lang)) else "keep") for t in texts)
        out[name] = {"rows": len(texts), "kept": got["keep"], "rejects": {k: v for k, v in got.items() if k != "keep"}}
    for name, lang, texts, want in (
            ("MRPC sentences as instructions (en)", "en", _tsv("mrpc_train_2.tsv", (1,)), "reject"),
            ("STS-B zh sentences as instructions", "zh", _tsv("stsb_zh_train.tsv", (1,)), "reject"),
            ("LCQMC queries as instructions (zh)", "zh", _tsv("lcqmc_dev.tsv", (1, 2)), "keep"),
            ("AFQMC queries as instructions (zh)", "zh", _tsv("afqmc_dev.csv", (0, 1), ","), "keep")):
        rejected = sum(not_a_task(t, lang) is not None for t in texts)
        out[name] = {"rows": len(texts), "want": want, "not_a_task": rejected}
    return out
