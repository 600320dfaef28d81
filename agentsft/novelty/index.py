"""Vector index over accepted texts: exact inner product while small, HNSW past a size threshold.

Keep-first by construction: only accepted texts are added, so of two duplicates the later one is the one
that is judged. The index persists as ``novelty.faiss`` plus ``novelty.ids.json`` (ids in index order and
the embedder that made the vectors); ``load`` refuses files made by another embedder or dimension.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import faiss
import numpy as np

INDEX_FILE = "novelty.faiss"
IDS_FILE = "novelty.ids.json"


class VectorIndex:
    def __init__(self, dim: int, hnsw_threshold: int = 50_000, hnsw_m: int = 32,
                 ef_construction: int = 80, ef_search: int = 128) -> None:
        self.dim = dim
        self.hnsw_threshold = hnsw_threshold
        self.hnsw_m = hnsw_m
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self.ids: list[str] = []
        self.index = faiss.IndexFlatIP(dim)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self.index, faiss.IndexHNSWFlat) else "flat"

    def _to_hnsw(self) -> None:
        vecs = self.index.reconstruct_n(0, self.index.ntotal) if self.index.ntotal else np.zeros((0, self.dim), "float32")
        hnsw = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = self.ef_construction
        hnsw.hnsw.efSearch = self.ef_search
        if len(vecs):
            hnsw.add(vecs)
        self.index = hnsw

    def add(self, ids: list[str], vecs: np.ndarray) -> None:
        if not ids:
            return
        vecs = np.ascontiguousarray(vecs, dtype=np.float32).reshape(len(ids), self.dim)
        self.index.add(vecs)
        self.ids.extend(ids)
        if self.kind == "flat" and len(self.ids) > self.hnsw_threshold:
            self._to_hnsw()

    def search(self, vecs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, positions) per query; positions are -1 where there are fewer hits."""
        n = len(vecs)
        if not self.ids or n == 0:
            return np.zeros((n, 0), "float32"), np.zeros((n, 0), "int64")
        k = min(k, len(self.ids))
        if self.kind == "hnsw":
            self.index.hnsw.efSearch = max(self.ef_search, k)
        return self.index.search(np.ascontiguousarray(vecs, dtype=np.float32), k)

    def vector(self, pos: int) -> np.ndarray:
        """The stored vector at ``pos`` (a position ``search`` returned)."""
        return self.index.reconstruct(int(pos))

    # --- persistence -------------------------------------------------------------------------------
    def save(self, run_dir: Path, meta: dict) -> None:
        run_dir = Path(run_dir)
        run_dir.mkdir(parents=True, exist_ok=True)
        tmp = run_dir / (INDEX_FILE + ".tmp")
        faiss.write_index(self.index, str(tmp))
        os.replace(tmp, run_dir / INDEX_FILE)
        tmp_ids = run_dir / (IDS_FILE + ".tmp")
        tmp_ids.write_text(json.dumps({**meta, "dim": self.dim, "kind": self.kind, "ids": self.ids},
                                      ensure_ascii=False), encoding="utf-8")
        os.replace(tmp_ids, run_dir / IDS_FILE)

    @classmethod
    def load(cls, run_dir: Path, meta: dict, **kw) -> "VectorIndex | None":
        """The persisted index when it exists, is readable and was made with ``meta``; else None."""
        run_dir = Path(run_dir)
        try:
            data = json.loads((run_dir / IDS_FILE).read_text(encoding="utf-8"))
            index = faiss.read_index(str(run_dir / INDEX_FILE))
        except (OSError, ValueError, RuntimeError):
            return None
        if any(data.get(k) != v for k, v in meta.items()) or index.ntotal != len(data.get("ids", [])):
            return None
        dim = int(data.get("dim", index.d))
        if dim != index.d:
            return None
        out = cls(dim, **kw)
        out.ids = [str(i) for i in data["ids"]]
        out.index = index
        if isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = out.ef_search
        elif len(out.ids) > out.hnsw_threshold:
            out._to_hnsw()
        return out
