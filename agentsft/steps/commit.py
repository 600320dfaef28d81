"""Commit: turn surviving candidates into samples, append them to the store, grow the novelty index."""

from __future__ import annotations

from agentsft.novelty import NoveltyGate
from agentsft.schema import Candidate, Reason, Reject, Sample, Stage, TaskType, conversation_id


def to_sample(c: Candidate) -> Sample:
    """The candidate's conversation (or its instruction/input/output as a single turn) as a sample."""
    fields = dict(lang=c.lang, task_type=c.task_type or TaskType.QA, verification=c.verification,
                  provenance=c.provenance.model_copy(update={"candidate_id": c.id}))
    if c.messages:
        return Sample(id=conversation_id(c.messages, c.tools), messages=c.messages, tools=c.tools, **fields)
    return Sample.from_triple(c.instruction, c.input, c.output, **fields)


def commit_batch(cands: list[Candidate], store, gate: NoveltyGate, target: int) -> list[Reject]:
    """Commit up to ``target`` samples in all; leftovers become ``target_reached`` rejects. Idempotent."""
    rejects = []
    for c in cands:
        if store.seen_candidate(c.id):
            continue  # committed before a crash; the re-run of this node must not count it twice
        if store.accepted >= target:
            rejects.append(Reject(candidate_id=c.id, stage=Stage.COMMIT, reason=Reason.TARGET_REACHED,
                                  detail=f"target {target} reached", candidate=c.model_dump(mode="json")))
            continue
        sample = to_sample(c)
        if store.commit(sample):
            gate.add(sample.id, sample.instruction)
        else:
            rejects.append(Reject(candidate_id=c.id, stage=Stage.COMMIT, reason=Reason.DUPLICATE_EXACT,
                                  detail=f"sample {sample.id} already stored", candidate=c.model_dump(mode="json")))
    return rejects
