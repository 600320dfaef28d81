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
from evals.real_pairs import best_threshold, core, load, prf  # noqa: E402

EMBEDDERS = ("default", "minilm")
JUDGE = Path(vocab.__file__).parent / "data" / "judge.json"


def pair_table(rows: list[dict], lang: str, emb) -> list[dict]:
    """Adds ``cos``, ``hard`` (hard veto reason) and ``f`` (features) to each row."""
    df = DocFreq()
    for t in sorted({t for r in rows for t in (r["a"], r["b"])}):
        df.add(text_grams(t))
    va = emb.encode([r["a"] for r in rows])
    vb = emb.encode([r["b"] for r in rows])
    for r, c, u, v in zip(rows, (va * vb).sum(1), va, vb):
        a, b = Profile(r["a"]), Profile(r["b"])
        r["cos"], r["pair"] = float(c), (u, v)
        r["hard"] = hard_veto(a, b)
        r["f"] = features(a, b, float(c), lang, df)
    return rows


def predict(rows: list[dict], m: dict) -> list[bool]:
    w = {"x": vocab.with_vector_arrays(m)}
    return [pairscore.decide(r["f"], r["hard"], "x", w, r["pair"]) for r in rows]


# Candidate designs, compared by 5-fold cross-validation on FIT only (`--cv`); evals/README.md lists every design
# tried and its figures. feats: the features the logistic blend may use (the others get weight 0); min_precision:
# the probability cut is the best-F1 cut among those reaching this precision on the fitting pairs (None: best F1).
# vectors: also weigh the pair's vectors element-wise (|u - v| and u * v: 2 x 384 weights), with C fixed by
# cross-validation on FIT (2026-11-26, 3.5k zh pairs: C 0.0003 / 0.001 / 0.003 gave CV F1 0.807 / 0.822 / 0.826).
DESIGNS = {
    "A": {"feats": pairscore.FEATURES, "min_precision": None},   # the blend of all features, best-F1 cut
    "D": {"feats": ("cos",), "min_precision": None},             # cosine only (+ vetoes, cosine floor, slot guard)
    "H": {"feats": pairscore.FEATURES, "min_precision": None, "vectors": True, "C": 0.003},  # A + the vectors
}
# What `--write` stores. "blend" (the default judge, every embedder): design A on the core FIT (real_pairs.core).
# "questions" (judge: questions; default embedder only): on the whole FIT, a design replaces A where it beats A's
# cross-validated F1 by more than 0.01: H in zh (0.822 vs 0.802); in en no design did (H 0.789, D 0.812 vs A 0.807),
# so en has no questions judge (it falls back to the blend).
DESIGN = "A"
QUESTIONS = {"zh": "H"}


def fit(rows: list[dict], C: float = 1.0, design: dict | None = None) -> dict:
    from sklearn.linear_model import LogisticRegression

    design = design or DESIGNS[DESIGN]
    use = [pairscore.FEATURES.index(f) for f in design["feats"]]
    fit_rows = [r for r in rows if r["split"] == "fit"]
    pos = sorted(r["cos"] for r in fit_rows if r["label"])
    floor = round(float(np.percentile(pos, 2)) - 0.01, 3) if pos else 0.5
    train = [r for r in fit_rows if not r["hard"] and r["cos"] >= floor]
    X = np.array([_row_features(r, use, design) for r in train])
    y = np.array([r["label"] for r in train])
    mu, sd = X.mean(0), X.std(0) + 1e-6  # standardised: a narrow feature (cosine) is not penalised for range
    lr = LogisticRegression(C=design.get("C", C), max_iter=10_000).fit((X - mu) / sd, y)
    w_used = lr.coef_[0] / sd
    w = [0.0] * len(pairscore.FEATURES)
    for i, x in zip(use, w_used):
        w[i] = x
    bias = float(lr.intercept_[0] - (lr.coef_[0] * mu / sd).sum())
    m = {"bias": round(bias, 4), "w": [round(float(x), 4) for x in w], "threshold": 0.5, "cos_floor": floor}
    if design.get("vectors"):
        dim = (len(w_used) - len(use)) // 2
        rest = w_used[len(use):]
        m["vec"] = {"diff": [round(float(x), 5) for x in rest[:dim]], "prod": [round(float(x), 5) for x in rest[dim:]]}
    mx = {"x": vocab.with_vector_arrays(m)}
    probs = [pairscore.probability(r["f"], "x", mx, r["pair"]) if not r["hard"] and r["cos"] >= floor else 0.0
             for r in fit_rows]
    m["threshold"] = best_threshold(probs, fit_rows, np.arange(0.2, 0.91, 0.01), design["min_precision"])
    m["slot_cos"] = slot_guard(fit_rows, m)
    m["cos_threshold"] = best_threshold([r["cos"] for r in fit_rows], fit_rows, np.arange(0.5, 0.995, 0.005))
    return m


def _row_features(r: dict, use: list[int], design: dict) -> list[float]:
    feats = [r["f"][i] for i in use]
    if design.get("vectors"):
        u, v = r["pair"]
        feats += [*np.abs(u - v).tolist(), *(u * v).tolist()]
    return feats


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


def _blocks(by_embedder: dict[str, dict]) -> str:
    """One embedder's judges a block, one language a line."""
    blocks = []
    for name, langs in by_embedder.items():
        inner = ",\n".join(f'      "{lang}": {json.dumps(m)}' for lang, m in langs.items())
        blocks.append(f'    "{name}": {{\n{inner}\n    }}')
    return ",\n".join(blocks)


def write_judge(models: dict[str, dict], questions: dict[str, dict]) -> None:
    table = json.loads(JUDGE.read_text(encoding="utf-8"))
    table["embedders"].update(models)
    table["questions"] = {**table.get("questions", {}), **questions}
    table["fallback"] = safe_fallback(table["embedders"][canonical("minilm")])
    lines = ['{', f'  "_provenance": {json.dumps(table["_provenance"], ensure_ascii=False)},',
             f'  "features": {json.dumps(table["features"])},', '  "embedders": {', _blocks(table["embedders"]),
             '  },', '  "questions": {', _blocks(table["questions"])]
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
    ap.add_argument("--design", default=DESIGN, choices=sorted(DESIGNS), help="the blend's design")
    ap.add_argument("--fit", default="core", choices=("core", "all"), help="--cv: the core FIT or all of it")
    args = ap.parse_args()
    if args.cv:
        for name in args.embedders:
            emb = get_embedder(name)
            for lang in ("zh", "en"):
                rows = pair_table(core(load(lang)) if args.fit == "core" else load(lang), lang, emb)
                for d, design in DESIGNS.items():
                    for C in (0.3, 1.0, 3.0) if "C" not in design else (design["C"],):
                        for what, s in cross_validate(rows, design, C).items():
                            print(f"{canonical(name)} {lang} design {d} C={C} {what:6}: pairs {s['pairs']:3} "
                                  f"(+{s['positives']:3})  P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
        return
    models: dict[str, dict] = {}
    questions: dict[str, dict] = {}
    for name in args.embedders:
        emb = get_embedder(name)
        models[canonical(name)] = {}
        for lang in ("zh", "en"):
            rows = pair_table(load(lang), lang, emb)
            models[canonical(name)][lang] = _fit_and_report(f"{canonical(name)} {lang} blend, design {args.design}, "
                                                            "core FIT", core(rows), args.C, args.design)
            if canonical(name) == canonical("default") and lang in QUESTIONS:
                questions.setdefault(canonical(name), {})[lang] = _fit_and_report(
                    f"{canonical(name)} {lang} questions, design {QUESTIONS[lang]}, all FIT", rows, args.C,
                    QUESTIONS[lang])
    if args.write:
        write_judge(models, questions)
        print("written to", JUDGE)


def _fit_and_report(title: str, rows: list[dict], C: float, design: str) -> dict:
    m = fit(rows, C, DESIGNS[design])
    print(title)
    print(f"  model {json.dumps({k: v for k, v in m.items() if k != 'vec'})}")
    for what, s in report(rows, m).items():
        print(f"  {what:58}: pairs {s['pairs']:4} (+{s['positives']:4})  P {s['precision']:.3f}  "
              f"R {s['recall']:.3f}  F1 {s['f1']:.3f}")
    return m


if __name__ == "__main__":
    main()
