"""Self-consistency: which of k sampled chains to keep, or why none.

Every chain with a readable final answer votes with its normalised answer (``Answer.key``). The majority must be
unique (else ``vote_tie``) and hold at least ``min_agreement`` of the k samples (else ``vote_low_agreement``).
A reference answer, when the task has one, replaces the vote: the kept chain must agree with it
(``reference_mismatch`` otherwise). Among the chains that agree, the first whose steps all check is kept; when
every agreeing chain has a false step, the first one's step reject stands (``cot_step_wrong``, ...).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from agentsft.schema import Reason
from agentsft.verify.cot import ChainCheck, same_answer


@dataclass
class Chain:
    model: str
    text: str
    check: ChainCheck | None  # None: the call failed
    error: str = ""

    @property
    def key(self) -> str | None:
        return self.check.answer.key if self.check is not None and self.check.answer is not None else None


@dataclass
class Verdict:
    chain: Chain | None
    reason: Reason | None = None
    detail: str = ""
    record: dict[str, Any] = field(default_factory=dict)


def _failed(chains: list[Chain]) -> Verdict | None:
    """A verdict when no chain has an answer: every call failed, or no answer could be read."""
    if any(ch.key for ch in chains):
        return None
    if all(ch.check is None for ch in chains):
        return Verdict(None, Reason.LLM_ERROR, "; ".join(ch.error for ch in chains)[:300])
    first = next(ch for ch in chains if ch.check is not None)
    return Verdict(None, first.check.reason or Reason.COT_NO_ANSWER, first.check.detail or "no final answer")


def _pick(agreeing: list[Chain], record: dict[str, Any]) -> Verdict:
    for ch in agreeing:
        if ch.check.ok:
            return Verdict(ch, record=record)
    first = agreeing[0].check
    return Verdict(None, first.reason or Reason.COT_STEP_WRONG,
                   f"every chain with the winning answer fails its check: {first.detail}", record)


def _grouped(chains: list[Chain]) -> dict[int, str]:
    """Chain index -> the key of its answer group: answers that are the same number however written
    (0.33, 1/3, 33.3 %) vote together under the first one's key."""
    groups: list[Chain] = []
    out = {}
    for i, ch in enumerate(chains):
        if not ch.key:
            continue
        rep = next((g for g in groups if same_answer(g.check.answer, ch.check.answer)), None)
        if rep is None:
            groups.append(ch)
            rep = ch
        out[i] = rep.key
    return out


def decide(chains: list[Chain], min_agreement: float, reference: str | None = None) -> Verdict:
    """The chain to keep (with the vote's record) or the reason there is none."""
    failed = _failed(chains)
    if failed is not None:
        return failed
    group = _grouped(chains)
    votes = Counter(group.values())
    (top, n), *rest = votes.most_common()
    record = {"k": len(chains), "votes": dict(votes), "answer": top, "agreement": round(n / len(chains), 3)}
    if reference is not None:
        agreeing = [ch for ch in chains if ch.key and same_answer(ch.check.answer, reference)]
        record.update(reference=reference, answer=agreeing[0].key if agreeing else None)
        if not agreeing:
            return Verdict(None, Reason.REFERENCE_MISMATCH, f"no chain's answer matches the reference {reference!r}"
                           f" (answers: {dict(votes)})", record)
        return _pick(agreeing, record)
    if rest and rest[0][1] == n:
        return Verdict(None, Reason.VOTE_TIE, f"answers split {dict(votes)}", record)
    if n / len(chains) < min_agreement:
        return Verdict(None, Reason.VOTE_LOW_AGREEMENT, f"majority {top!r} holds {n} of {len(chains)} "
                       f"(< {min_agreement:.0%})", record)
    return _pick([ch for i, ch in enumerate(chains) if group.get(i) == top], record)
