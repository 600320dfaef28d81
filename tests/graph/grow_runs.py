"""Build a grow run on the scripted fake model (shared by the graph tests)."""

from __future__ import annotations

import json
from pathlib import Path

from fakes import ScriptedChat

from agentsft.config import RunConfig
from agentsft.graph.run import GrowRun
from agentsft.llm import LLMService, RequestCache
from agentsft.store import RunStore


def make_run(seed_file: Path, out: Path, chat=None, **overrides) -> GrowRun:
    """A run on the scripted model; the exact-only gate keeps these tests about the loop, not about similarity."""
    settings = {"target": 12, "batch_size": 2, "concurrency": 2, "novelty": {"embedder": "off"}, **overrides}
    cfg = RunConfig(seeds=[seed_file], out=out, **settings)
    llm = LLMService(chat or ScriptedChat(), "scripted", RequestCache(RunStore.cache_file(out)), cfg.concurrency)
    return GrowRun(cfg, llm, "scripted fake")


def lines(path: Path) -> list[dict]:
    """Every line of a JSONL file ([] when it does not exist)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
