"""Every metric of the report for one input, as one JSON-able dict (``agentsft eval --json``)."""

from __future__ import annotations

import time
from typing import Any

from . import checks, cost, diversity, funnel, mix, similarity
from .load import EvalInput

RUN_ONLY = "not available for a plain file"


def embed(ev: EvalInput) -> tuple[Any, Any, str | None, int]:
    """(sample vectors, seed vectors or None, embedder name, texts encoded now) — or (None, None, why not, 0).
    A run's vectors come from its novelty index where it holds them (same embedder); the rest are encoded."""
    texts = [seed.instruction for seed in ev.data.seeds]
    ids = [s.id for s in ev.samples] if len(ev.samples) == len(texts) else [f"#{i}" for i in range(len(texts))]
    try:
        emb = similarity.embedder_for(ev.manifest)
        stored = similarity.stored_vectors(ev.path if ev.is_run else None, emb)
        vecs = similarity.encode_with_store(emb, texts, ids, stored)
        seed_vecs, changed = None, False
        if ev.seeds:
            changed = any("changed since the run" in n for n in ev.notes)
            seed_vecs = similarity.encode_with_store(emb, [s.instruction for s in ev.seeds], [s.id for s in ev.seeds],
                                                     {} if changed else stored)
        fresh = sum(1 for i in ids if i not in stored) + sum(1 for s in ev.seeds if changed or s.id not in stored)
        return vecs, seed_vecs, emb.model_name, fresh
    except Exception as exc:  # noqa: BLE001 - an embedder that cannot load leaves these sections empty, not the report
        return None, None, f"no embedder: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", 0


def compute(ev: EvalInput, tokenizer: Any = None, prices: dict[str, Any] | None = None,
            mix_spec: str | None = None, use_embedder: bool = True, cluster_k: int | None = None) -> dict[str, Any]:
    """All metrics of ``ev``. ``tokenizer``: an ``agentsft.tokens`` tokenizer or None (no token figures)."""
    start = time.perf_counter()
    rows = mix.per_record(ev, tokenizer)
    instr = [(lang, seed.instruction) for seed, (lang, _) in zip(ev.data.seeds, ev.data.labels)]
    outputs = [(lang, seed.instruction, seed.instances[0].output if seed.instances else "")
               for seed, (lang, _) in zip(ev.data.seeds, ev.data.labels)]
    result: dict[str, Any] = {
        "name": ev.name, "kind": ev.kind, "path": str(ev.path), "notes": list(ev.notes),
        "lang": ev.lang, "seeds": len(ev.seeds),
        "shape": mix.shape_report(ev, rows, getattr(tokenizer, "name", None), mix_spec),
        "per_record": rows,
        "distinct": diversity.distinct_report(outputs),
        "verb_object": diversity.verb_object_report(instr),
        "novelty": None, "clusters": None, "embedder": None,
    }
    if ev.is_run:
        result.update(funnel=funnel.funnel(ev), branches=funnel.branches(ev), rounds=funnel.rounds(ev),
                      reject_examples=funnel.examples(ev), pass_rates=checks.pass_rates(ev),
                      judge=checks.judge_scores(ev), votes=checks.votes(ev),
                      cost=cost.cost(ev, prices or cost.load_prices()), notes=list(ev.notes),
                      config={k: (ev.manifest or {}).get(k) for k in ("status", "model", "stop", "created", "updated")})
    else:
        result.update(funnel=None, branches=None, rounds=None, reject_examples=None, pass_rates=None, judge=None,
                      votes=None, cost=None, config=None)
        samples_checks = checks.pass_rates(ev) if ev.samples else []
        result["pass_rates"] = samples_checks or None
        result["judge"] = checks.judge_scores(ev) if ev.samples else None
        result["votes"] = checks.votes(ev) if ev.samples else None
    if not use_embedder:
        result["notes"].append("novelty and clusters skipped (--no-embed)")
    elif instr:
        vecs, seed_vecs, name, fresh = embed(ev)
        result["encoded"] = fresh
        if vecs is None:
            result["notes"].append(f"novelty and clusters not computed ({name})")
        else:
            result["embedder"] = name
            result["novelty"] = similarity.novelty_report(vecs, seed_vecs)
            result["clusters"] = diversity.cluster_report(vecs, seed_vecs, cluster_k)
    result["examples"] = [{"task_type": tt.value, "lang": lang, "instruction": seed.instruction[:300],
                           "output": (seed.instances[0].output if seed.instances else "")[:300]}
                          for seed, (lang, tt) in list(zip(ev.data.seeds, ev.data.labels))[:5]]
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result
