"""The ``judge`` stage: rewarded filtering with an LLM judge.

A judge model (``model``: 'main' or a name from the recipe's ``models`` block) scores every candidate's answer on
a rubric — helpfulness, correctness, groundedness, structure, language — 1 to 10 each (prompts
``prompts/<lang>/judge.v1.txt``). The answer must be the JSON asked for (a JSON-schema response format, which the
embedded model enforces with a grammar); anything else is a ``judge_unparsable`` reject, never a silent pass. The
mean below ``threshold`` (or any criterion below ``floor``) is ``judge_low_score``. Scores and the rationale are
stored on the sample (``verification["judge"]``). Judge calls go through the same cached, counted LLM service.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Reason, Reject, Stage
from agentsft.steps.stages import model_of
from agentsft.text import json_object

CRITERIA = ("helpfulness", "correctness", "groundedness", "structure", "language")
JUDGE_PROMPTS = ("judge",)
_SCORE = {"type": "integer", "minimum": 1, "maximum": 10}
JUDGE_FORMAT = {"type": "json_schema", "json_schema": {"name": "judge", "schema": {
    "type": "object", "properties": {**{c: _SCORE for c in CRITERIA}, "rationale": {"type": "string", "maxLength": 300}},
    "required": [*CRITERIA, "rationale"]}}}


class JudgeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(default="main", description="judge model: 'main' or a name from the recipe's models block")
    threshold: float = Field(default=6.0, ge=1, le=10, description="minimum mean score to keep a sample")
    floor: int = Field(default=1, ge=1, le=10, description="minimum score on every single criterion")
    max_tokens: int = Field(default=256, ge=32)


def _task(c: Candidate) -> str:
    return f"{c.instruction}\n\n{c.input}" if c.input else c.instruction


def answer_text(c: Candidate) -> str:
    """What is judged or scored: the output, or the assistant turns of a conversation."""
    if c.messages:
        turns = [m.content or "" for m in c.messages if m.role == "assistant" and m.content]
        if turns:
            return "\n\n".join(turns)
    return c.output


def parse_scores(text: str) -> tuple[dict[str, Any] | None, str]:
    """(scores, "") or (None, why): a JSON object with an integer 1-10 for every criterion."""
    data = json_object(text)
    if data is None:
        return None, f"not a JSON object: {text[:120]!r}"
    scores = {}
    for name in CRITERIA:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 10:
            return None, f"criterion {name!r} is {value!r}, not a score from 1 to 10"
        scores[name] = int(round(value))
    return {**scores, "rationale": str(data.get("rationale", ""))[:300]}, ""


def _verdict(c: Candidate, text: str, settings: JudgeSettings) -> Candidate | Reject:
    scores, why = parse_scores(text)
    cand = c.model_dump(mode="json", exclude_none=True)
    if scores is None:
        return Reject(candidate_id=c.id, stage=Stage.JUDGE, reason=Reason.JUDGE_UNPARSABLE, detail=why, candidate=cand)
    mean = sum(scores[k] for k in CRITERIA) / len(CRITERIA)
    record = {**scores, "mean": round(mean, 2), "model": settings.model}
    low = [k for k in CRITERIA if scores[k] < settings.floor]
    if mean < settings.threshold or low:
        detail = f"mean {mean:.1f} < {settings.threshold}" if mean < settings.threshold else f"{low[0]} {scores[low[0]]}"
        cand["verification"] = {**c.verification, "judge": record}
        return Reject(candidate_id=c.id, stage=Stage.JUDGE, reason=Reason.JUDGE_LOW_SCORE, detail=detail, candidate=cand)
    return c.model_copy(update={"verification": {**c.verification, "judge": record}})


def judge_batch(batch: list[Candidate], svc, settings: JudgeSettings) -> tuple[list[Candidate], list[Reject]]:
    """Score every candidate with the judge model; keep those at or above the threshold."""
    if not batch:
        return [], []
    prompt = load_prompt("judge", svc.lang, svc.cfg.prompt_version)
    requests = [[{"role": "user", "content": prompt.render(task=_task(c), answer=answer_text(c))}] for c in batch]
    results = model_of(svc, settings.model).complete_many(requests, temperature=0.0, max_tokens=settings.max_tokens, seed=svc.cfg.seed,
                                tag="judge", response_format=JUDGE_FORMAT)
    kept, rejects = [], []
    for c, r in zip(batch, results):
        if not r.ok:
            rejects.append(Reject(candidate_id=c.id, stage=Stage.JUDGE, reason=Reason.LLM_ERROR, detail=r.error[:300],
                                  candidate=c.model_dump(mode="json", exclude_none=True)))
            continue
        out = _verdict(c, r.text, settings)
        (rejects if isinstance(out, Reject) else kept).append(out)
    return kept, rejects
