"""Data models shared by every room of agentsft.

This module imports nothing of ours. It holds the seed task, the sample, the
reject record and the closed set of reject reason codes (``Reason``).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

Lang = Literal["zh", "en"]


class TaskType(str, Enum):
    """The task types we balance. Values are stable identifiers used in files."""

    QA = "qa"  # 问答
    SUMMARIZATION = "summarization"  # 总结
    PARAPHRASE = "paraphrase"  # 改写
    CLASSIFICATION = "classification"  # 分类
    TRANSLATION = "translation"  # 翻译
    REASONING = "reasoning"  # 推理
    CODE = "code"  # 代码
    ROLEPLAY = "roleplay"  # 角色扮演/对话
    GENERATION = "generation"  # 写作/生成/头脑风暴 (creative writing, brainstorming, drafting)
    EXTRACTION = "extraction"  # 信息抽取 (pull given facts out of a given text)
    TOOL_USE = "tool_use"  # 工具调用 (calculator-worthy arithmetic)
    MULTI_TURN = "multi_turn"  # 多轮对话


# The types the instruction stages make (tool use and multi-turn come from their own stages).
TEXT_TYPES = ("qa", "summarization", "paraphrase", "classification", "translation", "reasoning", "code", "roleplay",
              "generation", "extraction")

TASK_TYPE_EN = {"qa": "question answering", "summarization": "summarization", "paraphrase": "rewriting",
                "classification": "classification", "translation": "translation", "reasoning": "reasoning",
                "code": "coding", "roleplay": "role-play", "generation": "writing and brainstorming",
                "extraction": "information extraction", "tool_use": "calculation", "multi_turn": "dialogue"}

TASK_TYPE_ZH = {
    TaskType.QA: "问答",
    TaskType.SUMMARIZATION: "总结",
    TaskType.PARAPHRASE: "改写",
    TaskType.CLASSIFICATION: "分类",
    TaskType.TRANSLATION: "翻译",
    TaskType.REASONING: "推理",
    TaskType.CODE: "代码",
    TaskType.ROLEPLAY: "角色扮演",
    TaskType.GENERATION: "生成",
    TaskType.EXTRACTION: "信息抽取",
    TaskType.TOOL_USE: "工具调用",
    TaskType.MULTI_TURN: "多轮对话",
}


class Reason(str, Enum):
    """Every reason a candidate can be rejected for. This is the closed set.

    Each member's docstring-like comment is its documentation; ``REASON_DOCS``
    repeats it in machine-readable form for ``agentsft reasons`` and the README.
    """

    LLM_ERROR = "llm_error"
    PARSE_EMPTY = "parse_empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    BLACKLISTED = "blacklisted"
    TRUNCATED = "truncated"
    WRONG_LANGUAGE = "wrong_language"
    NON_TEXT = "non_text"
    BAD_START = "bad_start"
    REPETITIVE = "repetitive"
    PROMPT_ECHO = "prompt_echo"
    DUPLICATE_EXACT = "duplicate_exact"
    DUPLICATE_NEAR = "duplicate_near"
    INSTANCE_UNPARSABLE = "instance_unparsable"
    OUTPUT_EMPTY = "output_empty"
    OUTPUT_ECHO = "output_echo"
    TARGET_REACHED = "target_reached"
    FIELD_INVALID = "field_invalid"
    SURPLUS = "surplus"
    # tool-use traces (verify/traces.py)
    TRACE_UNPARSABLE = "trace_unparsable"
    TOOL_UNKNOWN = "tool_unknown"
    TOOL_ARGS_INVALID = "tool_args_invalid"
    TOOL_ARGS_UNGROUNDED = "tool_args_ungrounded"
    TOOL_ERROR = "tool_error"
    TOOL_RESULT_MISMATCH = "tool_result_mismatch"
    TOOL_NOT_USED = "tool_not_used"
    ANSWER_UNSUPPORTED = "answer_unsupported"
    REFERENCE_MISMATCH = "reference_mismatch"
    # reasoning chains and voting (verify/cot.py, steps/vote.py)
    COT_NO_ANSWER = "cot_no_answer"
    COT_STEP_WRONG = "cot_step_wrong"
    COT_FINAL_MISMATCH = "cot_final_mismatch"
    VOTE_TIE = "vote_tie"
    VOTE_LOW_AGREEMENT = "vote_low_agreement"
    # dialogues (steps/dialogue.py, verify/context.py)
    DIALOGUE_TOO_SHORT = "dialogue_too_short"
    DIALOGUE_NO_CONTEXT = "dialogue_no_context"
    # quality gate (filters/quality.py)
    REFUSAL = "refusal"
    AI_SELF_REFERENCE = "ai_self_reference"
    NOT_A_TASK = "not_a_task"
    TOXIC = "toxic"
    PERSONAL_DATA = "personal_data"
    CODE_INVALID = "code_invalid"
    JSON_INVALID = "json_invalid"
    LANGUAGE_MISMATCH = "language_mismatch"
    INCOHERENT = "incoherent"
    TOO_MANY_TOKENS = "too_many_tokens"
    TYPE_QUOTA_FULL = "type_quota_full"
    # LLM judge (steps/judge.py)
    JUDGE_LOW_SCORE = "judge_low_score"
    JUDGE_UNPARSABLE = "judge_unparsable"
    REWARD_LOW_SCORE = "reward_low_score"
    REWARD_ERROR = "reward_error"
    # task scope and grounded generation (steps/scope.py, verify/groundedness.py, steps/diversity.py)
    OFF_SCOPE = "off_scope"
    UNGROUNDED_NUMBER = "ungrounded_number"
    UNGROUNDED_DATE = "ungrounded_date"
    UNGROUNDED_NAME = "ungrounded_name"
    UNGROUNDED_QUOTE = "ungrounded_quote"
    UNSUPPORTED = "unsupported"
    UNANSWERABLE = "unanswerable"
    REWRITE_UNUSABLE = "rewrite_unusable"


REASON_DOCS: dict[Reason, str] = {
    Reason.LLM_ERROR: "the LLM call failed after retries (network, server error, timeout)",
    Reason.PARSE_EMPTY: "the model's answer held no instruction that could be parsed",
    Reason.TOO_SHORT: "instruction shorter than the minimum (characters for zh, words for en)",
    Reason.TOO_LONG: "instruction longer than the maximum (characters for zh, words for en)",
    Reason.BLACKLISTED: "asks for something a text model cannot do (image, file, link, audio, video...)",
    Reason.TRUNCATED: "text looks cut off (unfinished sentence or dangling list marker)",
    Reason.WRONG_LANGUAGE: "not written in the run's language (e.g. too few CJK characters for zh)",
    Reason.NON_TEXT: "starts with or consists mostly of punctuation, digits or symbols",
    Reason.BAD_START: "starts like a continuation or a meta-comment instead of a task",
    Reason.REPETITIVE: "the same phrase repeated over and over (a degenerate generation)",
    Reason.PROMPT_ECHO: "repeats the generation prompt's own wording (a weak model echoing its instructions)",
    Reason.DUPLICATE_EXACT: "same normalised text as a seed, a pool sample or another candidate",
    Reason.DUPLICATE_NEAR: "too similar to an existing seed, sample or candidate (novelty gate)",
    Reason.INSTANCE_UNPARSABLE: "the instance answer (input/output) could not be parsed",
    Reason.OUTPUT_EMPTY: "the generated output is empty",
    Reason.OUTPUT_ECHO: "the generated output merely repeats the instruction or the input",
    Reason.TARGET_REACHED: "a valid candidate left over after the target count was reached",
    Reason.FIELD_INVALID: "the field to deduplicate is missing, empty or not text (dedup job)",
    Reason.SURPLUS: "an item beyond the number of new instructions asked for in one call (recorded, not used)",
    Reason.TRACE_UNPARSABLE: "a tool-use trace whose turns, tool calls or final answer could not be read",
    Reason.TOOL_UNKNOWN: "a tool call names a tool that is not in the trace's tool list or the registry",
    Reason.TOOL_ARGS_INVALID: "a tool call's arguments are not a JSON object valid against the tool's schema",
    Reason.TOOL_ARGS_UNGROUNDED: "a calculator call uses a number found in no user turn, earlier tool result or "
                                 "unit constant (a number from nowhere)",
    Reason.TOOL_ERROR: "a tool call failed when re-executed (hostile or invalid expression, timeout, exception)",
    Reason.TOOL_RESULT_MISMATCH: "a recorded tool observation differs from a fresh re-execution of the call",
    Reason.TOOL_NOT_USED: "the trace makes no tool call, or its final answer ignores every tool result",
    Reason.ANSWER_UNSUPPORTED: "a number the final answer states does not follow from the tool results",
    Reason.COT_NO_ANSWER: "a reasoning chain with no final answer that could be read (答案：… / #### … / after </think>)",
    Reason.COT_STEP_WRONG: "an arithmetic step of the chain is false when recomputed (even if the final answer is right)",
    Reason.COT_FINAL_MISMATCH: "the final answer disagrees with the chain's own last result",
    Reason.VOTE_TIE: "self-consistency: the k sampled answers split evenly, no majority",
    Reason.VOTE_LOW_AGREEMENT: "self-consistency: the majority answer's share is below the recipe's minimum",
    Reason.DIALOGUE_TOO_SHORT: "a dialogue with fewer user turns than the recipe's minimum (the simulator stopped early)",
    Reason.DIALOGUE_NO_CONTEXT: "later user turns do not refer to earlier content: independent questions, not a dialogue",
    Reason.REFUSAL: "the answer refuses or deflects instead of doing the task (我无法…, I'm sorry, but I can't…)",
    Reason.AI_SELF_REFERENCE: "the text talks about itself as an AI model (作为一个AI语言模型, As an AI language model, ChatGPT/OpenAI)",
    Reason.NOT_A_TASK: "the instruction asks for nothing: a statement, a status line or a greeting, not a task",
    Reason.TOXIC: "insults, slurs, threats or other toxic wording (built-in zh/en lexicon)",
    Reason.PERSONAL_DATA: "personal data: an e-mail address, phone number, 身份证 number or bank card number",
    Reason.CODE_INVALID: "a fenced Python block in the answer does not parse",
    Reason.JSON_INVALID: "the task asks for JSON and the answer holds no valid JSON",
    Reason.LANGUAGE_MISMATCH: "a turn is not in the conversation's language (and the task is not translation or code)",
    Reason.INCOHERENT: "the text reads as word salad: its character n-grams are unlike real zh/en text",
    Reason.TOO_MANY_TOKENS: "the sample is longer than the token limit",
    Reason.TYPE_QUOTA_FULL: "its task type already holds its share of the target mix (balance during generation)",
    Reason.JUDGE_LOW_SCORE: "the LLM judge's rubric score is below the recipe's threshold",
    Reason.JUDGE_UNPARSABLE: "the LLM judge's answer is not the scores asked for (never a silent pass)",
    Reason.REWARD_LOW_SCORE: "the reward model's score is below the recipe's threshold (rewarded filtering)",
    Reason.REWARD_ERROR: "the reward model could not score the sample (it failed to load or to run)",
    Reason.OFF_SCOPE: "the instruction lies outside the run's domain (scope filter: embedding or judge)",
    Reason.UNGROUNDED_NUMBER: "a number in the answer appears nowhere in the source chunk (after normalising width, "
                              "Chinese numerals and units)",
    Reason.UNGROUNDED_DATE: "a date or year in the answer appears nowhere in the source chunk",
    Reason.UNGROUNDED_NAME: "a name (person, place, organisation) in the answer appears nowhere in the source chunk",
    Reason.UNGROUNDED_QUOTE: "a quoted phrase in the answer appears nowhere in the source chunk",
    Reason.UNSUPPORTED: "the groundedness judge found the answer not supported by the source chunk",
    Reason.UNANSWERABLE: "the source chunk does not answer the question (rejected by recipe instead of kept as "
                         "an explicit 'the text does not say' sample)",
    Reason.REWRITE_UNUSABLE: "a paraphrased or evolved instruction that could not be parsed, changed nothing, or is "
                             "no longer answerable",
    Reason.REFERENCE_MISMATCH: "the final answer disagrees with an independent reference (one expression, a known answer)",
}


class Stage(str, Enum):
    """Where in the pipeline a reject happened."""

    PROPOSE = "propose"
    PARSE = "parse"
    FILTER = "filter"
    NOVELTY = "novelty"
    INSTANCES = "instances"
    TOOLUSE = "tooluse"
    COT = "cot"
    VOTE = "vote"
    DIALOGUE = "dialogue"
    VERIFY = "verify"
    QUALITY = "quality"
    JUDGE = "judge"
    BALANCE = "balance"
    REWARD = "reward"
    SCOPE = "scope"
    GROUNDED = "grounded"
    DIVERSITY = "diversity"
    COMMIT = "commit"


_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Normalise text for hashing: NFKC, lower case, collapsed white space, no trailing punctuation."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _WS.sub(" ", text).strip()
    return text.rstrip("。.!！?？;；:： ")


def content_hash(*parts: str) -> str:
    """Stable hex id of normalised content parts."""
    h = hashlib.sha256()
    for part in parts:
        h.update(normalise(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


class Instance(BaseModel):
    model_config = ConfigDict(extra="ignore")

    input: str = ""
    output: str = ""


class FunctionCall(BaseModel):
    name: str
    arguments: str = "{}"  # a JSON string, as in the OpenAI chat format


class ToolCall(BaseModel):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class Message(BaseModel):
    """One turn, in the OpenAI chat shape (assistant ``tool_calls``; ``tool_call_id`` on tool turns)."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "user", "assistant", "tool"]
    content: str | None = ""
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None
    name: str | None = None


class SeedTask(BaseModel):
    """A hand-written (or imported) task used as a demonstration."""

    model_config = ConfigDict(extra="ignore")

    id: str
    name: str = ""
    instruction: str
    instances: list[Instance] = Field(default_factory=list)
    is_classification: bool = False
    task_type: TaskType | None = None
    lang: Lang | None = None
    messages: list[Message] | None = None
    tools: list[dict[str, Any]] | None = None
    source: str = ""  # file:line it came from

    @field_validator("instruction")
    @classmethod
    def _non_empty(cls, v: str) -> str:
        if not v or not v.strip():
            raise ValueError("instruction is empty")
        return v


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cached_calls: int = 0

    def add(self, other: "Usage") -> "Usage":
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            calls=self.calls + other.calls,
            cached_calls=self.cached_calls + other.cached_calls,
        )


class DocSource(BaseModel):
    """Where a document-grounded sample's chunk comes from: ``text[start:end]`` of the file's extracted text."""

    file: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Provenance(BaseModel):
    seed_ids: list[str] = Field(default_factory=list)
    demo_sample_ids: list[str] = Field(default_factory=list)
    model: str = ""
    prompt_template: str = ""
    prompt_version: str = ""
    round: int = 0
    branch: str = ""  # the recipe branch that made it ("" or "main": the top-level stages)
    candidate_id: str = ""
    timings: dict[str, float] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    novelty: dict[str, Any] = Field(default_factory=dict)
    topic: str = ""  # the domain topic its proposal call was assigned (scoped runs; steps/topics.py)
    source: DocSource | None = Field(default=None, description="the document chunk a --docs sample was grounded "
                                     "in (file and character offsets); None for other samples")
    trimmed: bool = Field(default=False, description="the answer ran into max_tokens and was cut back to its "
                                                     "last finished sentence")
    rewrites: list[dict[str, Any]] = Field(default_factory=list, description="diversity operators applied to the "
                                           "instruction (steps/diversity.py): stage, operator, tone, the original "
                                           "instruction, ok, and why a failed rewrite was not used")


class Candidate(BaseModel):
    """A candidate in flight through one round of the grow graph (small; kept in graph state).

    Instruction-style stages fill ``input``/``output``; conversation stages (tool use, dialogue) fill
    ``messages`` (and ``tools``), which then win over the instruction view when the candidate is committed.
    """

    id: str
    lang: Lang
    instruction: str
    input: str = ""
    output: str = ""
    task_type: TaskType | None = None
    maybe_truncated: bool = False
    messages: list[Message] | None = None
    tools: list[dict[str, Any]] | None = None
    verification: dict[str, Any] = Field(default_factory=dict)
    provenance: Provenance = Field(default_factory=Provenance)


def single_turn(instruction: str, input: str = "", output: str = "") -> tuple[list[Message], int | None]:
    """The conversation of an instruction/input/output triple and where its input starts in the user turn.

    The user turn is the instruction, then a blank line and the input when there is one (the usual Alpaca
    mapping); the returned offset lets the instruction view give the two parts back exactly."""
    content, start = instruction, None
    if input:
        content, start = f"{instruction}\n\n{input}", len(instruction) + 2
    return [Message(role="user", content=content), Message(role="assistant", content=output)], start


def trace_of(messages: list[Message] | None, tools: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A conversation as the neutral trace dict (OpenAI-shaped JSON) that verifiers and exports read."""
    return {"messages": [m.model_dump(mode="json", exclude_none=True) for m in messages or []], "tools": tools or []}


def _canonical_call(call: ToolCall) -> list[str]:
    try:
        args = json.dumps(json.loads(call.function.arguments), sort_keys=True, ensure_ascii=False)
    except ValueError:
        args = call.function.arguments
    return [call.function.name, args]


def conversation_id(messages: list[Message], tools: list[dict[str, Any]] | None = None) -> str:
    """Stable id of a conversation: the hash of its normalised turns (role, text, tool calls by name and
    canonical arguments; tool-call ids left out, they are arbitrary) and of its tool names."""
    parts: list[str] = []
    for m in messages:
        parts += [m.role, m.content or ""]
        for call in m.tool_calls or []:
            parts += _canonical_call(call)
    parts += sorted(str((t.get("function") or t).get("name", "")) for t in tools or [])
    return content_hash(*parts)


class Sample(BaseModel):
    """One accepted SFT sample: a conversation (``messages``, optional OpenAI ``tools``) plus annotations
    (language, task type, verification results, provenance).

    ``instruction``/``input``/``output`` are a *view* of the first exchange (what Alpaca import and export
    use); they are written to ``samples.jsonl`` for people reading it and ignored when it is read back.
    Samples written before the conversation record (instruction/input/output only) are migrated on read.
    """

    model_config = ConfigDict(extra="ignore")

    id: str
    lang: Lang
    task_type: TaskType
    messages: list[Message]
    tools: list[dict[str, Any]] | None = None
    input_start: int | None = Field(default=None, description="where the input begins in the first user turn "
                                    "(after the instruction and a blank line); None: the turn is all instruction")
    verification: dict[str, Any] = Field(default_factory=dict)
    provenance: Provenance = Field(default_factory=Provenance)

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        """A pre-conversation sample (instruction/input/output, no messages) becomes a single-turn one."""
        if isinstance(data, dict) and not data.get("messages") and "instruction" in data:
            messages, start = single_turn(data["instruction"], data.get("input") or "", data.get("output") or "")
            data = {**data, "messages": messages, "input_start": start}
        return data

    @classmethod
    def from_triple(cls, instruction: str, input: str = "", output: str = "", **fields: Any) -> "Sample":
        messages, start = single_turn(instruction, input, output)
        fields.setdefault("id", conversation_id(messages))
        return cls(messages=messages, input_start=start, **fields)

    @staticmethod
    def make_id(instruction: str, input: str = "", output: str = "") -> str:
        return conversation_id(single_turn(instruction, input, output)[0])

    def _first_user(self) -> tuple[int, str]:
        for i, m in enumerate(self.messages):
            if m.role == "user":
                return i, m.content or ""
        return -1, ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def instruction(self) -> str:
        text = self._first_user()[1]
        return text[: self.input_start - 2] if self.input_start else text

    @computed_field  # type: ignore[prop-decorator]
    @property
    def input(self) -> str:
        text = self._first_user()[1]
        return text[self.input_start:] if self.input_start else ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def output(self) -> str:
        """The assistant's last text before the second user turn (the final answer of a tool trace)."""
        first, answer = self._first_user()[0], ""
        for m in self.messages[first + 1:]:
            if m.role == "user":
                break
            if m.role == "assistant" and not m.tool_calls and m.content:
                answer = m.content
        return answer


class Reject(BaseModel):
    """One dropped candidate with its stage and reason code."""

    candidate_id: str
    stage: Stage
    reason: Reason
    detail: str = ""
    candidate: dict[str, Any] = Field(default_factory=dict)
