"""Novelty as Self-Instruct shows it: for every sample, its highest similarity to the seeds and to the rest of
the pool (Self-Instruct plots ROUGE-L to the most similar seed; we use the cosine of the run's own novelty
embedder, offline — multilingual-e5-small by default). Low values mean new; values near 1 mean near copies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

BINS = [round(0.05 * i, 2) for i in range(21)]  # 0.00, 0.05, ..., 1.00
CHUNK = 1024


def embedder_for(manifest: dict[str, Any] | None):
    """The run's novelty embedder (``novelty.embedder`` of its config), or the default one; 'none'/'off' and
    a plain file use the default."""
    from agentsft.novelty.embedder import get_embedder

    novelty = ((manifest or {}).get("config") or {}).get("novelty") or {}
    name = novelty.get("embedder") or "default"
    if str(name).lower() in ("none", "off"):
        name = "default"
    return get_embedder(name, int(novelty.get("max_seq_length", 128)), int(novelty.get("batch_size", 64)), "cpu",
                        novelty.get("prefix", "") or "")


def stored_vectors(run_dir: Path | None, emb) -> dict[str, np.ndarray]:
    """Vectors the run's novelty gate already computed (``novelty.faiss`` + ``novelty.ids.json``: seeds and
    samples by id), when they were made by the same embedder and settings; else {}. Saves re-encoding."""
    if run_dir is None:
        return {}
    try:
        import faiss

        meta = json.loads((Path(run_dir) / "novelty.ids.json").read_text(encoding="utf-8"))
        same = (meta.get("embedder") == emb.model_name and meta.get("max_seq_length") == emb.max_seq_length
                and (meta.get("prefix") or "") == (emb.prefix or ""))
        if not same:
            return {}
        index = faiss.read_index(str(Path(run_dir) / "novelty.faiss"))
        ids = [str(i) for i in meta.get("ids", [])]
        if index.ntotal != len(ids):
            return {}
        vecs = index.reconstruct_n(0, index.ntotal)
    except (OSError, ValueError, RuntimeError, ImportError):
        return {}
    return dict(zip(ids, vecs))


def encode_with_store(emb, texts: list[str], ids: list[str], stored: dict[str, np.ndarray]) -> np.ndarray:
    """Vectors of ``texts``: the stored vector of an id when there is one, else freshly encoded."""
    missing = [i for i, key in enumerate(ids) if key not in stored]
    fresh = emb.encode([texts[i] for i in missing]) if missing else None
    dim = fresh.shape[1] if fresh is not None else len(next(iter(stored.values()))) if stored else 0
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, key in enumerate(ids):
        if key in stored:
            out[i] = stored[key]
    for j, i in enumerate(missing):
        out[i] = fresh[j]
    return out


def max_cosine(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """For each row of ``a``: its highest cosine to a row of ``b``; with ``b`` None, to another row of ``a``
    (itself left out). Rows are L2-normalised. Computed in chunks (no n x n matrix at once)."""
    other = a if b is None else b
    out = np.full(len(a), np.nan, dtype=np.float64)
    if len(a) == 0 or len(other) == 0 or (b is None and len(a) < 2):
        return out
    for start in range(0, len(a), CHUNK):
        sims = a[start: start + CHUNK] @ other.T
        if b is None:
            idx = np.arange(start, min(start + CHUNK, len(a)))
            sims[idx - start, idx] = -np.inf
        out[start: start + CHUNK] = sims.max(axis=1)
    return out


def summary(values: np.ndarray) -> dict[str, Any] | None:
    vals = values[~np.isnan(values)]
    if len(vals) == 0:
        return None
    return {"n": int(len(vals)), "mean": round(float(vals.mean()), 4), "median": round(float(np.median(vals)), 4),
            "p90": round(float(np.quantile(vals, 0.9)), 4), "max": round(float(vals.max()), 4),
            "share_ge_0_9": round(float((vals >= 0.9).mean()), 4),
            "hist": np.histogram(np.clip(vals, 0, 1), bins=BINS)[0].tolist()}


def novelty_report(vecs: np.ndarray, seed_vecs: np.ndarray | None) -> dict[str, Any]:
    """Per-sample highest cosine to the seeds (None without seeds) and to the rest of the pool."""
    to_seeds = max_cosine(vecs, seed_vecs) if seed_vecs is not None and len(seed_vecs) else None
    to_pool = max_cosine(vecs)
    return {"bins": BINS, "to_seeds": summary(to_seeds) if to_seeds is not None else None,
            "to_pool": summary(to_pool),
            "values": {"to_seeds": None if to_seeds is None else [round(float(v), 4) for v in to_seeds],
                       "to_pool": [None if np.isnan(v) else round(float(v), 4) for v in to_pool]}}
