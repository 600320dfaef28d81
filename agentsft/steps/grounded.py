"""The ``grounded`` stage: is each document-grounded answer supported by its chunk?

First the rules (``verify.groundedness``): every date, number, name and quoted phrase of the answer must be in
the chunk (``ungrounded_date`` / ``ungrounded_number`` / ``ungrounded_name`` / ``ungrounded_quote``). Then, with
``judge: true``, a judge model gives a verdict (``ground_judge`` template, a JSON-schema response the embedded
model enforces with a grammar): ``supported`` keeps the sample, ``unsupported`` is an ``unsupported`` reject, and
an answer that is not the verdict asked for is a ``judge_unparsable`` reject, never a pass.

Unanswerable tasks — the answer says the text does not say, or the judge finds the task ``not_answerable`` —
are rejected (``unanswerable: reject``, the default, reason ``unanswerable``) or kept as explicit "the text does
not say" samples (``unanswerable: keep``; when only the judge found it, the answer is replaced by the
``doc_not_stated`` sentence). The result is stored on the sample as ``verification["grounded"]``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Reason, Reject, Stage
from agentsft.steps.docpropose import answer_of, chunk_of
from agentsft.steps.stages import model_of
from agentsft.text import json_object
from agentsft.verify.groundedness import CHECKS, check_grounded, not_stated

GROUNDED_PROMPTS = ("ground_judge", "doc_not_stated")
VERDICTS = ("supported", "unsupported", "not_answerable")
VERDICT_FORMAT = {"type": "json_schema", "json_schema": {"name": "ground_verdict", "schema": {
    "type": "object", "properties": {"verdict": {"type": "string", "enum": list(VERDICTS)},
                                     "reason": {"type": "string", "maxLength": 300}},
    "required": ["verdict", "reason"]}}}


class GroundedSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checks: list[Literal["dates", "numbers", "names", "quotes"]] = Field(
        default=list(CHECKS), description="what must appear in the chunk")
    judge: bool = Field(default=False, description="also ask a judge model: supported / unsupported / not answerable")
    model: str = Field(default="main", description="judge model: 'main' or a name from the recipe's models block")
    max_tokens: int = Field(default=160, ge=32)
    unanswerable: Literal["reject", "keep"] = Field(default="reject", description="reject unanswerable tasks, or "
                                                    "keep them as explicit 'the text does not say' samples")


def parse_verdict(text: str) -> tuple[dict | None, str]:
    """({"verdict", "reason"}, "") or (None, why): a JSON object whose verdict is one of ``VERDICTS``."""
    data = json_object(text)
    if data is None:
        return None, f"not a JSON object: {(text or '').strip()[:120]!r}"
    verdict = data.get("verdict")
    if not isinstance(verdict, str) or verdict.strip().lower().replace(" ", "_") not in VERDICTS:
        return None, f"verdict is {verdict!r}, not one of {', '.join(VERDICTS)}"
    return {"verdict": verdict.strip().lower().replace(" ", "_"), "reason": str(data.get("reason", ""))[:300]}, ""


def _reject(c: Candidate, reason: Reason, detail: str, record: dict | None = None) -> Reject:
    cand = c.model_dump(mode="json", exclude_none=True)
    if record:
        cand["verification"] = {**c.verification, "grounded": record}
    return Reject(candidate_id=c.id, stage=Stage.GROUNDED, reason=reason, detail=detail[:300], candidate=cand)


def _mark(c: Candidate, record: dict) -> Candidate:
    return c.model_copy(update={"verification": {**c.verification, "grounded": record}})


def _explicit(c: Candidate, version: str) -> Candidate:
    """The candidate answering the doc_not_stated sentence instead of its own answer."""
    sentence = load_prompt("doc_not_stated", c.lang, version).render().strip()
    if c.messages:
        messages = [m.model_copy(update={"content": sentence}) if m.role == "assistant" else m for m in c.messages]
        return c.model_copy(update={"output": sentence, "messages": messages})
    return c.model_copy(update={"output": sentence})


def rule_pass(c: Candidate, settings: GroundedSettings) -> Candidate | Reject:
    """The rules: a kept candidate (marked), or a reject with its code."""
    chunk = chunk_of(c)
    if chunk is None:
        return _reject(c, Reason.UNSUPPORTED, "no source chunk to check against (not from --docs)")
    answer = answer_of(c)
    if not_stated(answer):
        if settings.unanswerable == "reject":
            return _reject(c, Reason.UNANSWERABLE, "the answer says the text does not say")
        return _mark(c, {"rules": "not_stated", "answerable": False})
    found = check_grounded(answer, chunk, c.lang, settings.checks)
    if found is not None:
        return _reject(c, found.reason, found.detail, {"rules": found.reason.value, "detail": found.detail})
    return _mark(c, {"rules": "ok", "answerable": True})


def judge_pass(batch: list[Candidate], svc, settings: GroundedSettings) -> tuple[list[Candidate], list[Reject]]:
    if not batch:
        return [], []
    version = svc.cfg.prompt_version
    prompt = load_prompt("ground_judge", svc.lang, version)
    requests = [[{"role": "user", "content": prompt.render(chunk=chunk_of(c), task=c.instruction,
                                                           answer=answer_of(c))}] for c in batch]
    results = model_of(svc, settings.model).complete_many(requests, temperature=0.0, max_tokens=settings.max_tokens,
                                                          seed=svc.cfg.seed, tag="grounded",
                                                          response_format=VERDICT_FORMAT)
    kept, rejects = [], []
    for c, res in zip(batch, results):
        if not res.ok:
            rejects.append(_reject(c, Reason.LLM_ERROR, res.error))
            continue
        verdict, why = parse_verdict(res.text)
        if verdict is None:
            rejects.append(_reject(c, Reason.JUDGE_UNPARSABLE, why))
            continue
        record = {**c.verification.get("grounded", {}), "judge": verdict["verdict"], "reason": verdict["reason"],
                  "model": settings.model}
        explicit = c.verification.get("grounded", {}).get("rules") == "not_stated"
        if verdict["verdict"] == "unsupported":
            rejects.append(_reject(c, Reason.UNSUPPORTED, verdict["reason"] or "judge: unsupported", record))
        elif verdict["verdict"] == "not_answerable" and not explicit:
            if settings.unanswerable == "reject":
                rejects.append(_reject(c, Reason.UNANSWERABLE, verdict["reason"] or "judge: not answerable", record))
            else:
                kept.append(_mark(_explicit(c, version), {**record, "answerable": False, "rewritten": True}))
        else:
            kept.append(_mark(c, record))
    return kept, rejects


def grounded_batch(batch: list[Candidate], svc, settings: GroundedSettings) -> tuple[list[Candidate], list[Reject]]:
    """Dates, numbers, names and quotes of each answer must be in its chunk; optionally a judge verdict."""
    kept, rejects = [], []
    for c in batch:
        out = rule_pass(c, settings)
        (rejects if isinstance(out, Reject) else kept).append(out)
    if settings.judge:
        kept, more = judge_pass(kept, svc, settings)
        rejects += more
    return kept, rejects
