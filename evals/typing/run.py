"""Benchmark the task typer: agreement with our seeds' labels (leave-one-out) and with human labels.

    .venv/bin/python -m evals.typing.run [--errors N] [--recall] [--variants all]

Seeds: every seed of ``seeds/`` is typed with ``classify_record`` while its own entry is left out of the
nearest-neighbour indexes. Real sets (``evals/typing/data``, see SOURCES.md): human category labels mapped to
ours with ``labels.py``; rows whose label has no counterpart are skipped. Each set is split into ``dev`` (rules
and settings were chosen looking at these) and ``test`` (held out: never looked at row by row). The typed
training rows (``data/train_*.jsonl``, other rows of the same public sets) are also typed with their own entry
left out ("train LOO"): a held-out figure for the rules, which were never tuned on them.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

from agentsft.schema import TaskType as T
from agentsft.steps.classify import classify_record, default_embed_index, local_classify, prime_typing

from .labels import BELLE_MAP, DOLLY_MAP
from .make_examples import SEED_FILES

DATA = Path(__file__).parent / "data"
SETS = {"en": ("dolly_en.jsonl", DOLLY_MAP), "zh": ("belle_eval_zh.jsonl", BELLE_MAP)}
TRAIN = {"en": ("train_dolly_en.jsonl", DOLLY_MAP), "zh": ("train_belle_zh.jsonl", BELLE_MAP)}
VARIANTS = {
    "rules + e5 kNN (shipped)": {},
    "rules + char kNN (fallback without the embedder)": {"use_embed": False},
    "rules only": {"use_knn": False},
    "e5 kNN only": {"use_rules": False},
}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def seed_agreement(**kw) -> dict[str, tuple[int, int]]:
    from agentsft.io import read_seeds

    out = {}
    for path in SEED_FILES:
        seeds = read_seeds(path)
        hits = sum(classify_record(s, exclude=s.id, **kw) is s.task_type for s in seeds)
        out[path.stem] = (hits, len(seeds))
    return out


def real_rows(lang: str) -> list[dict]:
    name, mapping = SETS[lang]
    return [dict(r, gold=mapping[r["label"]]) for r in _jsonl(DATA / name) if r["label"] in mapping]


def train_rows(lang: str) -> list[dict]:
    name, mapping = TRAIN[lang]
    return [dict(r, gold=mapping[r["label"]], split="train") for r in _jsonl(DATA / name) if r["label"] in mapping]


def agreement(rows: list[dict], **kw) -> tuple[dict[str, tuple[int, int]], list[tuple], dict]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    recall: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    errors = []
    for r in rows:
        pred = local_classify(r["instruction"], r["input"], exclude=r.get("id"), **kw)
        ok = pred is r["gold"]
        counts[r["split"]][0] += ok
        counts[r["split"]][1] += 1
        recall[(r["split"], r["gold"].value)][0] += ok
        recall[(r["split"], r["gold"].value)][1] += 1
        if not ok:
            errors.append((r["split"], r["label"], pred.value, r["instruction"][:90]))
    return {k: (v[0], v[1]) for k, v in counts.items()}, errors, recall


def _pct(hit_total: tuple[int, int] | None) -> str:
    if not hit_total or not hit_total[1]:
        return "-"
    hit, total = hit_total
    return f"{hit}/{total} = {100 * hit / total:.1f}%"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", type=int, default=0, help="print this many disagreements per real set (dev only)")
    ap.add_argument("--recall", action="store_true", help="per-type recall of the shipped typer on each split")
    args = ap.parse_args()
    if default_embed_index() is None:
        print("NOTE: the e5 embedder is unavailable here; the 'e5' rows fall back to character n-grams")
    else:  # one batch up front: several times cheaper per text than one encoder call per instruction
        from agentsft.io import read_seed_files

        t0 = time.perf_counter()
        texts = [s.instruction for s in read_seed_files(SEED_FILES)]
        texts += [r["instruction"] for lang in ("zh", "en") for r in real_rows(lang) + train_rows(lang)]
        prime_typing(texts)
        print(f"embedded {len(texts)} instructions in {time.perf_counter() - t0:.0f} s (one batch)")
    print("| typer | seeds zh (LOO) | seeds en (LOO) | BELLE zh train (LOO) | Dolly en train (LOO) "
          "| BELLE zh dev | BELLE zh test | Dolly en dev | Dolly en test |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, kw in VARIANTS.items():
        t0 = time.perf_counter()
        seeds = seed_agreement(**kw)
        res = {}
        for lang in ("zh", "en"):
            res[lang] = agreement(real_rows(lang) + train_rows(lang), **kw)
        (zh, zh_err, zh_rec), (en, en_err, en_rec) = res["zh"], res["en"]
        print(f"| {name} | {_pct(seeds['zh'])} | {_pct(seeds['en'])} | {_pct(zh.get('train'))} | "
              f"{_pct(en.get('train'))} | {_pct(zh.get('dev'))} | {_pct(zh.get('test'))} | {_pct(en.get('dev'))} | "
              f"{_pct(en.get('test'))} |", flush=True)
        n = sum(v[1] for v in seeds.values()) + sum(v[1] for v in zh.values()) + sum(v[1] for v in en.values())
        print(f"    ({n} instructions, {1000 * (time.perf_counter() - t0) / n:.1f} ms each)")
        if name.endswith("(shipped)"):
            if args.errors:
                for err in [e for e in zh_err + en_err if e[0] == "dev"][: args.errors]:
                    print("   ", err)
            if args.recall:
                for lang, rec in (("BELLE zh", zh_rec), ("Dolly en", en_rec)):
                    for split in ("train", "dev", "test"):
                        parts = [f"{t} {h}/{n}" for (s, t), (h, n) in sorted(rec.items()) if s == split]
                        print(f"    recall {lang} {split}: " + ", ".join(parts))
    for lang in ("zh", "en"):
        print(lang, "gold counts (dev+test):", dict(Counter(r["gold"].value for r in real_rows(lang))),
              "train:", dict(Counter(r["gold"].value for r in train_rows(lang))))


if __name__ == "__main__":
    main()
