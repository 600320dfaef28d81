"""Task-type balance during generation (the recipe's ``balance:`` block).

Two halves: proposals ask for the types furthest below their share of the target (``focus_types``, used by the
proposal step with the ``propose_balanced`` template and demos of those types), and the ``balance`` stage, after
``classify``, turns a candidate whose type already holds its share (plus ``slack``) into a ``type_quota_full``
reject, so the mix is reached while generating rather than by throwing data away at export.
"""

from __future__ import annotations

import math
from collections import Counter

from agentsft.schema import TASK_TYPE_EN, TASK_TYPE_ZH, Candidate, Reason, Reject, Sample, Stage, TaskType


def main_counts(pool: list[Sample]) -> Counter:
    """Accepted samples per task type, of the main branch (the one the balance steers)."""
    return Counter(s.task_type.value for s in pool if (s.provenance.branch or "main") == "main")


def focus_types(shares: dict[str, float], counts: Counter, target: int, call: int, width: int) -> list[str]:
    """The ``width`` types call ``call`` asks for: a window over the types sorted by how far they are below their
    share, moving with the call number so one round's calls ask for different types."""
    deficit = {t: share * target - counts.get(t, 0) for t, share in shares.items()}
    ranked = sorted(deficit, key=lambda t: (-deficit[t], list(shares).index(t)))
    open_types = [t for t in ranked if deficit[t] > 0] or ranked
    start = (call * width) % len(open_types)
    return [open_types[(start + k) % len(open_types)] for k in range(min(width, len(open_types)))]


def type_names(types: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(TASK_TYPE_ZH[TaskType(t)] for t in types)
    return ", ".join(TASK_TYPE_EN[t] for t in types)


def quota(share: float, target: int, slack: float) -> int:
    return math.ceil(share * target * (1 + slack))


def balance_batch(batch: list[Candidate], svc, settings) -> tuple[list[Candidate], list[Reject]]:
    """Reject candidates of types that hold their share of the target already (needs a ``balance:`` block)."""
    cfg = svc.cfg.balance
    if cfg is None:
        return batch, []
    shares, counts = cfg.shares(svc.lang), main_counts(svc.store.samples)
    kept, rejects = [], []
    for c in batch:
        t = (c.task_type or TaskType.QA).value
        limit = quota(shares.get(t, 0.0), svc.cfg.target, cfg.slack)
        if counts[t] >= limit:
            rejects.append(Reject(candidate_id=c.id, stage=Stage.BALANCE, reason=Reason.TYPE_QUOTA_FULL,
                                  detail=f"{t}: {counts[t]} of {limit}", candidate=c.model_dump(mode="json")))
        else:
            counts[t] += 1
            kept.append(c)
    return kept, rejects
