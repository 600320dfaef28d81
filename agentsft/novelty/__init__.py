"""Novelty gate: decides whether a candidate is new against seeds, the pool and its own batch (keep-first)."""

from agentsft.novelty.base import Decision, NoveltyGate
from agentsft.novelty.exact import ExactGate

__all__ = ["Decision", "NoveltyGate", "ExactGate"]
