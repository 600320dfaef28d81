"""The diversity stages on the real embedded model (integration: a few short generations)."""

from types import SimpleNamespace

import pytest

from agentsft.config import RunConfig
from agentsft.llm import LLMService, make_chat_model, shutdown_workers
from agentsft.novelty import ExactGate
from agentsft.schema import Candidate
from agentsft.steps.stages import resolve_stages

pytestmark = pytest.mark.integration


@pytest.fixture
def embedded(monkeypatch):
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "AGENTSFT_GGUF"):
        monkeypatch.delenv(var, raising=False)
    chat, desc = make_chat_model(None, None, None, temperature=0.7, max_tokens=64, timeout=120, seed=0)
    assert desc.startswith("embedded llama.cpp:")
    yield LLMService(chat, "embedded", None, concurrency=1)
    shutdown_workers()


@pytest.mark.parametrize("stage", ["paraphrase", "evol"])
def test_real_rewrites_are_used_or_recorded_never_lost(embedded, stage):
    batch = [Candidate(id="z", lang="zh", instruction="为什么夏天白天比冬天长？"),
             Candidate(id="e", lang="en", instruction="Why are summer days longer than winter days?")]
    svc = SimpleNamespace(cfg=RunConfig(seed=0), lang="zh", llm=embedded, gate=ExactGate())
    (bound,) = resolve_stages([{stage: {"on_fail": "keep", "max_tokens": 64}}])
    kept, rejects = bound(batch, svc)
    assert not rejects and sorted(c.id for c in kept) == ["e", "z"]
    for c in kept:
        (entry,) = c.provenance.rewrites  # every candidate says what happened to its rewrite
        assert entry["original"] == next(b.instruction for b in batch if b.id == c.id)
        if entry["ok"]:
            assert c.instruction != entry["original"]
        else:
            assert c.instruction == entry["original"] and entry["reason"] in ("rewrite_unusable", "llm_error")
        assert c.provenance.usage.calls == 1
