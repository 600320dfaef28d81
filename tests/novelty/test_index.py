import json

import numpy as np

from agentsft.novelty.engine import NoveltyEngine
from agentsft.novelty.index import IDS_FILE, INDEX_FILE, VectorIndex


def _vecs(n, dim=8, seed=0):
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype("float32")
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_incremental_add_and_switch_to_hnsw(tmp_path):
    idx = VectorIndex(8, hnsw_threshold=5)
    v = _vecs(8)
    idx.add(["a", "b", "c"], v[:3])
    assert idx.kind == "flat" and len(idx) == 3
    idx.add(["d", "e", "f"], v[3:6])
    assert idx.kind == "hnsw" and len(idx) == 6
    scores, pos = idx.search(v[4:5], 1)
    assert idx.ids[pos[0][0]] == "e" and scores[0][0] > 0.99
    idx.save(tmp_path, {"embedder": "x"})
    back = VectorIndex.load(tmp_path, {"embedder": "x"}, hnsw_threshold=5)
    assert back is not None and back.kind == "hnsw" and back.ids == idx.ids
    assert VectorIndex.load(tmp_path, {"embedder": "other"}) is None  # made by another embedder


def test_persist_resume_and_rebuild(tmp_path, embedder):
    texts = {"s1": "Explain why the sky is blue.", "s2": "写一首关于春天的诗", "p1": "List three fruits."}
    g = NoveltyEngine(embedder, run_dir=tmp_path, save_every=0)
    for k, t in texts.items():
        g.add(k, t)
    g.flush()
    assert (tmp_path / INDEX_FILE).exists()
    assert json.loads((tmp_path / IDS_FILE).read_text())["ids"] == list(texts)

    g2 = NoveltyEngine(embedder, run_dir=tmp_path, save_every=0)  # resume: every id re-added
    for k, t in texts.items():
        g2.add(k, t)
    assert g2._pending == []  # nothing re-encoded
    d = g2.check_batch([("c", "Please explain why the sky is blue")])[0]
    assert not d.novel and d.twin_id == "s1"
    assert g2.rebuilt == ""

    g3 = NoveltyEngine(embedder, run_dir=tmp_path, save_every=0)  # samples lost p1: index is stale
    g3.add("s1", texts["s1"])
    g3.add("s2", texts["s2"])
    assert g3.check_batch([("c", "List three fruits.")])[0].novel
    assert g3.rebuilt == "stale"
    assert json.loads((tmp_path / IDS_FILE).read_text())["ids"] == ["s1", "s2"]

    (tmp_path / INDEX_FILE).unlink()  # missing: rebuilt from what is added
    g4 = NoveltyEngine(embedder, run_dir=tmp_path, save_every=0)
    g4.add("s1", texts["s1"])
    assert not g4.check_batch([("c", "Please explain why the sky is blue")])[0].novel
    assert g4.rebuilt == "missing" and (tmp_path / INDEX_FILE).exists()
