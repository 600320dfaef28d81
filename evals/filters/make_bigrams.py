"""Rebuild ``agentsft/filters/data/bigrams_zh.txt``, the zh fluency reference of the INCOHERENT check.

Counts the Chinese character bigrams of our own seed tasks (``seeds/zh.jsonl``: instructions, inputs and
outputs, all written for agentsft) and writes those seen at least once, most frequent first.

    .venv/bin/python evals/filters/make_bigrams.py
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "agentsft/filters/data/bigrams_zh.txt"
_RUN = re.compile(r"[\u4e00-\u9fff]+")


def count(path: Path) -> Counter[str]:
    bigrams: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        texts = [row["instruction"]] + [t for inst in row.get("instances", []) for t in (inst["input"], inst["output"])]
        for run in (r for t in texts for r in _RUN.findall(t)):
            bigrams.update(run[i : i + 2] for i in range(len(run) - 1))
    return bigrams


def main() -> None:
    bigrams = count(ROOT / "seeds/zh.jsonl")
    head = ("# Chinese character bigrams of agentsft's own seed tasks (seeds/zh.jsonl, written for agentsft),\n"
            "# most frequent first; the reference of the INCOHERENT check. Rebuilt by evals/filters/make_bigrams.py.\n")
    OUT.write_text(head + "\n".join(b for b, _ in bigrams.most_common()) + "\n", encoding="utf-8")
    print(f"{len(bigrams)} bigrams -> {OUT}")


if __name__ == "__main__":
    main()
