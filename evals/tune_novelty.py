"""Fit the pair judge (agentsft/novelty/pairscore.py) on the TRAIN split of the labelled sets; report TRAIN and TEST.

    python -m evals.tune_novelty            # fit, report, print the weights
    python -m evals.tune_novelty --write    # ... and write them into agentsft/novelty/pairscore.py

Split: by task family, deterministically: the families of a language are ordered by md5("<lang>:<family id>") and
every third one (positions 0, 3, 6, ...) is TEST, the rest TRAIN (1/3 of the families held out).
Whole families are held out, so TEST templates, slot values and rewordings are never seen while fitting.
Rarity (IDF) comes from a DocFreq over every text of that language's set (unsupervised, both splits, no labels),
standing in for the seeds + pool a run indexes. Pairs under the cosine floor or hit by a hard content veto are
predicted "novel" and are left out of the fit (they are still counted in the figures).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from agentsft.novelty import pairscore  # noqa: E402
from agentsft.novelty.engine import DEFAULT_COS_FLOOR  # noqa: E402
from agentsft.novelty.pairscore import DocFreq, Profile, features, hard_veto, text_grams  # noqa: E402

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


def pair_table(lang: str, emb) -> tuple[list[dict], DocFreq]:
    """Rows with ``cos``, ``veto`` (hard veto or under the floor) and ``f`` (features)."""
    rows = load(lang)
    df = DocFreq()
    for t in sorted({t for r in rows for t in (r["a"], r["b"])}):
        df.add(text_grams(t))
    va = emb.encode([r["a"] for r in rows])
    vb = emb.encode([r["b"] for r in rows])
    for r, c in zip(rows, (va * vb).sum(1)):
        a, b = Profile(r["a"]), Profile(r["b"])
        r["cos"] = float(c)
        r["veto"] = hard_veto(a, b) or ("below floor" if c < DEFAULT_COS_FLOOR[lang] else "")
        r["f"] = features(a, b, float(c), lang, df)
    return rows, df


def prf(pred, rows) -> dict:
    tp = sum(1 for p, r in zip(pred, rows) if p and r["label"])
    fp = sum(1 for p, r in zip(pred, rows) if p and not r["label"])
    fn = sum(1 for p, r in zip(pred, rows) if not p and r["label"])
    kinds: dict[str, list[int]] = {}
    for p, r in zip(pred, rows):
        kinds.setdefault(r["kind"], []).append(int(p))
    return {"pairs": len(rows), "precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn),
            "flagged_by_kind": {k: round(sum(v) / len(v), 3) for k, v in sorted(kinds.items())}}


def fit(rows: list[dict], C: float = 1.0) -> dict:
    from sklearn.linear_model import LogisticRegression

    train = [r for r in rows if r["split"] == "train" and not r["veto"]]
    X = np.array([r["f"] for r in train])
    y = np.array([r["label"] for r in train])
    m = LogisticRegression(C=C, max_iter=10_000).fit(X, y)
    model = {"bias": round(float(m.intercept_[0]), 4), "w": [round(float(w), 4) for w in m.coef_[0]]}
    # threshold: the best F1 on TRAIN (all train pairs, vetoed ones count as predicted novel)
    tr = [r for r in rows if r["split"] == "train"]
    best = (-1.0, 0.5)
    for thr in np.arange(0.2, 0.81, 0.01):
        model["threshold"] = float(thr)
        s = prf(predict(tr, model), tr)
        f1 = 2 * s["precision"] * s["recall"] / max(1e-9, s["precision"] + s["recall"])
        if f1 > best[0] + 1e-9:
            best = (f1, round(float(thr), 2))
    model["threshold"] = best[1]
    return model


def predict(rows: list[dict], model: dict) -> list[bool]:
    lang_w = {"x": model}
    return [not r["veto"] and pairscore.probability(r["f"], "x", lang_w) >= model["threshold"] for r in rows]


def write_weights(models: dict) -> None:
    path = Path(pairscore.__file__)
    src = path.read_text(encoding="utf-8")
    body = "WEIGHTS = {\n" + "".join(f'    "{lang}": {json.dumps(m)},\n' for lang, m in models.items()) + "}\n"
    src = re.sub(r"# BEGIN WEIGHTS\n.*?# END WEIGHTS", "# BEGIN WEIGHTS\n" + body + "# END WEIGHTS", src, flags=re.S)
    path.write_text(src, encoding="utf-8")


def main() -> None:
    from agentsft.novelty.embedder import get_embedder

    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--C", type=float, default=1.0)
    args = ap.parse_args()
    emb = get_embedder()
    models = {}
    for lang in ("zh", "en"):
        rows, _ = pair_table(lang, emb)
        m = models[lang] = fit(rows, args.C)
        print(lang, "model", json.dumps(m))
        for split in ("train", "test"):
            sub = [r for r in rows if r["split"] == split]
            s = prf(predict(sub, m), sub)
            print(f"  {split:5}: pairs {s['pairs']}  precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
                  f"{s['flagged_by_kind']}")
    if args.write:
        write_weights(models)
        print("written to", pairscore.__file__)


if __name__ == "__main__":
    main()
