"""Graph state: counters and the batch in flight. The pool lives in the store, not here."""

from __future__ import annotations

from typing import Any, TypedDict


class GrowState(TypedDict, total=False):
    round: int  # proposal rounds started
    candidates: int  # candidates created so far (each one ends as a sample or a reject)
    batch: list[dict[str, Any]]  # Candidate dumps travelling through this round's nodes
    stop: str  # why the loop ended ("" while running)
    round_base: dict[str, int]  # store counts when this round began, for per-round rates
