"""The gate interface every novelty engine implements."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel

from agentsft.schema import Reason


class Decision(BaseModel):
    """The verdict on one candidate: novel, or a duplicate of ``twin_id`` by ``gate`` with ``score``."""

    novel: bool
    reason: Reason | None = None
    twin_id: str | None = None
    score: float | None = None
    gate: str = ""

    def record(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)


class NoveltyGate(Protocol):
    def check_batch(self, items: list[tuple[str, str]]) -> list[Decision]:
        """Judge ``(id, text)`` items against the index and against earlier items of the same batch.

        Keep-first: of two duplicates the earlier one is novel. Nothing is added to the index.
        """

    def add(self, id: str, text: str) -> None:
        """Add an accepted text to the index."""

    def __len__(self) -> int: ...
