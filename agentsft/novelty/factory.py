"""Build the gate a run asks for from its ``NoveltyConfig``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentsft.novelty.embedder import get_embedder
from agentsft.novelty.engine import NoveltyEngine
from agentsft.novelty.exact import ExactGate


def _get(cfg: Any, name: str, default: Any) -> Any:
    if cfg is None:
        return default
    if isinstance(cfg, dict):
        return cfg.get(name, default)
    return getattr(cfg, name, default)


def make_gate(novelty_cfg: Any = None, run_dir: str | Path | None = None) -> NoveltyEngine | ExactGate:
    """The novelty gate for a run: ``NoveltyEngine`` (exact → lexical → embedding), or ``ExactGate`` when
    ``embedder`` is ``"off"``. ``novelty_cfg`` is a ``NoveltyConfig`` (a dict or None also work).

    With ``run_dir`` (and ``persist``) the vector index lives in ``run_dir/novelty.faiss`` and is reused on
    resume; it is rebuilt from the texts added at start when missing or stale. The encoder loads lazily
    (on the first check) and is shared by every gate of the process.
    """
    name = str(_get(novelty_cfg, "embedder", "default") or "default")
    if name.lower() == "off":
        return ExactGate()
    embedder = None
    if name.lower() != "none":
        embedder = get_embedder(name, int(_get(novelty_cfg, "max_seq_length", 128)),
                                int(_get(novelty_cfg, "batch_size", 64)), "cpu", str(_get(novelty_cfg, "prefix", "")))
    persist = bool(_get(novelty_cfg, "persist", True))
    return NoveltyEngine(
        embedder,
        exact=bool(_get(novelty_cfg, "exact", True)),
        lexical=bool(_get(novelty_cfg, "lexical", True)),
        content_check=bool(_get(novelty_cfg, "content_check", True)),
        embedding_threshold=_get(novelty_cfg, "embedding_threshold", None),
        lexical_threshold=_get(novelty_cfg, "lexical_threshold", None),
        judge=str(_get(novelty_cfg, "judge", "blend")),
        pair_threshold=_get(novelty_cfg, "pair_threshold", None),
        cos_floor=_get(novelty_cfg, "cos_floor", None),
        top_k=int(_get(novelty_cfg, "top_k", 20)),
        hnsw_threshold=int(_get(novelty_cfg, "hnsw_threshold", 50_000)),
        hnsw_m=int(_get(novelty_cfg, "hnsw_m", 32)),
        ef_search=int(_get(novelty_cfg, "ef_search", 128)),
        run_dir=Path(run_dir) if (run_dir is not None and persist) else None,
        save_every=float(_get(novelty_cfg, "save_every", 30.0)),
    )
