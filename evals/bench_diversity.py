"""Diversity operators (``paraphrase``, ``evol``): distinct-2 of instructions before vs after, side by side.

    .venv/bin/python -m evals.bench_diversity                       # embedded model, 40 seeds per language
    .venv/bin/python -m evals.bench_diversity --n 10 --show 10      # smaller; print 10 rewrites per operator
    .venv/bin/python -m evals.bench_diversity --base-url http://127.0.0.1:8000/v1 --model Qwen2.5-7B-Instruct
    AGENTSFT_GGUF=/path/model.gguf .venv/bin/python -m evals.bench_diversity --file en=dolly.jsonl   # other data

Data: a fixed subset (``--n`` per language, drawn with ``random.Random(--seed)``) of the instructions of
``seeds/zh.jsonl`` and ``seeds/en.jsonl``. Each operator runs as the real stage (same prompts, checks and novelty
gate, the gate holding the other seeds of that language as the pool) with ``on_fail: keep``, so the "after" set
has as many instructions as the "before" set (distinct-n depends on corpus size): an unusable rewrite leaves its
original in place. Columns:

* ``before``: the originals; ``paraphrase`` / ``evol``: the set after the stage; ``both``: evol then paraphrase;
* ``distinct-2``: distinct bigrams / all bigrams over the set (characters for zh — letters and digits, no
  punctuation or spaces — words for en), and ``distinct-2 (orig+new)``: originals plus the usable rewrites, the
  pool you get when rewrites are added as extra samples instead of replacing;
* ``used``: rewrites that passed every check, and the reasons of the others; mean length (zh characters, en words).

The scripted test model cannot show a real effect; this runs a real model: the embedded SmolLM2-135M with no
``--base-url`` (tiny: read its rewrites with ``--show``), or any OpenAI-compatible endpoint.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from agentsft.config import RunConfig
from agentsft.llm import LLMService, RequestCache, make_chat_model
from agentsft.novelty import make_gate
from agentsft.schema import Candidate
from agentsft.steps.stages import resolve_stages
from agentsft.text import latin_words

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {"zh": ROOT / "seeds" / "zh.jsonl", "en": ROOT / "seeds" / "en.jsonl"}


def units(text: str, lang: str) -> list[str]:
    """zh: the letters and digits (CJK characters included), punctuation and spaces dropped; en: words."""
    return [ch for ch in text if ch.isalnum()] if lang == "zh" else latin_words(text)


def distinct_2(texts: list[str], lang: str) -> float:
    grams = [tuple(u[i:i + 2]) for t in texts for u in [units(t, lang)] for i in range(len(u) - 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def mean_len(texts: list[str], lang: str) -> float:
    return sum(len(units(t, lang)) for t in texts) / max(1, len(texts))


def subset(lang: str, n: int, seed: int, path: Path | None = None) -> tuple[list[dict], list[dict]]:
    """``n`` rows drawn reproducibly from the language's seed file (or ``path``: JSONL rows with an ``instruction``),
    and the rest (the novelty gate's pool)."""
    rows = [json.loads(line) for line in (path or SEEDS[lang]).read_text(encoding="utf-8").splitlines() if line.strip()]
    if path is not None:  # an instruction and an id are all this needs (our typing sets have no outputs)
        rows = [{"id": f"{path.stem}_{k}", "instruction": r["instruction"]} for k, r in enumerate(rows, 1)]
    picked = set(random.Random(seed).sample(range(len(rows)), min(n, len(rows))))
    return [r for i, r in enumerate(rows) if i in picked], [r for i, r in enumerate(rows) if i not in picked]


def services(lang: str, llm, seed: int, pool: list[dict], embedder: str):
    gate = make_gate({"embedder": embedder})
    for row in pool:
        gate.add(row["id"], row["instruction"])
    return SimpleNamespace(cfg=RunConfig(seed=seed), lang=lang, llm=llm, gate=gate)


def run(stages: list, cands: list[Candidate], svc) -> tuple[list[Candidate], float]:
    started = time.perf_counter()
    for stage in resolve_stages(stages):
        kept, rejects = stage(cands, svc)
        print(f"  {svc.lang} {stage.name}: {len(cands)} candidates, {time.perf_counter() - started:.0f} s so far, "
              f"{svc.llm.usage.calls} LLM calls in all", file=sys.stderr, flush=True)
        assert not rejects and len(kept) == len(cands), "on_fail: keep gives every candidate back"
        order = {c.id: i for i, c in enumerate(cands)}
        cands = sorted(kept, key=lambda c: order[c.id])
    return cands, time.perf_counter() - started


def report(lang: str, before: list[Candidate], results: dict[str, tuple[list[Candidate], float]], show: int) -> None:
    originals = [c.instruction for c in before]
    print(f"\n== {lang}: {len(originals)} seed instructions ==")
    print(f"{'set':<12}{'distinct-2':>11}{'(orig+new)':>12}{'used':>8}{'mean len':>10}{'seconds':>9}  failures")
    print(f"{'before':<12}{distinct_2(originals, lang):>11.3f}{'':>12}{'':>8}{mean_len(originals, lang):>10.1f}")
    for name, (after, seconds) in results.items():
        texts = [c.instruction for c in after]
        new = [c.instruction for c in after if c.instruction not in originals]
        fails = Counter(e.get("detail", "").split(":")[0].split(" (")[0] for c in after
                        for e in c.provenance.rewrites if not e.get("ok"))
        print(f"{name:<12}{distinct_2(texts, lang):>11.3f}{distinct_2(originals + new, lang):>12.3f}"
              f"{len(new):>5}/{len(after):<3}{mean_len(texts, lang):>9.1f}{seconds:>9.0f}  "
              + ", ".join(f"{k} {v}" for k, v in fails.most_common(4)))
    for name, (after, _) in results.items():
        for c in after[:show]:
            last = c.provenance.rewrites[-1] if c.provenance.rewrites else {}
            tag = f"{last.get('operator', '')}/{last.get('tone', '')}".rstrip("/")
            mark = "ok " if last.get("ok") else "---"
            print(f"  [{name} {tag} {mark}] {last.get('original', c.instruction)[:70]!r}\n"
                  f"      -> {(last.get('rewrite') or c.instruction)[:160]!r}"
                  + ("" if last.get("ok") else f"\n      ({last.get('detail', '')[:100]})"))


def threads_worker(chat, threads: int) -> list[str]:
    """The embedded model's worker command, with llama.cpp limited to ``threads`` threads (it takes one per core)."""
    from agentsft.llm.embedded import worker_command

    cmd = worker_command(chat.gguf_path, chat.n_ctx, chat.seed)
    boot = (f"import os, runpy; os.cpu_count = lambda: {int(threads)}; "
            "runpy.run_module('agentsft.llm.worker', run_name='__main__', alter_sys=True)")
    return [cmd[0], "-c", boot, *cmd[3:]]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="seed instructions per language")
    ap.add_argument("--langs", default="zh,en")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--base-url", default=None, help="an OpenAI-compatible endpoint (default: the embedded model)")
    ap.add_argument("--model", default=None)
    ap.add_argument("--embedder", default="default", help="novelty gate embedder ('none': lexical only)")
    ap.add_argument("--sets", default="paraphrase,evol,both")
    ap.add_argument("--max-tokens", type=int, default=160, help="per rewrite (an instruction is short)")
    ap.add_argument("--threads", type=int, default=0, help="llama.cpp threads of the embedded model (0: one per "
                    "core; 1 is faster on a busy machine, where threads wait for each other)")
    ap.add_argument("--show", type=int, default=0, help="print this many rewrites per set")
    ap.add_argument("--cache", default=":memory:", help="an LLM request cache file (reruns pay nothing)")
    ap.add_argument("--file", action="append", default=[], metavar="LANG=PATH", help="draw that language's "
                    "instructions from PATH (JSONL rows with an 'instruction') instead of seeds/LANG.jsonl")
    args = ap.parse_args(argv)
    files = {k: Path(v) for k, v in (f.split("=", 1) for f in args.file)}
    model = args.model if args.base_url or args.model else "embedded"
    chat, desc = make_chat_model(model=model, base_url=args.base_url, temperature=0.7, max_tokens=256,
                                 seed=args.seed)
    if args.threads and hasattr(chat, "worker_cmd"):
        chat.worker_cmd = threads_worker(chat, args.threads)
    llm = LLMService(chat, desc.split(" (")[0], RequestCache(args.cache) if args.cache else None, concurrency=4)
    print(f"model: {desc}")
    keep = {"on_fail": "keep", "max_tokens": args.max_tokens}
    stage_sets = {"paraphrase": [{"paraphrase": keep}], "evol": [{"evol": keep}],
                  "both": [{"evol": keep}, {"paraphrase": keep}]}
    for lang in args.langs.split(","):
        rows, pool = subset(lang, args.n, args.seed, files.get(lang))
        before = [Candidate(id=r["id"], lang=lang, instruction=r["instruction"]) for r in rows]
        results = {}
        for name in args.sets.split(","):
            svc = services(lang, llm, args.seed, pool, args.embedder)
            results[name] = run(stage_sets[name], before, svc)
        report(lang, before, results, args.show)
    fresh = llm.fresh_usage
    print(f"\nLLM calls made {fresh.calls} ({fresh.completion_tokens} completion tokens); answered from the cache "
          f"{llm.usage.cached_calls}")


if __name__ == "__main__":
    main()
