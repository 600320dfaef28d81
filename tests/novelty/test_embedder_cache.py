"""The embedder keeps recent vectors: the typer re-encoding what the novelty gate encoded costs nothing."""

import numpy as np

from agentsft.novelty import embedder as emb


class _Counting:
    dim = 3

    def __init__(self):
        self.seen = []

    def encode(self, texts, batch_size):
        self.seen += texts
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_recent_texts_are_not_encoded_again(monkeypatch):
    e = emb.Embedder("all-MiniLM-L6-v2")
    e._model = _Counting()
    first = e.encode(["a", "bb", "a"])
    again = e.encode(["bb", "ccc"])
    assert e._model.seen == ["a", "bb", "ccc"]
    assert np.array_equal(first[1], again[0]) and first.shape == (3, 3) and np.array_equal(first[0], first[2])


def test_the_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(emb, "RECENT", 2)
    e = emb.Embedder("all-MiniLM-L6-v2")
    e._model = _Counting()
    e.encode(["a", "b", "c"])
    e.encode(["a"])
    assert e._model.seen == ["a", "b", "c", "a"] and len(e._recent) == 2


def test_a_remembered_text_pushed_out_by_the_same_call_still_comes_back(monkeypatch):
    """One call with a remembered text and more new texts than the memory holds: encoding the new ones evicts
    the remembered one before the answer is put together (this raised KeyError on 8k real pairs)."""
    monkeypatch.setattr(emb, "RECENT", 2)
    e = emb.Embedder("all-MiniLM-L6-v2")
    e._model = _Counting()
    e.encode(["a"])
    out = e.encode(["a", "bb", "ccc", "dddd"])
    assert e._model.seen == ["a", "bb", "ccc", "dddd"]
    assert out[:, 0].tolist() == [1, 2, 3, 4]


def test_forget_makes_the_next_call_encode_again():
    e = emb.Embedder("all-MiniLM-L6-v2")
    e._model = _Counting()
    e.encode(["a"])
    e.forget()
    e.encode(["a"])
    assert e._model.seen == ["a", "a"]
