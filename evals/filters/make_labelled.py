"""Write ``evals/filters/labelled.jsonl``: the labelled set of the quality gate (``bench_filters.py``).

Rows come from three places, all written for agentsft: the hand-written bad rows (``bad_rows.py``, ten or
more per failure kind, zh and en), the hand-written near misses (``good_rows.py``), and every third seed task
of ``seeds/*.jsonl`` as ordinary good rows (their first instance). ``heldout.jsonl`` and ``heldout2.jsonl`` are written from ``heldout_rows.py`` and
``heldout2_rows.py`` (rows written after the rules were frozen; see FILTERS.md). Two seeds are left out because they are
contact-data extraction tasks the gate rejects by design (PERSONAL_DATA; see FILTERS.md).

    .venv/bin/python -m evals.filters.make_labelled
"""

from __future__ import annotations

import json
from pathlib import Path

from evals.filters.bad_rows import BAD
from evals.filters.good_rows import GOOD
from evals.filters.heldout2_rows import HELDOUT2
from evals.filters.heldout_rows import HELDOUT

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("labelled.jsonl")
HELDOUT_OUT = Path(__file__).with_name("heldout.jsonl")
HELDOUT2_OUT = Path(__file__).with_name("heldout2.jsonl")
EXCLUDED_SEEDS = {"zh_seed_176", "en_seed_087"}  # contact-data extraction: rejected by design


def _row(lang: str, instruction: str, input: str, output: str, expect: str, task_type: str | None,
         source: str, messages: list | None = None) -> dict:
    row = {"lang": lang, "instruction": instruction, "input": input, "output": output, "expect": expect,
           "task_type": task_type, "source": source}
    if messages:
        row["messages"] = messages
    return row


def seed_rows(stride: int = 3) -> list[dict]:
    rows = []
    for name in ("zh", "en"):
        lines = (ROOT / f"seeds/{name}.jsonl").read_text(encoding="utf-8").splitlines()
        for line in lines[::stride]:
            seed = json.loads(line)
            if seed["id"] in EXCLUDED_SEEDS or not seed.get("instances"):
                continue
            inst = seed["instances"][0]
            rows.append(_row(seed["lang"], seed["instruction"], inst["input"], inst["output"], "keep",
                             seed.get("task_type"), f"seed:{seed['id']}", seed.get("messages")))
    return rows


def main() -> None:
    rows = [_row(*r, source="hand:bad") for r in BAD] + [_row(*r, source="hand:good") for r in GOOD] + seed_rows()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    good = sum(r["expect"] == "keep" for r in rows)
    print(f"{len(rows)} rows ({good} good, {len(rows) - good} bad) -> {OUT}")
    held = [_row(*r, source="hand:heldout") for r in HELDOUT]
    HELDOUT_OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in held), encoding="utf-8")
    print(f"{len(held)} held-out rows -> {HELDOUT_OUT}")
    held2 = [_row(*r, source="hand:heldout2") for r in HELDOUT2]
    HELDOUT2_OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in held2), encoding="utf-8")
    print(f"{len(held2)} second held-out rows -> {HELDOUT2_OUT}")


if __name__ == "__main__":
    main()
