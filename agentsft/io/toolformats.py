"""Tool-use trace formats <-> one neutral form.

Neutral form (a trace)::

    {"messages": [OpenAI chat messages: system/user/assistant/tool; assistant "tool_calls":
                  [{"id", "type": "function", "function": {"name", "arguments": JSON string}}];
                  tool turns carry "tool_call_id" and "content"],
     "tools": [{"type": "function", "function": {"name", "description", "parameters": JSON schema}}]}

Formats (facts checked against the public formats, the code is ours):

* ``openai``: OpenAI fine-tuning JSONL ``{"messages": [...], "tools": [...]}``; on read also the legacy
  ``functions`` / assistant ``function_call`` / role ``function`` shape, and ``tools`` as a JSON string.
* ``sharegpt``: LLaMA-Factory's sharegpt tool format, default tags: ``{"conversations": [{"from": "human" |
  "gpt" | "function_call" | "observation" | "system", "value": ...}], "system": "...", "tools": "<JSON string
  of [{name, description, parameters}]>"}``. A ``function_call`` value is ``{"name", "arguments": {...}}`` or
  a list of them (parallel calls); the results of parallel calls share one ``observation`` turn (LLaMA-Factory
  needs human/observation and gpt/function_call to alternate), joined by ``OBSERVATION_JOIN`` (also read: a JSON
  list with one item per call). An assistant turn's text next to its tool calls cannot be represented there
  and is dropped on write.
* ``xlam``: Salesforce xlam-function-calling-60k ``{"id", "query", "tools": "<JSON [{name, description,
  parameters: {arg: {type: "str"|"int"|"List[int]"|"float, optional"..., description, default}}}]>",
  "answers": "<JSON [{name, arguments: {...}}]>"}``: a user query and one assistant turn of calls, no results
  and no final answer.

``from_trace(trace, fmt, template=original)`` keeps the template's extra keys and its JSON-string fields when
they parse to the same value, so a record read and written back is the same record.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from pydantic import ValidationError

from ..schema import Message
from .records import parse_records, read_text
from .writers import write_atomic

__all__ = ["TRACE_FORMATS", "OBSERVATION_JOIN", "detect_trace_format", "to_trace", "from_trace", "read_traces",
           "write_traces", "dataset_info_entry"]

TRACE_FORMATS: tuple[str, ...] = ("openai", "sharegpt", "xlam")
#: How LLaMA-Factory joins the results of parallel calls into one observation turn.
OBSERVATION_JOIN = "\n</tool_response>\n<tool_response>\n"
SHAREGPT_TAGS = {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                 "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"}
_SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                   "function_call": "call", "observation": "tool", "tool": "tool", "system": "system"}


def detect_trace_format(rec: dict[str, Any]) -> str | None:
    """``openai``, ``sharegpt`` or ``xlam`` from a record's keys; None when it is none of them."""
    if not isinstance(rec, dict):
        return None
    if "query" in rec and "answers" in rec:
        return "xlam"
    if isinstance(rec.get("conversations"), list):
        return "sharegpt"
    if isinstance(rec.get("messages"), list):
        return "openai"
    return None


def dataset_info_entry(file_name: str) -> dict[str, Any]:
    """The LLaMA-Factory ``dataset_info.json`` entry for a file written in our ``sharegpt`` format."""
    return {"file_name": file_name, "formatting": "sharegpt",
            "columns": {"messages": "conversations", "system": "system", "tools": "tools"},
            "tags": dict(SHAREGPT_TAGS)}


# --------------------------------------------------------------------------- shared helpers


def _json_value(value: Any, what: str) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            return json.loads(value)
        except (json.JSONDecodeError, RecursionError) as e:
            raise ValueError(f"{what} is not valid JSON: {getattr(e, 'msg', 'nested too deeply')}") from None
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _keep(new: str, old: Any) -> Any:
    """``old`` (a template's JSON string) when it parses to the same value as ``new``, else ``new``."""
    if isinstance(old, str):
        try:
            if json.loads(old) == json.loads(new):
                return old
        except (json.JSONDecodeError, RecursionError):
            pass
    return new


def _neutral_tools(value: Any, what: str = "tools") -> list[dict[str, Any]]:
    """Tools as wrapped OpenAI schemas; accepts a JSON string, bare ``{name, ...}`` or wrapped entries."""
    tools = _json_value(value, what) if value is not None else []
    if isinstance(tools, dict):
        tools = [tools]
    if not isinstance(tools, list):
        raise ValueError(f"{what} must be a list of function schemas")
    out = []
    for i, tool in enumerate(tools):
        fn = tool.get("function") if isinstance(tool, dict) and tool.get("type") == "function" else tool
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise ValueError(f"{what}[{i}] has no function name")
        out.append({"type": "function", "function": fn})
    return out


def _bare_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t.get("function", t) for t in tools]


def _call(call_id: str, name: Any, arguments: Any, what: str) -> dict[str, Any]:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{what} has no tool name")
    if not isinstance(arguments, str):
        arguments = _dumps(arguments if arguments is not None else {})
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def _arguments_object(arguments: str) -> Any:
    """Call arguments as written in sharegpt/xlam (an object); a string that is no JSON stays a string."""
    try:
        return json.loads(arguments) if arguments.strip() else {}
    except (json.JSONDecodeError, RecursionError):
        return arguments


def _validate(messages: list[dict[str, Any]]) -> None:
    for i, msg in enumerate(messages):
        try:
            Message.model_validate(msg)
        except ValidationError as e:
            first = e.errors()[0]
            loc = ".".join(str(p) for p in first.get("loc", ()))
            raise ValueError(f"messages[{i}]{'.' + loc if loc else ''}: {first.get('msg', 'invalid')}") from None


# --------------------------------------------------------------------------- openai


def _openai_to_trace(rec: dict[str, Any]) -> dict[str, Any]:
    messages = rec.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ValueError("field 'messages' must be a non-empty list")
    if not all(isinstance(m, dict) for m in messages):
        raise ValueError("every message must be an object")
    messages = copy.deepcopy(messages)
    if any("function_call" in m or m.get("role") == "function" for m in messages):
        messages = _from_legacy(messages)
    _validate(messages)
    tools = rec.get("tools")
    if tools is None and rec.get("functions") is not None:
        tools = _neutral_tools(rec["functions"], "functions")
    return {"messages": messages, "tools": _neutral_tools(tools) if tools is not None else []}


def _from_legacy(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Legacy ``function_call`` / role ``function`` turns as ``tool_calls`` / role ``tool``."""
    out: list[dict[str, Any]] = []
    open_ids: dict[Any, list[str]] = {}
    count = 0
    for msg in messages:
        msg = dict(msg)
        fc = msg.pop("function_call", None)
        if msg.get("role") == "assistant" and isinstance(fc, dict):
            call_id = f"call_{count}"
            count += 1
            msg["tool_calls"] = [_call(call_id, fc.get("name"), fc.get("arguments", "{}"), "function_call")]
            open_ids.setdefault(fc.get("name"), []).append(call_id)
        elif msg.get("role") == "function":
            ids = open_ids.get(msg.get("name"), [])
            if not ids:
                raise ValueError(f"function result for {msg.get('name')!r} answers no function_call")
            msg = {"role": "tool", "tool_call_id": ids.pop(0), "content": msg.get("content")}
        out.append(msg)
    return out


def _trace_to_openai(trace: dict[str, Any], template: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in template.items() if k != "functions"}
    out["messages"] = copy.deepcopy(trace["messages"])
    tools = trace.get("tools") or []
    if tools or "tools" in template:
        old = template.get("tools")
        out["tools"] = old if old is not None and _safe_tools(old) == tools else copy.deepcopy(tools)
    return out


# --------------------------------------------------------------------------- sharegpt


def _sharegpt_calls(value: str, next_id: int, where: str) -> list[dict[str, Any]]:
    items = _json_value(value, f"{where} (function_call)")
    items = items if isinstance(items, list) else [items]
    if not items:
        raise ValueError(f"{where} is an empty function_call")
    calls = []
    for k, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"{where} function_call is not a JSON object")
        calls.append(_call(f"call_{next_id + k}", item.get("name"), item.get("arguments", {}), where))
    return calls


def _split_observation(value: str, n: int, where: str) -> list[str]:
    if n == 1:
        return [value]
    parts = value.split(OBSERVATION_JOIN)
    if len(parts) == n:
        return parts
    try:
        items = json.loads(value)
    except (json.JSONDecodeError, RecursionError):
        items = None
    if isinstance(items, list) and len(items) == n:
        return [item if isinstance(item, str) else _dumps(item) for item in items]
    raise ValueError(f"{where}: one observation for {n} parallel calls cannot be split into {n} results")


def _sharegpt_to_trace(rec: dict[str, Any]) -> dict[str, Any]:
    turns = rec.get("conversations")
    if not isinstance(turns, list) or not turns:
        raise ValueError("field 'conversations' must be a non-empty list")
    messages: list[dict[str, Any]] = []
    if isinstance(rec.get("system"), str) and rec["system"].strip():
        messages.append({"role": "system", "content": rec["system"]})
    pending: list[str] = []
    n_calls = 0
    for i, turn in enumerate(turns):
        where = f"conversations[{i}]"
        if not isinstance(turn, dict) or not isinstance(turn.get("value"), str):
            raise ValueError(f"{where} must be an object with a string 'value'")
        role = _SHAREGPT_ROLES.get(str(turn.get("from", "")).strip().lower())
        if role is None:
            raise ValueError(f"{where} has unknown 'from' {turn.get('from')!r}")
        if role == "call":
            calls = _sharegpt_calls(turn["value"], n_calls, where)
            n_calls += len(calls)
            pending = [c["id"] for c in calls]
            messages.append({"role": "assistant", "content": None, "tool_calls": calls})
        elif role == "tool":
            if not pending:
                raise ValueError(f"{where} is an observation with no function_call before it")
            for call_id, part in zip(pending, _split_observation(turn["value"], len(pending), where)):
                messages.append({"role": "tool", "tool_call_id": call_id, "content": part})
            pending = []
        else:
            messages.append({"role": role, "content": turn["value"]})
    _validate(messages)
    return {"messages": messages, "tools": _neutral_tools(rec.get("tools"))}


def _trace_to_sharegpt(trace: dict[str, Any], template: dict[str, Any]) -> dict[str, Any]:
    out = dict(template)
    old_turns = template.get("conversations") if isinstance(template.get("conversations"), list) else []
    system_in_turns = bool(old_turns) and isinstance(old_turns[0], dict) and old_turns[0].get("from") == "system"
    turns: list[dict[str, str]] = []
    system = None
    prev_role = None
    for msg in trace["messages"]:
        role = msg["role"]
        text = msg.get("content") if isinstance(msg.get("content"), str) else ""
        if role == "system":
            system = text
            if system_in_turns:
                turns.append({"from": "system", "value": text})
        elif role == "user":
            turns.append({"from": "human", "value": text})
        elif role == "assistant" and msg.get("tool_calls"):
            items = [{"name": c["function"]["name"], "arguments": _arguments_object(c["function"]["arguments"])}
                     for c in msg["tool_calls"]]
            turns.append({"from": "function_call", "value": _dumps(items[0] if len(items) == 1 else items)})
        elif role == "assistant":
            turns.append({"from": "gpt", "value": text})
        elif prev_role == "tool":
            turns[-1]["value"] += OBSERVATION_JOIN + text
        else:
            turns.append({"from": "observation", "value": text})
        prev_role = role
    out["conversations"] = _keep_turns(turns, old_turns)
    if not system_in_turns and (system is not None or "system" in template):
        out["system"] = system if system is not None else template.get("system", "")
    tools = trace.get("tools") or []
    if tools or "tools" in template:
        old = template.get("tools")
        keep = old is not None and _safe_tools(old) == tools
        out["tools"] = old if keep else _dumps(_bare_tools(tools))
    return out


def _safe_tools(value: Any) -> list[dict[str, Any]] | None:
    try:
        return _neutral_tools(value)
    except (ValueError, RecursionError):
        return None


def _keep_turns(turns: list[dict[str, str]], old: list[Any]) -> list[Any]:
    """The new turns, reusing each template turn whose tag and (JSON) value are the same."""
    out: list[Any] = []
    for i, turn in enumerate(turns):
        prev = old[i] if i < len(old) and isinstance(old[i], dict) else None
        if prev is not None and prev.get("from") == turn["from"] and prev.get("value") == turn["value"]:
            out.append(prev)
        elif prev is not None and prev.get("from") == turn["from"] == "function_call":
            kept = _keep(turn["value"], prev.get("value"))
            out.append(prev if kept is prev.get("value") else turn)
        else:
            out.append(turn)
    return out


# --------------------------------------------------------------------------- xlam

_XLAM_TYPES = {"str": "string", "string": "string", "int": "integer", "integer": "integer", "float": "number",
               "number": "number", "bool": "boolean", "boolean": "boolean", "list": "array", "tuple": "array",
               "set": "array", "dict": "object"}
_JSON_TO_XLAM = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "array": "List",
                 "object": "dict"}


def _xlam_param_type(kind: Any) -> tuple[str | None, bool]:
    """(JSON-schema type or None, optional) of an xLAM parameter type such as ``List[int], optional``."""
    text = str(kind or "").strip()
    optional = text.lower().endswith("optional")
    base = text.split(",")[0].strip().lower().split("[")[0]
    return _XLAM_TYPES.get(base), optional


def _xlam_schema(params: Any) -> dict[str, Any]:
    """An xLAM parameters map as a JSON schema (a JSON schema passes through)."""
    if not isinstance(params, dict):
        return {"type": "object", "properties": {}}
    if params.get("type") == "object" and isinstance(params.get("properties"), dict):
        return params
    props: dict[str, Any] = {}
    required: list[str] = []
    for name, spec in params.items():
        spec = spec if isinstance(spec, dict) else {}
        kind, optional = _xlam_param_type(spec.get("type"))
        prop = {k: v for k, v in spec.items() if k != "type"}
        if kind:
            prop["type"] = kind
        props[name] = prop
        if not optional and "default" not in spec:
            required.append(name)
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return schema


def _xlam_params(schema: Any) -> dict[str, Any]:
    """A JSON schema back as an xLAM parameters map."""
    if not isinstance(schema, dict):
        return {}
    required = set(schema.get("required") or [])
    out = {}
    for name, prop in (schema.get("properties") or {}).items():
        prop = dict(prop) if isinstance(prop, dict) else {}
        kind = _JSON_TO_XLAM.get(prop.pop("type", ""), "Any")
        if name not in required and "default" not in prop:
            kind += ", optional"
        out[name] = {"description": prop.pop("description", ""), "type": kind, **prop}
    return out


def _xlam_to_trace(rec: dict[str, Any]) -> dict[str, Any]:
    query = rec.get("query")
    if not isinstance(query, str) or not query.strip():
        raise ValueError("field 'query' must be a non-empty string")
    answers = _json_value(rec.get("answers"), "field 'answers'")
    if not isinstance(answers, list):
        raise ValueError("field 'answers' must be a list of calls")
    tools = _json_value(rec.get("tools"), "field 'tools'") if rec.get("tools") is not None else []
    if not isinstance(tools, list):
        raise ValueError("field 'tools' must be a list of function schemas")
    neutral_tools = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            raise ValueError(f"tools[{i}] has no function name")
        fn = {**tool, "parameters": _xlam_schema(tool.get("parameters"))}
        neutral_tools.append({"type": "function", "function": fn})
    messages: list[dict[str, Any]] = [{"role": "user", "content": query}]
    calls = []
    for k, item in enumerate(answers):
        if not isinstance(item, dict):
            raise ValueError(f"answers[{k}] is not an object")
        calls.append(_call(f"call_{k}", item.get("name"), item.get("arguments", {}), f"answers[{k}]"))
    if calls:
        messages.append({"role": "assistant", "content": None, "tool_calls": calls})
    return {"messages": messages, "tools": neutral_tools}


def _trace_to_xlam(trace: dict[str, Any], template: dict[str, Any]) -> dict[str, Any]:
    out = dict(template)
    users = [m for m in trace["messages"] if m["role"] == "user"]
    out["query"] = users[0].get("content") or "" if users else ""
    answers = [{"name": c["function"]["name"], "arguments": _arguments_object(c["function"]["arguments"])}
               for m in trace["messages"] if m["role"] == "assistant" for c in m.get("tool_calls") or []]
    out["answers"] = _keep(_dumps(answers), template.get("answers"))
    tools = [{**fn, "parameters": _xlam_params(fn.get("parameters"))} for fn in _bare_tools(trace.get("tools") or [])]
    old = template.get("tools")
    same = old is not None and _safe_xlam_tools(old) == trace.get("tools")
    out["tools"] = old if same else _dumps(tools)
    return out


def _safe_xlam_tools(value: Any) -> list[dict[str, Any]] | None:
    try:
        return _xlam_to_trace({"query": "q", "answers": [], "tools": value})["tools"]
    except (ValueError, RecursionError):
        return None


# --------------------------------------------------------------------------- API

_READERS = {"openai": _openai_to_trace, "sharegpt": _sharegpt_to_trace, "xlam": _xlam_to_trace}
_WRITERS = {"openai": _trace_to_openai, "sharegpt": _trace_to_sharegpt, "xlam": _trace_to_xlam}


def _format_name(fmt: str) -> str:
    name = (fmt or "").strip().lower()
    if name not in TRACE_FORMATS:
        raise ValueError(f"unknown trace format {fmt!r}; choose one of: {', '.join(TRACE_FORMATS)}")
    return name


def to_trace(rec: dict[str, Any], fmt: str) -> dict[str, Any]:
    """The neutral trace of one record in ``fmt`` ("auto" detects). Raises ValueError with a short message."""
    if not isinstance(rec, dict):
        raise ValueError("a trace record must be a JSON object")
    if fmt == "auto":
        detected = detect_trace_format(rec)
        if detected is None:
            raise ValueError("not a tool trace in any known format (openai, sharegpt, xlam)")
        fmt = detected
    return _READERS[_format_name(fmt)](rec)


def from_trace(trace: dict[str, Any], fmt: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """The record of ``trace`` in ``fmt``; with ``template`` (the record it was read from) its extra keys and
    equal JSON strings are kept, so ``from_trace(to_trace(rec, f), f, rec) == rec``."""
    return _WRITERS[_format_name(fmt)](trace, dict(template or {}))


def read_traces(path: str | os.PathLike[str], fmt: str = "auto") -> list[tuple[int, dict[str, Any], str | None]]:
    """(line, record, format) of every record of a JSON lines or JSON array file; format is None for a record
    of no known trace format (with ``fmt`` given, every record is taken to be in it). Raises InputError for an
    unreadable file."""
    records = parse_records(path, read_text(path))
    forced = None if fmt == "auto" else _format_name(fmt)
    return [(line, rec, forced or detect_trace_format(rec)) for line, rec in records]


def write_traces(path: str | os.PathLike[str], records: list[dict[str, Any]], *, array: bool = False) -> int:
    """Write records atomically as JSON lines, or as one JSON array with ``array=True``. Returns the count."""
    if array:
        write_atomic(path, [json.dumps(records, ensure_ascii=False, indent=2) + "\n"])
    else:
        write_atomic(path, (json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return len(records)
