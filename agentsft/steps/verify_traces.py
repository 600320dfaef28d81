"""The ``verify`` stage: every tool-use trace in the batch is checked (``agentsft.verify.traces``).

Calls name known tools with schema-valid arguments, each observation equals a fresh re-execution, the numbers of
the final answer follow from the tool results, and (``reference: expression``) the answer agrees with an
independent one-expression solution the model writes separately and the calculator computes. A candidate with
no conversation (an instruction sample) passes through untouched.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Reject, Stage, trace_of
from agentsft.steps.tooluse import EXPRESSION_PATTERN
from agentsft.tools.calculator import calculate
from agentsft.verify.grounding import computes
from agentsft.verify.traces import verify_trace

REFERENCE_PROMPTS = ("tooluse_reference",)
_FENCE = re.compile(r"`+(?:\w+\n)?|^(?:expression|表达式)\s*[:：]\s*", re.I | re.M)


class VerifySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: Literal["none", "expression"] = Field(
        default="none", description="expression: ask the model for one expression solving the whole problem, "
        "compute it, and reject traces whose final answer disagrees (an unusable expression gives no reference)")
    max_tokens: int = Field(default=96, ge=8)


# The answer must be {"expression": "..."} with arithmetic characters only (a grammar for the embedded model).
REFERENCE_FORMAT = {"type": "json_schema", "json_schema": {"name": "reference", "schema": {
    "type": "object", "properties": {"expression": {"type": "string", "pattern": EXPRESSION_PATTERN}},
    "required": ["expression"]}}}


def _json_expression(text: str) -> str:
    """The expression of a JSON answer; a plain-text answer is taken as it is."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return str(value.get("expression", "")) if isinstance(value, dict) else text


def _expression(text: str) -> str:
    """The first non-empty line of the answer, without code fences or an 'Expression:' label."""
    for line in _FENCE.sub("", text).splitlines():
        line = line.strip().rstrip("。.").split("=")[0].strip()
        if line:
            return line
    return ""


def references(batch: list[Candidate], svc, settings: VerifySettings) -> dict[str, str]:
    """Candidate id -> a reference expression the calculator accepts (missing when none could be had)."""
    if settings.reference == "none" or not batch:
        return {}
    prompt = load_prompt("tooluse_reference", svc.lang, svc.cfg.prompt_version)
    requests = [[{"role": "user", "content": prompt.render(problem=c.instruction)}] for c in batch]
    results = svc.llm.complete_many(requests, temperature=0.0, max_tokens=settings.max_tokens,
                                    seed=svc.cfg.seed, tag="reference", response_format=REFERENCE_FORMAT)
    out = {}
    for c, r in zip(batch, results):
        expr = _expression(_json_expression(r.text)) if r.ok else ""
        if expr and computes(expr) and calculate(expr).ok:
            out[c.id] = expr
    return out


def verify_batch(batch: list[Candidate], svc, settings: VerifySettings) -> tuple[list[Candidate], list[Reject]]:
    """Check each tool-use trace; failures are rejects with the check's reason code."""
    traced = [c for c in batch if c.messages]
    refs = references(traced, svc, settings)
    kept, rejects = [c for c in batch if not c.messages], []
    for c in traced:
        check = verify_trace(trace_of(c.messages, c.tools), svc.tools, reference=refs.get(c.id))
        if check.ok:
            checks = {**check.checks, "reference": refs.get(c.id, "none")}
            kept.append(c.model_copy(update={"verification": {**c.verification, "trace": checks}}))
        else:
            rejects.append(Reject(candidate_id=c.id, stage=Stage.VERIFY, reason=check.reason,
                                  detail=check.detail[:500], candidate=c.model_dump(mode="json", exclude_none=True)))
    return kept, rejects
