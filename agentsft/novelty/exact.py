"""Exact dedup on normalised text (NFKC, case, white space, trailing punctuation)."""

from __future__ import annotations

from agentsft.novelty.base import Decision
from agentsft.schema import Reason, normalise


class ExactGate:
    name = "exact"

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._seen)

    def add(self, id: str, text: str) -> None:
        self._seen.setdefault(normalise(text), id)

    def check_batch(self, items: list[tuple[str, str]]) -> list[Decision]:
        batch: dict[str, str] = {}
        out = []
        for cid, text in items:
            key = normalise(text)
            twin = self._seen.get(key) or batch.get(key)
            if twin is None:
                batch[key] = cid
                out.append(Decision(novel=True, gate=self.name))
            else:
                out.append(Decision(novel=False, reason=Reason.DUPLICATE_EXACT, twin_id=twin, score=1.0, gate=self.name))
        return out
