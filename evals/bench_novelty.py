"""Novelty engine benchmarks, measured side by side in one process. Not a test.

    python -m evals.bench_novelty [--quick]

(a) gate cost per candidate at pool sizes 1k / 10k / 100k, our gate against an Alpaca-style ROUGE-L check
    (rouge_score, the same candidate texts and pool texts), with the encoding share shown separately;
(b) precision / recall / F1 per language on the real MEASURE pairs (evals/real_pairs.py) and, as a regression
    check, on the template sets evals/data/neardup_{zh,en}.jsonl, for the fitted pair judge and the threshold judge;
(c) embedding throughput (texts/s) and resident memory of the gate holding a 100k pool, in a fresh subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from agentsft.novelty.embedder import get_embedder  # noqa: E402
from agentsft.novelty.engine import NoveltyEngine  # noqa: E402

DATA = Path(__file__).parent / "data"


def rss_mib() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def synthetic_texts(n: int, rng: random.Random) -> list[str]:
    """Instruction-like pool texts: the labelled families' frames filled with random slot words."""
    from evals.make_neardup import EN, ZH

    words_en = "river market engine garden budget planet violin theory castle harbor recipe tunnel glacier".split()
    words_zh = list("山水风雨花鸟虫鱼书画琴棋茶酒诗词城乡桥路云月星日春夏秋冬金木火土")
    out = []
    for i in range(n):
        if i % 2:
            frames, _ = rng.choice(EN)
            slot = " ".join(rng.sample(words_en, 2)) + f" {i}"
        else:
            frames, _ = rng.choice(ZH)
            slot = "".join(rng.sample(words_zh, 3)) + str(i)
        out.append(rng.choice(frames).format(x=slot))
    return out


def _prepare_gate(texts: list[str], vecs: np.ndarray, size: int, emb, judge: str = "blend") -> NoveltyEngine:
    """A gate holding ``texts[:size]`` with precomputed vectors (what ``add`` + ``flush`` would build)."""
    from agentsft.novelty.index import VectorIndex
    from agentsft.novelty.pairscore import text_grams

    gate = NoveltyEngine(emb, hnsw_threshold=50_000, judge=judge)
    for i, t in enumerate(texts[:size]):
        gate._texts[f"p{i}"] = t
        gate._exact.setdefault(t, f"p{i}")
        gate.df.add(text_grams(t))
    gate._index = VectorIndex(vecs.shape[1], hnsw_threshold=50_000)
    gate._index.add([f"p{i}" for i in range(size)], vecs[:size])
    return gate


def bench_cost(sizes: list[int], quick: bool, embedder: str = "default") -> list[dict]:
    from rouge_score import rouge_scorer

    rng = random.Random(1)
    emb = get_embedder(embedder)
    n_max = max(sizes)
    encode_n = min(n_max, 3_000 if quick else n_max)
    texts = synthetic_texts(n_max, rng)
    t0 = time.perf_counter()
    vecs = emb.encode(texts[:encode_n])
    enc_rate = encode_n / (time.perf_counter() - t0)
    if encode_n < n_max:  # quick mode: the rest of the pool gets random unit vectors (search cost is the same)
        extra = np.random.default_rng(0).normal(size=(n_max - encode_n, vecs.shape[1])).astype("float32")
        vecs = np.vstack([vecs, extra / np.linalg.norm(extra, axis=1, keepdims=True)])
    cand_texts = [t + " 请简要回答" if i % 2 == 0 else t + " briefly" for i, t in enumerate(synthetic_texts(64, random.Random(7)))]
    cands = [(f"c{i}", t) for i, t in enumerate(cand_texts)]
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    emb.encode(cand_texts[:4])  # warm up
    emb.forget()  # time the encoder, not the embedder's memory of recent texts
    t0 = time.perf_counter()
    emb.encode(cand_texts)  # the encoding share of a check: the same 64 texts, one batch
    enc_ms = (time.perf_counter() - t0) / len(cands) * 1000
    rows = []
    for size in sizes:
        gate = _prepare_gate(texts, vecs, size, emb)
        gate.check_batch(cands[:4])  # warm up
        emb.forget()  # each timed check encodes its candidates, as a run's gate does
        t0 = time.perf_counter()
        gate.check_batch(cands)
        ours = (time.perf_counter() - t0) / len(cands) * 1000
        qgate = _prepare_gate(texts, vecs, size, emb, "questions")  # judge: questions (reads neighbour vectors)
        qgate.check_batch(cands[:4])
        emb.forget()
        t0 = time.perf_counter()
        qgate.check_batch(cands)
        questions = (time.perf_counter() - t0) / len(cands) * 1000
        # ROUGE-L: every candidate against every pool text (the Alpaca check); a sample of candidates
        n_rouge = max(1, min(len(cands), int(20_000 / size) or 1))
        pool = texts[:size] if size <= 10_000 else texts[:10_000]
        t0 = time.perf_counter()
        for c in cand_texts[:n_rouge]:
            for p in pool:
                scorer.score(c, p)
        per_pair = (time.perf_counter() - t0) / (n_rouge * len(pool))
        rouge = per_pair * size * 1000
        no_enc = max(ours - enc_ms, 1e-6)
        rows.append({"pool": size, "index": gate.index_kind, "ours_ms": ours, "questions_ms": questions,
                     "encode_ms": enc_ms,
                     "no_encode_ms": no_enc, "rouge_ms": rouge, "speedup": rouge / ours,
                     "speedup_no_encode": rouge / no_enc, "rouge_note": "measured" if size <= 10_000 else
                     f"extrapolated from {n_rouge} candidates x 10k pairs", "encoded": min(size, encode_n)})
    rows.append({"encode_rate": enc_rate})
    return rows


def _judged(emb, rows: list[dict], lang: str, judge: str) -> list[bool]:
    """Each pair through the engine's own ``_judge`` (rarity from a DocFreq over the rows' texts, no labels)."""
    from agentsft.novelty.pairscore import DocFreq, text_grams

    df = DocFreq()
    for t in sorted({t for r in rows for t in (r["a"], r["b"])}):
        df.add(text_grams(t))
    va, vb = emb.encode([r["a"] for r in rows]), emb.encode([r["b"] for r in rows])
    gate = NoveltyEngine(emb, judge=judge)
    gate.df = df
    return [not gate._judge(r["a"], [("b", r["b"], float(c))], (u, {"b": v})).novel
            for r, c, u, v in zip(rows, (va * vb).sum(1), va, vb)]


def bench_pr(embedder: str = "default") -> dict:
    """Precision / recall / F1 per language: the real MEASURE pairs (headline) and the template sets (regression)."""
    from evals import real_pairs, template_pairs

    emb = get_embedder(embedder)
    out = {}
    for lang in ("zh", "en"):
        real = [r for r in real_pairs.load(lang) if r["split"] == "measure"]
        tmpl = template_pairs.load(lang)
        for judge in ("blend", "questions", "threshold"):
            out[(lang, judge, "real measure")] = real_pairs.prf(_judged(emb, real, lang, judge), real)
            pred = _judged(emb, tmpl, lang, judge)
            for split in ("train", "test"):
                idx = [k for k, r in enumerate(tmpl) if r["split"] == split]
                sub = [tmpl[k] for k in idx]
                res = real_pairs.prf([pred[k] for k in idx], sub)
                res["by_kind"] = template_pairs.by_kind([pred[k] for k in idx], sub)
                out[(lang, judge, f"template {split}")] = res
    return out


def _memory_child(n: int, quick: bool, embedder: str = "default") -> dict:
    """Run in a fresh process: RSS after loading the model, then after holding an n-text pool."""
    from agentsft.novelty.pairscore import text_grams

    base = rss_mib()
    emb = get_embedder(embedder)
    emb.encode(["warm up"])
    texts = synthetic_texts(n, random.Random(3))
    gate = NoveltyEngine(emb, hnsw_threshold=50_000)
    gate.check_batch([("w", "warm up the judge")])
    loaded = rss_mib()
    encode_n = min(n, 2_000 if quick else n)
    t0 = time.perf_counter()
    for i, t in enumerate(texts[:encode_n]):
        gate.add(f"p{i}", t)
    gate.flush()
    rate = encode_n / (time.perf_counter() - t0)
    if encode_n < n:  # quick: the rest as random vectors through the same index (same memory per vector)
        for i, t in enumerate(texts[encode_n:], start=encode_n):
            gate._texts[f"p{i}"] = t
            gate._exact.setdefault(t, f"p{i}")
            gate.df.add(text_grams(t))
        rng = np.random.default_rng(0)
        for k in range(encode_n, n, 4096):  # in chunks, like _sync: no 100k-row temporary stays resident
            m = min(4096, n - k)
            extra = rng.normal(size=(m, emb.dim)).astype("float32")
            gate._index.add([f"p{i}" for i in range(k, k + m)], extra / np.linalg.norm(extra, axis=1, keepdims=True))
        del extra
    gate.check_batch([("q", "写一首关于春天的诗"), ("q2", "Write a poem about spring.")])
    return {"pool": len(gate), "index": gate.index_kind, "encode_texts_per_s": rate, "encoded": encode_n,
            "rss_start_mib": base, "rss_model_mib": loaded, "rss_pool_mib": rss_mib()}


def bench_memory(n: int, quick: bool, embedder: str = "default") -> dict:
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "evals.bench_novelty", "--memory-child", str(n), "--embedder", embedder] + (["--quick"] if quick else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="encode fewer texts (rest random vectors); < 3 min")
    ap.add_argument("--memory-child", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--embedder", default="default", help="novelty.embedder to measure (default: multilingual-e5-small)")
    ap.add_argument("--pr-only", action="store_true", help="only (b): precision / recall")
    args = ap.parse_args()
    if args.memory_child:
        print(json.dumps(_memory_child(args.memory_child, args.quick, args.embedder)))
        return
    t0 = time.perf_counter()
    print(f"cpus: {os.cpu_count()}, quick: {args.quick}, embedder: {args.embedder}")
    print(f"\n(b) precision / recall / F1, embedder {args.embedder}: real MEASURE pairs (evals/real_pairs.py) and "
          "the template sets (regression; split by family, see evals/template_pairs.py)")
    for (lang, judge, what), r in bench_pr(args.embedder).items():
        print(f"  {lang} {judge:9} {what:15}: pairs {r['pairs']:3}  P {r['precision']:.3f}  R {r['recall']:.3f}  "
              f"F1 {r['f1']:.3f}  {r.get('by_kind', '')}")
    if args.pr_only:
        return
    print("\n(a) gate cost per candidate (batch of 64) vs ROUGE-L (rouge_score) against the whole pool")
    rows = bench_cost([1_000, 10_000, 100_000], args.quick, args.embedder)
    for r in rows[:-1]:
        print(f"  pool {r['pool']:>7}: ours {r['ours_ms']:6.2f} ms ({r['index']}; of which encoding "
              f"{r['encode_ms']:.2f} ms, the rest {r['no_encode_ms']:.2f} ms)   ROUGE-L {r['rouge_ms']:9.1f} ms "
              f"({r['rouge_note']})   speedup {r['speedup']:6.0f}x whole gate, {r['speedup_no_encode']:6.0f}x "
              f"without encoding); judge: questions {r['questions_ms']:6.2f} ms")
    print(f"  (embedding rate while building: {rows[-1]['encode_rate']:.0f} texts/s)")
    print("\n(c) throughput and resident memory at 100k (fresh subprocess)")
    m = bench_memory(100_000, args.quick, args.embedder)
    print(f"  encode: {m['encode_texts_per_s']:.0f} texts/s over {m['encoded']} texts (add + flush, batch 64)")
    print(f"  RSS: start {m['rss_start_mib']:.0f} MiB, model loaded {m['rss_model_mib']:.0f} MiB, "
          f"with {m['pool']} pool texts ({m['index']}) {m['rss_pool_mib']:.0f} MiB total; "
          f"pool delta {m['rss_pool_mib'] - m['rss_model_mib']:.0f} MiB")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
