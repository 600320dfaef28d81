"""Tool-use trace synthesis: the model solves each candidate problem by calling tools that really run.

An agent loop over the whole batch at once (one ``complete_many`` per step): the model answers; a tool call is
executed through the registry and its observation appended; an answer without a call ends the trace. Two
protocols:

* ``native``: OpenAI function calling (``bind_tools``), for endpoints that support it;
* ``text``: for models without it (the embedded one): the system prompt asks for
  ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` and results come back as
  ``<tool_response>...</tool_response>`` user turns. We parse the calls ourselves.

Whatever the protocol, the trace is stored in the OpenAI shape (assistant ``tool_calls`` with JSON-string
arguments, ``tool`` turns with ``tool_call_id``) with the tools' schemas; the ``verify`` stage checks it.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agentsft.filters.heuristic import echoes
from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Message, Reason, Reject, Stage, TaskType
from agentsft.verify.traces import parse_text_tool_calls

TOOLUSE_PROMPTS = ("tooluse_system", "tooluse_example")
OPEN, CLOSE = "<tool_call>", "</tool_call>"


class ToolUseSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_calls: int = Field(default=4, ge=1, le=12, description="tool calls allowed per trace")
    protocol: Literal["auto", "native", "text"] = Field(
        default="auto", description="auto: native function calling where the endpoint supports it, else text")
    temperature: float = Field(default=0.3, ge=0, le=2)
    max_tokens: int = Field(default=384, ge=16)
    tools: list[str] | None = Field(default=None, description="tool names offered (default: every registered)")
    first_call: Literal["required", "auto"] = Field(
        default="required", description="required: the first turn must call a tool (native tool_choice, or a "
        "JSON-schema-constrained answer in the text protocol); auto: the model decides")


class _Trace:
    """One candidate's conversation while the loop runs."""

    def __init__(self, cand: Candidate):
        self.cand = cand
        question = f"{cand.instruction}\n\n{cand.input}" if cand.input else cand.instruction
        self.messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
        self.calls = 0
        self.done = False

    def add_calls(self, text: str, calls: list[dict[str, Any]], registry) -> None:
        calls = [{**c, "id": f"call_{self.calls + i}"} for i, c in enumerate(calls)]
        self.messages.append({"role": "assistant", "content": text.strip(), "tool_calls": calls})
        for c in calls:
            outcome = registry.call(c["function"]["name"], c["function"]["arguments"])
            self.messages.append({"role": "tool", "tool_call_id": c["id"], "content": outcome.content})
        self.calls += len(calls)

    def finish(self, text: str) -> None:
        self.messages.append({"role": "assistant", "content": text.strip()})
        self.done = True


def _protocol(settings: ToolUseSettings, llm) -> str:
    if settings.protocol != "auto":
        return settings.protocol
    return "native" if getattr(llm, "supports_tools", False) else "text"


def example_turns(lang: str, version: str) -> list[dict[str, Any]]:
    """The worked example shown before the problem in the text protocol (``prompts/<lang>/tooluse_example``):
    turns introduced by ``### user`` / ``### assistant`` lines. Small models copy a shown exchange far more
    reliably than they follow a described format."""
    turns: list[dict[str, Any]] = []
    for line in load_prompt("tooluse_example", lang, version).template.template.splitlines():
        if line.startswith("### "):
            turns.append({"role": line[4:].strip(), "content": ""})
        elif turns:
            turns[-1]["content"] = (turns[-1]["content"] + "\n" + line).strip("\n")
    return turns


def copies_example(answer: str, question: str, example: list[dict[str, Any]], lang: str) -> bool:
    """True when the answer repeats most of the worked example's final answer (a small model answering the
    demo instead of the problem: "12 notebooks cost 672 dollars"), unless the question itself says as much."""
    shown = example[-1]["content"] if example else ""
    return bool(shown) and echoes(shown, answer, lang, 0.5) and not echoes(shown, question, lang, 0.5)


def _text_view(trace: _Trace, system: str, example: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conversation as a model without function calling sees it: calls inline, results as user turns."""
    out = [{"role": "system", "content": system}, *example]
    for m in trace.messages:
        if m["role"] == "tool":
            block = f"<tool_response>{m['content']}</tool_response>"
            if out[-1]["role"] == "user":
                out[-1] = {"role": "user", "content": out[-1]["content"] + "\n" + block}
            else:
                out.append({"role": "user", "content": block})
        elif m.get("tool_calls"):
            inline = "\n".join(f'{OPEN}{{"name": "{c["function"]["name"]}", "arguments": '
                               f'{c["function"]["arguments"]}}}{CLOSE}' for c in m["tool_calls"])
            out.append({"role": "assistant", "content": (m["content"] + "\n" + inline).strip()})
        else:
            out.append({"role": m["role"], "content": m["content"]})
    return out


EXPRESSION_PATTERN = r"^[0-9a-z.+*/()%^, -]{1,100}$"  # what a forced calculator call may write


def _constrained(schema: dict[str, Any]) -> dict[str, Any]:
    """The calculator's parameters with the expression held to arithmetic characters and a sane length, so a
    grammar-constrained small model cannot ramble inside the string."""
    params = schema["function"].get("parameters") or {"type": "object"}
    if schema["function"]["name"] != "calculator":
        return params
    props = {**params.get("properties", {})}
    props["expression"] = {**props.get("expression", {"type": "string"}), "pattern": EXPRESSION_PATTERN}
    return {**params, "properties": props}


def call_format(schemas: list[dict[str, Any]]) -> dict[str, Any]:
    """A JSON schema response format whose only valid answers are calls of the offered tools."""
    options = [{"type": "object", "properties": {"name": {"const": s["function"]["name"]},
                                                 "arguments": _constrained(s)},
                "required": ["name", "arguments"]} for s in schemas]
    schema = options[0] if len(options) == 1 else {"anyOf": options}
    return {"type": "json_schema", "json_schema": {"name": "tool_call", "schema": schema}}


def _read_forced_call(text: str) -> tuple[list[dict[str, Any]], str]:
    """A JSON-constrained first turn: the call object itself."""
    return parse_text_tool_calls(f"{OPEN}{text.strip()}{CLOSE}")


def _read_text_answer(text: str) -> tuple[list[dict[str, Any]], str]:
    """Calls and prose of a text-protocol answer (the stop sequence ate the last closing tag)."""
    if text.count(OPEN) > text.count(CLOSE):
        text += CLOSE
    return parse_text_tool_calls(text)


def _reject(c: Candidate, reason: Reason, detail: str, messages=None) -> Reject:
    cand = c.model_dump(mode="json")
    if messages is not None:
        cand["messages"] = messages
    return Reject(candidate_id=c.id, stage=Stage.TOOLUSE, reason=reason, detail=detail[:500], candidate=cand)


def _step(active: list[_Trace], svc, settings: ToolUseSettings, protocol: str, schemas, system: str,
          last: bool) -> list[Reject]:
    """One model turn for every active trace; returns the traces that failed."""
    native = protocol == "native"
    forced = settings.first_call == "required" and all(t.calls == 0 for t in active) and not last
    example = [] if native else example_turns(svc.lang, svc.cfg.prompt_version)
    requests = [t.messages if native else _text_view(t, system, example) for t in active]
    options: dict[str, Any] = {"tools": schemas, "tool_choice": "required" if forced else None} if native else \
        {"stop": None if forced else [CLOSE], "response_format": call_format(schemas) if forced else None}
    results = svc.llm.complete_many(requests, temperature=settings.temperature, max_tokens=settings.max_tokens,
                                    seed=svc.cfg.seed, tag="tooluse", **options)
    rejects = []
    for trace, result in zip(active, results):
        if not result.ok:
            rejects.append(_reject(trace.cand, Reason.LLM_ERROR, result.error, trace.messages))
            trace.done = True
            continue
        if native and result.invalid_tool_calls:
            rejects.append(_reject(trace.cand, Reason.TRACE_UNPARSABLE, "the model's native tool call could not be "
                                   "parsed (invalid JSON arguments)", trace.messages))
            trace.done = True
            continue
        try:
            reader = _read_forced_call if forced and not native else _read_text_answer
            calls, prose = (result.tool_calls, result.text) if native else reader(result.text)
        except ValueError as exc:
            rejects.append(_reject(trace.cand, Reason.TRACE_UNPARSABLE, f"tool call: {exc}", trace.messages))
            trace.done = True
            continue
        if not calls and example and copies_example(prose, trace.cand.instruction, example, svc.lang):
            rejects.append(_reject(trace.cand, Reason.PROMPT_ECHO, "the final answer copies the worked example's "
                                   f"answer: {prose[:120]!r}", trace.messages))
            trace.done = True
        elif not calls:
            trace.finish(prose)
        elif last or trace.calls + len(calls) > settings.max_calls:
            rejects.append(_reject(trace.cand, Reason.TRACE_UNPARSABLE,
                                   f"no final answer within {settings.max_calls} tool calls", trace.messages))
            trace.done = True
        else:
            trace.add_calls(prose, calls, svc.tools)
    return rejects


def tooluse_batch(batch: list[Candidate], svc, settings: ToolUseSettings) -> tuple[list[Candidate], list[Reject]]:
    """Solve each problem with real tool calls (agent loop); the trace becomes the candidate's messages."""
    names = settings.tools or svc.tools.names()
    schemas = [svc.tools.schema(n) for n in names]
    protocol = _protocol(settings, svc.llm)
    system = load_prompt("tooluse_system", svc.lang, svc.cfg.prompt_version).render(
        tools=json.dumps([s["function"] for s in schemas], ensure_ascii=False, indent=1))
    traces = [_Trace(c) for c in batch]
    rejects: list[Reject] = []
    for step in range(settings.max_calls + 1):
        active = [t for t in traces if not t.done]
        if not active:
            break
        rejects += _step(active, svc, settings, protocol, schemas, system, last=step == settings.max_calls)
    failed = {r.candidate_id for r in rejects}
    kept = [t.cand.model_copy(update={
        "messages": [Message.model_validate(m) for m in t.messages], "tools": schemas,
        "output": t.messages[-1]["content"], "task_type": TaskType.TOOL_USE,
        "verification": {**t.cand.verification, "tool_protocol": protocol}})
        for t in traces if t.done and t.cand.id not in failed]
    return kept, rejects
