"""Write ``agentsft/steps/typing_examples.json`` (the typer's nearest-neighbour examples) from ``seeds/`` and
``extra_examples.jsonl`` (short typed instructions without answers, written for agentsft like the seeds).

    .venv/bin/python -m evals.typing.make_examples

Rerun after editing the seeds; ``tests/steps/test_classify.py`` fails while the two disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

from agentsft.io import read_seed_files
from agentsft.steps.classify import EXAMPLES_PATH, examples_from_seeds

ROOT = Path(__file__).resolve().parents[2]
SEED_FILES = (ROOT / "seeds" / "zh.jsonl", ROOT / "seeds" / "en.jsonl")
EXTRA = Path(__file__).with_name("extra_examples.jsonl")


def example_rows() -> list[dict[str, str]]:
    seeds = read_seed_files(SEED_FILES)
    rows = [{"id": e.id, "lang": e.lang, "task_type": e.task_type.value, "text": e.text}
            for e in examples_from_seeds(seeds)]
    extra = [json.loads(line) for line in EXTRA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows + extra


def main() -> None:
    rows = example_rows()
    EXAMPLES_PATH.write_text(json.dumps(rows, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} examples to {EXAMPLES_PATH}")


if __name__ == "__main__":
    main()
