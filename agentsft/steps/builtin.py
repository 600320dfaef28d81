"""The built-in stages, registered for recipes (see ``agentsft.steps.stages`` for the protocol)."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentsft.filters.quality import check_sample
from agentsft.filters.quality_struct import redact_personal_data
from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Reject, Stage
from agentsft.steps.classify import classify, prime_typing
from agentsft.steps.instances import generate_instances
from agentsft.steps.screen import apply_filters, apply_novelty, check_outputs
from agentsft.steps.stages import register_stage
from agentsft.steps.tooluse import TOOLUSE_PROMPTS, ToolUseSettings, tooluse_batch
from agentsft.steps.verify_traces import REFERENCE_PROMPTS, VerifySettings, verify_batch

Batch = tuple[list[Candidate], list[Reject]]


def _proposal_prompt(batch: list[Candidate], svc) -> str:
    """The proposal template the batch came from ("zh/propose_reasoning.v1" -> "propose_reasoning"), so a
    branch's echo check reads its own prompt; the run's when the batch does not say."""
    made = next((c.provenance.prompt_template for c in batch if c.provenance.prompt_template), "")
    return made.split("/")[-1].rsplit(".", 1)[0] if made else svc.cfg.propose.prompt


@register_stage("screen")
def screen(batch: list[Candidate], svc, settings) -> Batch:
    """Heuristic filters (filters block), then the novelty gate (novelty block), keep-first."""
    prompt = load_prompt(_proposal_prompt(batch, svc), svc.lang, svc.cfg.prompt_version).template.template
    kept, rejects = apply_filters(batch, svc.cfg.filters, prompt)
    kept, more = apply_novelty(kept, svc.gate)
    return kept, rejects + more


@register_stage("classify")
def classify_stage(batch: list[Candidate], svc, settings) -> Batch:
    """Type every candidate (rules + nearest typed examples); keeps all."""
    prime_typing([c.instruction for c in batch if not c.task_type])  # one encoder batch, not one call each
    return [c.model_copy(update={"task_type": c.task_type or classify(c.instruction)}) for c in batch], []


@register_stage("instances", prompts=("instances", "instances_cls"))
def instances(batch: list[Candidate], svc, settings) -> Batch:
    """An input and an output per instruction (output-first for classification), then the output checks."""
    kept, rejects = generate_instances(batch, svc.cfg, svc.llm)
    kept, more = check_outputs(kept, svc.cfg.filters.min_output_chars)
    return kept, rejects + more


register_stage("tooluse", ToolUseSettings, prompts=TOOLUSE_PROMPTS)(tooluse_batch)
register_stage("verify", VerifySettings, prompts=REFERENCE_PROMPTS)(verify_batch)

from agentsft.steps import dialogue  # noqa: E402,F401  (registers the "dialogue" stage)
from agentsft.steps.cot import COT_PROMPTS, CotSettings, cot_batch  # noqa: E402

register_stage("cot", CotSettings, prompts=COT_PROMPTS)(cot_batch)
from agentsft.steps.judge import JUDGE_PROMPTS, JudgeSettings, judge_batch  # noqa: E402

register_stage("judge", JudgeSettings, prompts=JUDGE_PROMPTS)(judge_batch)
from agentsft.steps.reward import RewardSettings, reward_batch  # noqa: E402

register_stage("reward", RewardSettings)(reward_batch)
from agentsft.steps.balance import balance_batch  # noqa: E402

register_stage("balance")(balance_batch)


class QualitySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    personal_data: Literal["reject", "redact"] = Field(
        default="reject", description="reject a sample holding personal data (personal_data), or redact it: "
        "e-mails, phone numbers, 身份证 and card numbers become [EMAIL], [PHONE], [ID_NUMBER], [CARD_NUMBER]")


def _redacted(c: Candidate) -> Candidate:
    """``c`` with personal data replaced by placeholders in every text field and turn; what was replaced is
    recorded in ``verification["redacted"]`` (kind -> count)."""
    found: dict[str, list[str]] = {"fields": [], "messages": []}

    def clean(text: str | None, where: str) -> str | None:
        if not text:
            return text
        text, kinds = redact_personal_data(text)
        found[where].extend(kinds)
        return text

    update = {f: clean(getattr(c, f), "fields") for f in ("instruction", "input", "output")}
    if c.messages:  # the conversation is the record; the fields are its view: count the turns
        update["messages"] = [m.model_copy(update={"content": clean(m.content, "messages")}) for m in c.messages]
    kinds = found["messages"] if c.messages else found["fields"]
    if not kinds:
        return c
    return c.model_copy(update={**update, "verification": {**c.verification, "redacted": dict(Counter(kinds))}})


@register_stage("quality", QualitySettings)
def quality(batch: list[Candidate], svc, settings: QualitySettings) -> Batch:
    """The quality gate on each answer (refusals, AI self-reference, not-a-task, toxicity, personal data, code and
    JSON that do not parse, language, fluency, repetition): failures are rejects with their code. With
    ``personal_data: redact`` personal data is replaced by placeholders first instead of rejected."""
    kept, rejects = [], []
    for c in batch:
        if settings.personal_data == "redact":
            c = _redacted(c)
        messages = [m.model_dump(mode="json", exclude_none=True) for m in c.messages] if c.messages else None
        found = check_sample(c.instruction, c.output, c.lang, input=c.input,
                             task_type=c.task_type.value if c.task_type else None, messages=messages)
        if found is None:
            kept.append(c)
        else:
            rejects.append(Reject(candidate_id=c.id, stage=Stage.QUALITY, reason=found[0], detail=found[1][:300],
                                  candidate=c.model_dump(mode="json", exclude_none=True)))
    return kept, rejects


from agentsft.steps.tokens_stage import TokenSettings, tokens_batch  # noqa: E402

register_stage("tokens", TokenSettings)(tokens_batch)
from agentsft.steps import diversity  # noqa: E402,F401  (registers the "paraphrase" and "evol" stages)
from agentsft.steps.scope import SCOPE_PROMPTS, scope_batch  # noqa: E402

register_stage("scope", prompts=SCOPE_PROMPTS)(scope_batch)
from agentsft.steps.docpropose import DOC_PROMPTS, DocAnswerSettings, docanswer_batch  # noqa: E402
from agentsft.steps.grounded import GROUNDED_PROMPTS, GroundedSettings, grounded_batch  # noqa: E402

register_stage("docanswer", DocAnswerSettings, prompts=DOC_PROMPTS)(docanswer_batch)
register_stage("grounded", GroundedSettings, prompts=GROUNDED_PROMPTS)(grounded_batch)
