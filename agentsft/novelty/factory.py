"""Build the gate a run asks for from its ``NoveltyConfig``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentsft.config import NoveltyConfig
from agentsft.novelty.embedder import get_embedder
from agentsft.novelty.engine import NoveltyEngine
from agentsft.novelty.exact import ExactGate


def make_gate(novelty_cfg: NoveltyConfig | dict[str, Any] | None = None,
              run_dir: str | Path | None = None) -> NoveltyEngine | ExactGate:
    """The novelty gate for a run: ``NoveltyEngine`` (exact → lexical → embedding), or ``ExactGate`` when
    ``embedder`` is ``"off"``. ``novelty_cfg`` is a ``NoveltyConfig``, or a dict of its fields (validated the
    same way; what is missing takes the config's defaults).

    With ``run_dir`` (and ``persist``) the vector index lives in ``run_dir/novelty.faiss`` and is reused on
    resume; it is rebuilt from the texts added at start when missing or stale. The encoder loads lazily
    (on the first check) and is shared by every gate of the process.
    """
    cfg = novelty_cfg if isinstance(novelty_cfg, NoveltyConfig) else NoveltyConfig.model_validate(novelty_cfg or {})
    name = cfg.embedder or "default"
    if name.lower() == "off":
        return ExactGate()
    embedder = None
    if name.lower() != "none":
        embedder = get_embedder(name, cfg.max_seq_length, cfg.batch_size, "cpu", cfg.prefix)
    return NoveltyEngine(
        embedder,
        exact=cfg.exact,
        lexical=cfg.lexical,
        content_check=cfg.content_check,
        embedding_threshold=cfg.embedding_threshold,
        lexical_threshold=cfg.lexical_threshold,
        judge=cfg.judge,
        pair_threshold=None if cfg.pair_threshold is None else dict.fromkeys(("zh", "en"), cfg.pair_threshold),
        cos_floor=cfg.cos_floor,
        top_k=cfg.top_k,
        hnsw_threshold=cfg.hnsw_threshold,
        hnsw_m=cfg.hnsw_m,
        ef_search=cfg.ef_search,
        run_dir=Path(run_dir) if (run_dir is not None and cfg.persist) else None,
        save_every=cfg.save_every,
    )
