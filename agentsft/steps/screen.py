"""Screening of proposed instructions: heuristic filters, then the novelty gate (keep-first)."""

from __future__ import annotations

from agentsft.filters import check_instruction, check_output
from agentsft.novelty import NoveltyGate
from agentsft.schema import Candidate, Reject, Stage


def _split(cands: list[Candidate], verdict_of, stage: Stage) -> tuple[list[Candidate], list[Reject]]:
    """Keep the candidates whose verdict is ``None``; the others become rejects at ``stage``."""
    kept, rejects = [], []
    for c in cands:
        verdict = verdict_of(c)
        if verdict is None:
            kept.append(c)
        else:
            rejects.append(Reject(candidate_id=c.id, stage=stage, reason=verdict[0], detail=verdict[1],
                                  candidate=c.model_dump(mode="json")))
    return kept, rejects


def apply_filters(cands: list[Candidate], limits, prompt: str = "") -> tuple[list[Candidate], list[Reject]]:
    """Heuristic filters; ``prompt`` is the proposal template's fixed wording, to catch echoes of it."""

    def verdict(c: Candidate):
        lim = getattr(limits, c.lang)
        return check_instruction(c.instruction, c.lang, lim.min, lim.max, c.maybe_truncated, prompt)

    return _split(cands, verdict, Stage.FILTER)


def apply_novelty(cands: list[Candidate], gate: NoveltyGate) -> tuple[list[Candidate], list[Reject]]:
    decisions = gate.check_batch([(c.id, c.instruction) for c in cands])
    kept, rejects = [], []
    for c, d in zip(cands, decisions):
        c = c.model_copy(update={"provenance": c.provenance.model_copy(update={"novelty": d.record()})})
        if d.novel:
            kept.append(c)
        else:
            detail = f"{d.gate}: twin {d.twin_id}" + (f" score {d.score:.3f}" if d.score is not None else "")
            rejects.append(Reject(candidate_id=c.id, stage=Stage.NOVELTY, reason=d.reason, detail=detail,
                                  candidate=c.model_dump(mode="json")))
    return kept, rejects


def check_outputs(cands: list[Candidate], min_chars: int) -> tuple[list[Candidate], list[Reject]]:
    return _split(cands, lambda c: check_output(c.instruction, c.input, c.output, c.lang, min_chars), Stage.INSTANCES)
