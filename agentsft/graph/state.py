"""Graph state: the round and the batch in flight. The pool and every count live in the store, not here."""

from __future__ import annotations

from typing import Any, TypedDict


class GrowState(TypedDict, total=False):
    round: int  # the proposal round in flight (numbers come from the store's ledger)
    branch: str  # the recipe branch this round serves ("main" unless the recipe has a mix)
    batch: list[dict[str, Any]]  # Candidate dumps travelling through this round's nodes
    stop: str  # why the loop ended ("" while running)
    round_base: dict[str, Any]  # store counts when this round began, for per-round rates
