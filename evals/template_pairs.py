"""The template-made near-duplicate sets (evals/make_neardup.py): a REGRESSION check, not a headline figure.

Split by family as before (md5("<lang>:<family>"), every third family is TEST). The judge is no longer fitted on
these sets (see evals/tune_novelty.py: real pairs); both splits are only scored.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DATA = Path(__file__).parent / "data"


def test_families(lang: str, families) -> set[int]:
    ranked = sorted(set(families), key=lambda f: hashlib.md5(f"{lang}:{f}".encode()).hexdigest())
    return set(ranked[0::3])


def load(lang: str) -> list[dict]:
    rows = [json.loads(line) for line in open(DATA / f"neardup_{lang}.jsonl", encoding="utf-8")]
    test = test_families(lang, [r["family"] for r in rows])
    for r in rows:
        r["split"] = "test" if r["family"] in test else "train"
    return rows


def by_kind(pred: list[bool], rows: list[dict]) -> dict[str, float]:
    kinds: dict[str, list[int]] = {}
    for p, r in zip(pred, rows):
        kinds.setdefault(r["kind"], []).append(int(p))
    return {k: round(sum(v) / len(v), 3) for k, v in sorted(kinds.items())}
