"""Fit the pair judge (agentsft/novelty/pairscore.py) per embedder on REAL labelled pairs; report FIT and MEASURE.

    python -m evals.tune_novelty                      # fit for every shipped embedder, report, do not write
    python -m evals.tune_novelty --write              # ... and write agentsft/novelty/data/judge.json
    python -m evals.tune_novelty --embedders default  # only multilingual-e5-small
    python -m evals.tune_novelty --cv                 # compare the DESIGNS by 5-fold cross-validation on FIT only

Data: evals/real_pairs.py (FIT = train samples, MEASURE = a dev sample / a disjoint part; SOURCES.md there).
For each embedder and language: logistic regression (C fixed at 1, on standardised features) on the FIT pairs that pass the hard veto and
the cosine floor; the probability threshold is the best F1 on FIT; the cosine floor is the 2nd percentile of the
FIT positives' cosine; ``cos_threshold`` (judge=threshold) is the best plain-cosine F1 on FIT. MEASURE is only
scored; a design is chosen with ``--cv`` (FIT only), never by looking at MEASURE. Rarity (IDF) comes from a DocFreq over every text of that language's pairs (unsupervised, no labels).
The template set (evals/make_neardup.py) is scored as a regression check, never fitted on.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from agentsft.novelty import pairscore, vocab  # noqa: E402
from agentsft.novelty.embedder import canonical, get_embedder  # noqa: E402
from agentsft.novelty.pairscore import DocFreq, Profile, features, hard_veto, text_grams  # noqa: E402
from evals.real_pairs import best_threshold, load, prf  # noqa: E402

EMBEDDERS = ("default", "minilm")
JUDGE = Path(vocab.__file__).parent / "data" / "judge.json"


def pair_table(rows: list[dict], lang: str, emb) -> list[dict]:
    """Adds ``cos``, ``hard`` (hard veto reason) and ``f`` (features) to each row."""
    df = DocFreq()
    for t in sorted({t for r in rows for t in (r["a"], r["b"])}):
        df.add(text_grams(t))
    va = emb.encode([r["a"] for r in rows])
    vb = emb.encode([r["b"] for r in rows])
    for r, c in zip(rows, (va * vb).sum(1)):
        a, b = Profile(r["a"]), Profile(r["b"])
        r["cos"] = float(c)
        r["hard"] = hard_veto(a, b)
        r["f"] = features(a, b, float(c), lang, df)
    return rows


def predict(rows: list[dict], m: dict) -> list[bool]:
    return [pairscore.decide(r["f"], r["hard"], "x", {"x": m}) for r in rows]


# Candidate designs, compared by 5-fold cross-validation on FIT only (`--cv`); evals/README.md lists every design
# tried and its figures. feats: the features the logistic blend may use (the others get weight 0); min_precision:
# the probability cut is the best-F1 cut among those reaching this precision on the fitting pairs (None: best F1).
DESIGNS = {
    "A": {"feats": pairscore.FEATURES, "min_precision": None},   # the blend of all features, best-F1 cut
    "D": {"feats": ("cos",), "min_precision": None},             # cosine only (+ vetoes, cosine floor, slot guard)
}
DESIGN = "A"  # what `--write` stores (kept: D was not better by > 0.01 cross-validated F1 in either language)


def fit(rows: list[dict], C: float = 1.0, design: dict | None = None) -> dict:
    from sklearn.linear_model import LogisticRegression

    design = design or DESIGNS[DESIGN]
    use = [pairscore.FEATURES.index(f) for f in design["feats"]]
    fit_rows = [r for r in rows if r["split"] == "fit"]
    pos = sorted(r["cos"] for r in fit_rows if r["label"])
    floor = round(float(np.percentile(pos, 2)) - 0.01, 3) if pos else 0.5
    train = [r for r in fit_rows if not r["hard"] and r["cos"] >= floor]
    X = np.array([[r["f"][i] for i in use] for r in train])
    y = np.array([r["label"] for r in train])
    mu, sd = X.mean(0), X.std(0) + 1e-6  # standardised: a narrow feature (cosine) is not penalised for range
    lr = LogisticRegression(C=C, max_iter=10_000).fit((X - mu) / sd, y)
    w_used = lr.coef_[0] / sd
    w = [0.0] * len(pairscore.FEATURES)
    for i, x in zip(use, w_used):
        w[i] = x
    bias = float(lr.intercept_[0] - (lr.coef_[0] * mu / sd).sum())
    m = {"bias": round(bias, 4), "w": [round(float(x), 4) for x in w], "threshold": 0.5, "cos_floor": floor}
    probs = [pairscore.probability(r["f"], "x", {"x": m}) if not r["hard"] and r["cos"] >= floor else 0.0
             for r in fit_rows]
    m["threshold"] = best_threshold(probs, fit_rows, np.arange(0.2, 0.91, 0.01), design["min_precision"])
    m["slot_cos"] = slot_guard(fit_rows, m)
    m["cos_threshold"] = best_threshold([r["cos"] for r in fit_rows], fit_rows, np.arange(0.5, 0.995, 0.005))
    return m


def cross_validate(rows: list[dict], design: dict, C: float, k: int = 5) -> dict:
    """k-fold cross-validation on the FIT pairs only (folds by md5 of the first sentence): the judge fitted on
    k-1 folds scores the k-th; returns pooled P/R/F1 over the k held-out folds, plus a plain cosine cut."""
    import hashlib

    fit_rows = [r for r in rows if r["split"] == "fit"]
    fold = [int(hashlib.md5(("cv" + r["a"]).encode("utf-8")).hexdigest(), 16) % k for r in fit_rows]
    pred, pred_cos, gold = [], [], []
    for j in range(k):
        train = [{**r, "split": "fit" if f != j else "held"} for r, f in zip(fit_rows, fold)]
        m = fit(train, C, design)
        held = [r for r, f in zip(fit_rows, fold) if f == j]
        pred += predict(held, m)
        pred_cos += [r["cos"] >= m["cos_threshold"] for r in held]
        gold += held
    return {"judge": prf(pred, gold), "cosine": prf(pred_cos, gold)}


def slot_guard(fit_rows: list[dict], m: dict) -> float:
    """The highest cosine below which a slot substitution (春天 → 秋天) is never a duplicate, such that F1 on FIT
    stays within 0.005 of its best: template clones are caught without costing real paraphrases."""
    scores = []
    for tau in [0.0, *np.arange(m["cos_floor"], 1.0001, 0.005)]:
        scores.append((prf(predict(fit_rows, {**m, "slot_cos": float(tau)}), fit_rows)["f1"], float(tau)))
    best = max(f for f, _ in scores)
    return round(max(t for f, t in scores if f >= best - 0.005), 3)


def report(rows: list[dict], m: dict) -> dict[str, dict]:
    out = {}
    for part in ("fit", "measure"):
        sub = [r for r in rows if r["split"] == part]
        out[f"judge {part}"] = prf(predict(sub, m), sub)
        out[f"cosine>={m['cos_threshold']} {part}"] = prf([r["cos"] >= m["cos_threshold"] for r in sub], sub)
    sub = [r for r in rows if r["split"] == "measure"]
    for source in sorted({r["source"] for r in sub}):
        part = [r for r in sub if r["source"] == source]
        out[f"judge measure, {source} only"] = prf(predict(part, m), part)
        out[f"cosine>={m['cos_threshold']} measure, {source} only"] = prf(
            [r["cos"] >= m["cos_threshold"] for r in part], part)
    oracle = best_threshold([r["cos"] for r in sub], sub, np.arange(0.5, 0.995, 0.005))
    out[f"cosine>={oracle} measure (threshold picked ON measure: optimistic)"] = prf(
        [r["cos"] >= oracle for r in sub], sub)
    return out


def safe_fallback(lexical_heavy: dict[str, dict]) -> dict[str, dict]:
    """The judge for an embedder nobody fitted: the MiniLM-fitted weights (they lean on lexical overlap, not on
    one model's cosine scale) with high cuts, so an unknown embedder merges less rather than more."""
    cautious = {"cos_floor": 0.6, "slot_cos": 1.0, "cos_threshold": 0.97}
    return {lang: {**m, **cautious, "threshold": max(0.8, m["threshold"])} for lang, m in lexical_heavy.items()}


def write_judge(models: dict[str, dict]) -> None:
    table = json.loads(JUDGE.read_text(encoding="utf-8"))
    table["embedders"].update(models)
    table["fallback"] = safe_fallback(table["embedders"][canonical("minilm")])
    lines = ['{', f'  "_provenance": {json.dumps(table["_provenance"], ensure_ascii=False)},',
             f'  "features": {json.dumps(table["features"])},', '  "embedders": {']
    blocks = []
    for name, langs in table["embedders"].items():
        inner = ",\n".join(f'      "{lang}": {json.dumps(m)}' for lang, m in langs.items())
        blocks.append(f'    "{name}": {{\n{inner}\n    }}')
    lines.append(",\n".join(blocks))
    fb = ",\n".join(f'    "{lang}": {json.dumps(m)}' for lang, m in table["fallback"].items())
    lines += ['  },', f'  "fallback": {{\n{fb}\n  }}', '}']
    JUDGE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    vocab.judge_table.cache_clear()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--embedders", nargs="*", default=list(EMBEDDERS))
    ap.add_argument("--cv", action="store_true", help="only k-fold cross-validation of every design on FIT")
    ap.add_argument("--design", default=DESIGN, choices=sorted(DESIGNS))
    args = ap.parse_args()
    if args.cv:
        for name in args.embedders:
            emb = get_embedder(name)
            for lang in ("zh", "en"):
                rows = pair_table(load(lang), lang, emb)
                for d, design in DESIGNS.items():
                    for C in (0.3, 1.0, 3.0):
                        for what, s in cross_validate(rows, design, C).items():
                            print(f"{canonical(name)} {lang} design {d} C={C} {what:6}: pairs {s['pairs']:3} "
                                  f"(+{s['positives']:3})  P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
        return
    models: dict[str, dict] = {}
    for name in args.embedders:
        emb = get_embedder(name)
        models[canonical(name)] = {}
        for lang in ("zh", "en"):
            rows = pair_table(load(lang), lang, emb)
            m = models[canonical(name)][lang] = fit(rows, args.C, DESIGNS[args.design])
            print(f"{canonical(name)} {lang} model {json.dumps(m)}")
            for what, s in report(rows, m).items():
                print(f"  {what:58}: pairs {s['pairs']:3} (+{s['positives']:3})  P {s['precision']:.3f}  "
                      f"R {s['recall']:.3f}  F1 {s['f1']:.3f}")
    if args.write:
        write_judge(models)
        print("written to", JUDGE)


if __name__ == "__main__":
    main()
