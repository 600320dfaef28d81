"""A validator for OpenAI chat fine-tuning files (``agentsft export --check FILE``).

Rules, from OpenAI's published format (the fine-tuning guide and the API reference's per-line training example,
``FineTuneChatRequestInput``); the code is ours:

* every line is one JSON object; its keys are ``messages`` (required), ``tools``, ``parallel_tool_calls`` and
  the legacy ``functions`` — nothing else;
* ``messages`` is a non-empty list; roles ``system`` / ``developer`` (only at the start), ``user``, ``assistant``,
  ``tool`` (and the legacy ``function``); each role has its own allowed keys (system, developer, user: ``role``,
  ``content``, ``name``; assistant: also ``tool_calls``, ``function_call``, ``weight``, ``refusal``; tool:
  ``role``, ``content``, ``tool_call_id``; function: ``role``, ``content``, ``name``);
* the first message after the system prompt is a user message; the last message is the assistant's (the one
  final turn the example trains on); no two assistant messages follow each other;
* content is a string or a list of content parts (``{"type": "text", "text": ...}``; users may also send
  ``image_url`` parts); only an assistant message that calls tools may have empty or null content;
* ``tool_calls`` is a non-empty list of ``{"id", "type": "function", "function": {"name", "arguments"}}`` with
  unique ids and ``arguments`` a JSON *string* that parses to an object; each call names a tool the example
  declares in ``tools``; a ``tool`` message's ``tool_call_id`` answers a call of the assistant message right
  before it (each call once), and every call is answered before the conversation goes on;
* ``tools`` is a non-empty list of ``{"type": "function", "function": {"name", "description"?, "parameters"?,
  "strict"?}}`` — names match ``^[a-zA-Z0-9_-]{1,64}$`` and are unique; ``parameters`` is a JSON-schema object
  (``"type": "object"``); ``tools`` and ``functions`` are not used together;
* ``weight`` appears only on assistant messages and is the integer 0 or 1; at least one assistant message is
  trained on (weight not 0).

``check_example(record)`` lists the problems of one example; ``check_file(path)`` those of a whole file, each with
its line number (a line that is not JSON is a problem too, never a crash).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import json_type
from .records import read_text

__all__ = ["Problem", "CheckResult", "check_example", "check_text", "check_file"]

TOP_KEYS = frozenset({"messages", "tools", "parallel_tool_calls", "functions"})
ROLE_KEYS: dict[str, frozenset[str]] = {
    "system": frozenset({"role", "content", "name"}),
    "developer": frozenset({"role", "content", "name"}),
    "user": frozenset({"role", "content", "name"}),
    "assistant": frozenset({"role", "content", "name", "tool_calls", "function_call", "weight", "refusal"}),
    "tool": frozenset({"role", "content", "tool_call_id"}),
    "function": frozenset({"role", "content", "name"}),
}
PART_TYPES: dict[str, frozenset[str]] = {
    "system": frozenset({"text"}), "developer": frozenset({"text"}), "tool": frozenset({"text"}),
    "function": frozenset({"text"}), "user": frozenset({"text", "image_url"}),
    "assistant": frozenset({"text", "refusal"}),
}
CALL_KEYS = frozenset({"id", "type", "function"})
FUNCTION_KEYS = frozenset({"name", "arguments"})
TOOL_KEYS = frozenset({"type", "function"})
TOOL_FUNCTION_KEYS = frozenset({"name", "description", "parameters", "strict"})
NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MIN_EXAMPLES = 10  # a fine-tuning job needs at least this many examples (a note, not a malformed example)


@dataclass(frozen=True)
class Problem:
    """One malformed thing in an example: its line, a short code, where in the example, and why."""

    line: int
    code: str
    where: str
    message: str

    def format(self, path: str | os.PathLike[str]) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{os.fspath(path)}:{self.line}: {where}{self.message} [{self.code}]"


@dataclass
class CheckResult:
    examples: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems})

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def notes(self) -> list[str]:
        """File-level remarks that are not malformed examples."""
        if self.examples < MIN_EXAMPLES:
            return [f"OpenAI needs at least {MIN_EXAMPLES} examples to start a fine-tuning job; "
                    f"this file has {self.examples}"]
        return []


class _Example:
    """Collects (code, where, message) while one example is checked."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str, str]] = []

    def add(self, code: str, where: str, message: str) -> None:
        self.found.append((code, where, message))


def _unknown(keys: Any, allowed: frozenset[str]) -> list[str]:
    return sorted(str(k) for k in keys if k not in allowed)


def _check_content(ex: _Example, msg: dict[str, Any], role: str, where: str) -> None:
    calls = bool(msg.get("tool_calls") or msg.get("function_call"))
    content = msg.get("content")
    if content is None:
        if not calls:
            ex.add("missing_content", where, f"a {role} message needs content" if "content" not in msg
                   else f"a {role} message's content is null")
        return
    if isinstance(content, str):
        if not content.strip() and not calls:
            ex.add("empty_content", where, f"a {role} message's content is empty")
        return
    if not isinstance(content, list) or not content:
        ex.add("bad_content", where, f"content must be a string or a non-empty list of parts, not {json_type(content)}")
        return
    for k, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind not in PART_TYPES[role]:
            ex.add("bad_content", f"{where}.content[{k}]",
                   f"a {role} message cannot hold a content part of type {kind!r}")
        elif kind in ("text", "refusal") and not isinstance(part.get(kind), str):
            ex.add("bad_content", f"{where}.content[{k}]", f"a {kind} part needs a string {kind!r}")
        elif kind == "image_url" and not isinstance((part.get("image_url") or {}).get("url"), str):
            ex.add("bad_content", f"{where}.content[{k}]", "an image_url part needs image_url.url")


def _check_arguments(ex: _Example, args: Any, where: str) -> None:
    if not isinstance(args, str):
        ex.add("bad_arguments", where, f"arguments must be a JSON string, not {json_type(args)}")
        return
    try:
        value = json.loads(args)
    except (ValueError, RecursionError):
        ex.add("bad_arguments", where, f"arguments do not parse as JSON: {args[:60]!r}")
        return
    if not isinstance(value, dict):
        ex.add("bad_arguments", where, f"arguments must be a JSON object, not {json_type(value)}")


def _check_calls(ex: _Example, calls: Any, where: str, declared: set[str] | None, seen: set[str]) -> list[str]:
    """The ids of the well-formed calls of one assistant message."""
    if not isinstance(calls, list) or not calls:
        ex.add("bad_tool_calls", where, "tool_calls must be a non-empty list")
        return []
    ids = []
    for k, call in enumerate(calls):
        at = f"{where}.tool_calls[{k}]"
        if not isinstance(call, dict):
            ex.add("bad_tool_calls", at, f"a tool call must be an object, not {json_type(call)}")
            continue
        if extra := _unknown(call, CALL_KEYS):
            ex.add("unknown_key", at, f"unknown key(s) {', '.join(extra)}")
        call_id, fn = call.get("id"), call.get("function")
        if not isinstance(call_id, str) or not call_id:
            ex.add("bad_tool_calls", at, "a tool call needs a non-empty string id")
        elif call_id in seen:
            ex.add("duplicate_call_id", at, f"tool call id {call_id!r} is used twice")
        else:
            seen.add(call_id)
            ids.append(call_id)
        if call.get("type") != "function":
            ex.add("bad_tool_calls", at, f"type must be 'function', not {call.get('type')!r}")
        if not isinstance(fn, dict):
            ex.add("bad_tool_calls", at, "a tool call needs a 'function' object")
            continue
        if extra := _unknown(fn, FUNCTION_KEYS):
            ex.add("unknown_key", f"{at}.function", f"unknown key(s) {', '.join(extra)}")
        _check_called_name(ex, fn.get("name"), f"{at}.function", declared, "tools")
        _check_arguments(ex, fn.get("arguments"), f"{at}.function")
    return ids


def _check_called_name(ex: _Example, name: Any, where: str, declared: set[str] | None, what: str) -> None:
    if not isinstance(name, str) or not name:
        ex.add("bad_tool_calls", where, "a call needs a function name")
    elif declared is None:
        ex.add("tool_not_declared", where, f"calls {name!r} but the example declares no {what}")
    elif declared and name not in declared:
        ex.add("tool_not_declared", where, f"calls {name!r}, which is not in the example's {what}")


def _check_function_schema(ex: _Example, fn: Any, where: str, names: set[str]) -> None:
    if not isinstance(fn, dict):
        ex.add("bad_tools", where, f"a function schema must be an object, not {json_type(fn)}")
        return
    if extra := _unknown(fn, TOOL_FUNCTION_KEYS):
        ex.add("unknown_key", where, f"unknown key(s) {', '.join(extra)}")
    name = fn.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        ex.add("bad_tools", where, f"function name {name!r} must match ^[a-zA-Z0-9_-]{{1,64}}$")
    elif name in names:
        ex.add("bad_tools", where, f"function {name!r} is declared twice")
    else:
        names.add(name)
    if "description" in fn and not isinstance(fn["description"], str):
        ex.add("bad_tools", where, "description must be a string")
    if "strict" in fn and not isinstance(fn["strict"], bool):
        ex.add("bad_tools", where, "strict must be true or false")
    params = fn.get("parameters")
    if "parameters" in fn and (not isinstance(params, dict) or params.get("type") != "object"):
        ex.add("bad_tools", where, "parameters must be a JSON-schema object with \"type\": \"object\"")


def _declared(ex: _Example, rec: dict[str, Any]) -> tuple[set[str] | None, set[str] | None]:
    """(tool names, legacy function names) the example declares; None where it declares none."""
    tools, functions = rec.get("tools"), rec.get("functions")
    if tools is not None and functions is not None:
        ex.add("bad_tools", "", "an example uses either tools or the legacy functions, not both")
    tool_names: set[str] | None = None
    if tools is not None:
        tool_names = set()
        if not isinstance(tools, list) or not tools:
            ex.add("bad_tools", "tools", "tools must be a non-empty list")
        else:
            for i, tool in enumerate(tools):
                if not isinstance(tool, dict) or tool.get("type") != "function":
                    ex.add("bad_tools", f"tools[{i}]", "a tool must be {\"type\": \"function\", \"function\": {...}}")
                    continue
                if extra := _unknown(tool, TOOL_KEYS):
                    ex.add("unknown_key", f"tools[{i}]", f"unknown key(s) {', '.join(extra)}")
                _check_function_schema(ex, tool.get("function"), f"tools[{i}].function", tool_names)
    fn_names: set[str] | None = None
    if functions is not None:
        fn_names = set()
        if not isinstance(functions, list) or not 1 <= len(functions) <= 128:
            ex.add("bad_tools", "functions", "functions must be a list of 1 to 128 function schemas")
        else:
            for i, fn in enumerate(functions):
                _check_function_schema(ex, fn, f"functions[{i}]", fn_names)
    return tool_names, fn_names


def _check_message_shape(ex: _Example, msg: Any, where: str) -> str | None:
    """The message's role when it is an object with a known role (keys and content checked), else None."""
    if not isinstance(msg, dict):
        ex.add("bad_message", where, f"a message must be an object, not {json_type(msg)}")
        return None
    role = msg.get("role")
    if role not in ROLE_KEYS:
        ex.add("bad_role", where, f"unknown role {role!r} (system, developer, user, assistant, tool, function)")
        return None
    if extra := _unknown(msg, ROLE_KEYS[role]):
        ex.add("unknown_key", where, f"key(s) {', '.join(extra)} not allowed on a {role} message")
    if "name" in msg and (not isinstance(msg["name"], str) or not msg["name"]):
        ex.add("bad_message", where, "name must be a non-empty string")
    if "weight" in msg and role == "assistant" and (isinstance(msg["weight"], bool) or msg["weight"] not in (0, 1)):
        ex.add("bad_weight", where, f"weight must be 0 or 1, not {msg['weight']!r}")
    _check_content(ex, msg, role, where)
    return role


class _Flow:
    """Order rules over the messages: system first, then user, calls answered, assistant last."""

    def __init__(self, ex: _Example, tools: set[str] | None, functions: set[str] | None) -> None:
        self.ex, self.tools, self.functions = ex, tools, functions
        self.prev: str | None = None
        self.open: dict[str, bool] = {}  # call id -> answered, for the last assistant message's calls
        self.open_at = ""
        self.open_function: str | None = None
        self.seen_ids: set[str] = set()
        self.trained = 0

    def close_calls(self, where: str) -> None:
        missing = [cid for cid, done in self.open.items() if not done]
        if missing:
            self.ex.add("unanswered_call", self.open_at, f"tool call(s) {', '.join(missing)} get no tool message "
                        f"before {where}")
        self.open, self.open_function = {}, None

    def step(self, msg: dict[str, Any], role: str, where: str) -> None:
        ex = self.ex
        if role in ("system", "developer"):
            if self.prev not in (None, "system", "developer"):
                ex.add("role_order", where, f"a {role} message must come before the conversation starts")
        elif self.prev in (None, "system", "developer") and role != "user":
            ex.add("role_order", where, f"the conversation must start with a user message, not {role}")
        if role == "tool":
            self.tool(msg, where)
        elif role == "function":
            if self.open_function is None or msg.get("name") != self.open_function:
                ex.add("role_order", where, "a function message must answer the function_call right before it")
            self.open_function = None
        else:
            self.close_calls(where)
        if role == "assistant":
            self.assistant(msg, where)
        self.prev = role

    def tool(self, msg: dict[str, Any], where: str) -> None:
        call_id = msg.get("tool_call_id")
        if not isinstance(call_id, str) or not call_id:
            self.ex.add("bad_tool_call_id", where, "a tool message needs a string tool_call_id")
        elif call_id not in self.open:
            self.ex.add("bad_tool_call_id", where,
                        f"tool_call_id {call_id!r} answers no tool call of the assistant message before it")
        elif self.open[call_id]:
            self.ex.add("bad_tool_call_id", where, f"tool call {call_id!r} is answered twice")
        else:
            self.open[call_id] = True

    def assistant(self, msg: dict[str, Any], where: str) -> None:
        if self.prev == "assistant":
            self.ex.add("role_order", where, "two assistant messages in a row")
        if msg.get("weight", 1) != 0:
            self.trained += 1
        if "tool_calls" in msg:
            ids = _check_calls(self.ex, msg["tool_calls"], where, self.tools, self.seen_ids)
            self.open, self.open_at = {cid: False for cid in ids}, where
        fc = msg.get("function_call")
        if fc is not None:
            if not isinstance(fc, dict):
                self.ex.add("bad_tool_calls", where, "function_call must be an object")
                return
            _check_called_name(self.ex, fc.get("name"), f"{where}.function_call", self.functions, "functions")
            _check_arguments(self.ex, fc.get("arguments"), f"{where}.function_call")
            self.open_function = fc.get("name")


def check_example(rec: Any) -> list[tuple[str, str, str]]:
    """The problems of one example as (code, where, message); empty when it is a valid training example."""
    ex = _Example()
    if not isinstance(rec, dict):
        ex.add("not_object", "", f"an example must be a JSON object, not {json_type(rec)}")
        return ex.found
    if extra := _unknown(rec, TOP_KEYS):
        ex.add("unknown_key", "", f"unknown top-level key(s) {', '.join(extra)} (allowed: messages, tools, "
               "parallel_tool_calls, functions)")
    if "parallel_tool_calls" in rec and not isinstance(rec["parallel_tool_calls"], bool):
        ex.add("bad_tools", "parallel_tool_calls", "parallel_tool_calls must be true or false")
    tools, functions = _declared(ex, rec)
    messages = rec.get("messages")
    if not isinstance(messages, list) or not messages:
        ex.add("no_messages", "messages", "messages must be a non-empty list")
        return ex.found
    flow = _Flow(ex, tools, functions)
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        role = _check_message_shape(ex, msg, where)
        if role is not None:
            flow.step(msg, role, where)
    last = messages[-1]
    if not isinstance(last, dict) or last.get("role") != "assistant":
        role = last.get("role") if isinstance(last, dict) else None
        ex.add("last_not_assistant", f"messages[{len(messages) - 1}]",
               f"the last message must be the assistant's, not {role!r}")
    elif flow.trained == 0:
        ex.add("nothing_trained", "messages", "every assistant message has weight 0: nothing to train on")
    return ex.found


def check_text(text: str) -> CheckResult:
    """Check JSON lines text; blank lines are skipped."""
    result = CheckResult()
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        result.examples += 1
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError) as exc:
            result.problems.append(Problem(no, "bad_json", "", f"not valid JSON: {getattr(exc, 'msg', exc)}"))
            continue
        result.problems += [Problem(no, code, where, msg) for code, where, msg in check_example(rec)]
    return result


def check_file(path: str | os.PathLike[str]) -> CheckResult:
    """Check an OpenAI fine-tuning JSONL file; an unreadable or binary file raises InputError."""
    return check_text(read_text(path))
