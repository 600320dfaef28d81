"""Turn one raw record of a known format into a ``SeedTask``.

Every problem is raised as ``RecordError(message)``; the caller adds path and line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from ..text import guess_lang
from ..schema import TASK_TYPE_ZH, SeedTask, TaskType
from .errors import json_type

ROLE_MAP: dict[str, str] = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "model": "assistant",
    "chatgpt": "assistant",
    "bot": "assistant",
    "function_call": "assistant",  # LLaMA-Factory sharegpt: the assistant's tool call
    "system": "system",
    "developer": "system",
    "tool": "tool",
    "function": "tool",
    "observation": "tool",
}

_TASK_TYPES_ZH = {zh: tt for tt, zh in TASK_TYPE_ZH.items()}


class RecordError(ValueError):
    """A record-level problem, to be located by the caller."""


def detect_lang(text: str) -> str:
    """"zh" when at least 20% of the letters are CJK ideographs, else "en" (see ``agentsft.text``)."""
    return guess_lang(text)


def _field(rec: dict[str, Any], key: str, where: str = "") -> Any:
    if key not in rec:
        raise RecordError(f"field '{where}{key}' is missing")
    return rec[key]


def _string(rec: dict[str, Any], key: str, where: str = "", *, required: bool = True,
            non_empty: bool = False, null_ok: bool = False) -> str:
    """A string field; missing → "" when not required, null → "" when null_ok."""
    if key not in rec:
        if required:
            raise RecordError(f"field '{where}{key}' is missing")
        return ""
    value = rec[key]
    if value is None and null_ok:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"field '{where}{key}' must be a string, got {json_type(value)}")
    if non_empty and not value.strip():
        raise RecordError(f"field '{where}{key}' is empty")
    return value


def _list(rec: dict[str, Any], key: str, *, required: bool = True, non_empty: bool = True) -> list[Any] | None:
    if key not in rec or (rec[key] is None and not required):
        if required:
            raise RecordError(f"field '{key}' is missing")
        return None
    value = rec[key]
    if not isinstance(value, list):
        raise RecordError(f"field '{key}' must be a list, got {json_type(value)}")
    if non_empty and not value:
        raise RecordError(f"field '{key}' is empty")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"field '{where}' must be an object, got {json_type(value)}")
    return value


def _record_id(rec: dict[str, Any], default: str) -> str:
    value = rec.get("id")
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RecordError(f"field 'id' must be a string or an integer, got {json_type(value)}")
    return str(value)


def _task_type(rec: dict[str, Any]) -> TaskType | None:
    value = rec.get("task_type")
    if value is None or value == "":
        return None
    if isinstance(value, str):
        key = value.strip()
        if key.lower() in {t.value for t in TaskType}:
            return TaskType(key.lower())
        if key in _TASK_TYPES_ZH:
            return _TASK_TYPES_ZH[key]
    allowed = ", ".join(t.value for t in TaskType)
    raise RecordError(f"field 'task_type' must be one of {allowed}; got {value!r}")


def _lang(value: Any, field: str = "lang") -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
        if code in ("zh", "en"):
            return code
    raise RecordError(f"field '{field}' must be 'zh' or 'en', got {value!r}")


def _tools(rec: dict[str, Any]) -> list[dict[str, Any]] | None:
    value = rec.get("tools")
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):  # LLaMA-Factory stores tools as a JSON string
        try:
            value = json.loads(value)
        except json.JSONDecodeError as e:
            raise RecordError(f"field 'tools' is a string but not valid JSON: {e.msg}") from None
    if not isinstance(value, list):
        raise RecordError(f"field 'tools' must be a list, got {json_type(value)}")
    for i, tool in enumerate(value):
        _object(tool, f"tools[{i}]")
    return value


def _content(value: Any, where: str) -> str | None:
    """OpenAI message content: string, null, or a list of text parts."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = []
        for i, part in enumerate(value):
            part = _object(part, f"{where}[{i}]")
            if part.get("type", "text") != "text" or not isinstance(part.get("text"), str):
                raise RecordError(f"field '{where}[{i}]' is not a text part (only text content is supported)")
            texts.append(part["text"])
        return "".join(texts)
    raise RecordError(f"field '{where}' must be a string, got {json_type(value)}")


def _role(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise RecordError(f"field '{where}' must be a string, got {json_type(value)}")
    role = ROLE_MAP.get(value.strip().lower())
    if role is None:
        known = ", ".join(sorted(ROLE_MAP))
        raise RecordError(f"field '{where}' has unknown role {value!r} (known: {known})")
    return role


_TOOL_TAGS = ("function_call", "observation")


def _is_tool_trace(rec: dict[str, Any], fmt: str) -> bool:
    """A LLaMA-Factory sharegpt tool record (function_call/observation turns) or an OpenAI record in the legacy
    function-calling shape: read through ``toolformats`` so the calls stay calls."""
    if fmt == "sharegpt":
        turns = rec.get("conversations") or []
        return any(isinstance(t, dict) and str(t.get("from", "")).strip().lower() in _TOOL_TAGS for t in turns)
    turns = rec.get("messages") or []
    return isinstance(turns, list) and any(
        isinstance(t, dict) and ("function_call" in t or t.get("role") == "function") for t in turns)


def _trace_messages(rec: dict[str, Any], fmt: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from .toolformats import to_trace  # imported here: toolformats reads files through .records

    try:
        trace = to_trace(rec, fmt)
    except (ValueError, RecursionError) as e:
        raise RecordError(f"{fmt} tool record: {e}") from None
    return trace["messages"], trace["tools"]


def _dialogue_messages(rec: dict[str, Any], fmt: str) -> list[dict[str, Any]]:
    """The record's turns as plain ``Message`` dicts (roles mapped)."""
    out: list[dict[str, Any]] = []
    if _is_tool_trace(rec, fmt):
        return _trace_messages(rec, fmt)[0]
    if fmt == "sharegpt":
        turns = _list(rec, "conversations")
        system = rec.get("system")
        if isinstance(system, str) and system.strip():
            out.append({"role": "system", "content": system})
        for i, turn in enumerate(turns):
            turn = _object(turn, f"conversations[{i}]")
            role = _role(_field(turn, "from", f"conversations[{i}]."), f"conversations[{i}].from")
            value = _string(turn, "value", f"conversations[{i}].")
            out.append({"role": role, "content": value})
    else:
        turns = _list(rec, "messages")
        for i, turn in enumerate(turns):
            turn = dict(_object(turn, f"messages[{i}]"))
            role = _role(_field(turn, "role", f"messages[{i}]."), f"messages[{i}].role")
            content = _content(turn.get("content"), f"messages[{i}].content")
            if content is None and role in ("user", "system"):
                raise RecordError(f"field 'messages[{i}].content' is missing")
            turn.update(role=role, content=content)
            out.append(turn)
    return out


def _first_text(messages: list[dict[str, Any]], role: str, start: int = 0) -> tuple[int, str] | None:
    for i in range(start, len(messages)):
        content = messages[i]["content"]
        if messages[i]["role"] == role and isinstance(content, str) and content.strip():
            return i, content
    return None


def _from_dialogue(rec: dict[str, Any], fmt: str) -> dict[str, Any]:
    key = "conversations" if fmt == "sharegpt" else "messages"
    messages = _dialogue_messages(rec, fmt)
    user = _first_text(messages, "user")
    if user is None:
        raise RecordError(f"field '{key}' has no user turn with text")
    answer = _first_text(messages, "assistant", user[0] + 1)
    if answer is None:
        raise RecordError(f"field '{key}' has no assistant turn with text after the first user turn")
    task_type = _task_type(rec)
    if task_type is None and sum(1 for m in messages if m["role"] == "user") > 1:
        task_type = TaskType.MULTI_TURN
    out = {
        "instruction": user[1],
        "instances": [{"input": "", "output": answer[1]}],
        "messages": messages,
        "task_type": task_type,
    }
    if _is_tool_trace(rec, fmt):
        out["tools"] = _trace_messages(rec, fmt)[1] or None
    return out


def _from_self_instruct(rec: dict[str, Any]) -> dict[str, Any]:
    instruction = _string(rec, "instruction", non_empty=True)
    instances = []
    for i, inst in enumerate(_list(rec, "instances")):
        where = f"instances[{i}]."
        inst = _object(inst, f"instances[{i}]")
        instances.append({
            "input": _string(inst, "input", where, required=False, null_ok=True),
            "output": _string(inst, "output", where),
        })
    out: dict[str, Any] = {"instruction": instruction, "instances": instances, "task_type": _task_type(rec)}
    messages = rec.get("messages")
    if messages is not None:
        out["messages"] = _dialogue_messages(rec, "openai")
    return out


def _from_alpaca(rec: dict[str, Any]) -> dict[str, Any]:
    instruction = _string(rec, "instruction", non_empty=True)
    out: dict[str, Any] = {
        "instruction": instruction,
        "instances": [{
            "input": _string(rec, "input", required=False, null_ok=True),
            "output": _string(rec, "output"),
        }],
        "task_type": _task_type(rec),
    }
    if rec.get("messages") is not None:
        out["messages"] = _dialogue_messages(rec, "openai")
    return out


def _validation_message(err: ValidationError) -> str:
    parts = []
    for item in err.errors():
        loc = ""
        for piece in item.get("loc", ()):
            loc += f"[{piece}]" if isinstance(piece, int) else (f".{piece}" if loc else str(piece))
        msg = item.get("msg", "invalid value")
        parts.append(f"field '{loc}': {msg}" if loc else msg)
    return "; ".join(parts) or "invalid record"


def record_to_seed(rec: dict[str, Any], fmt: str, *, default_id: str, source: str,
                   lang: str | None = None) -> SeedTask:
    """Convert one raw record of format ``fmt``. Raises RecordError.

    ``lang`` ("zh"/"en", already validated) overrides the record's and the detected language.
    """
    if fmt == "self_instruct":
        data = _from_self_instruct(rec)
    elif fmt in ("alpaca", "samples"):
        data = _from_alpaca(rec)
    elif fmt in ("sharegpt", "openai"):
        data = _from_dialogue(rec, fmt)
    else:  # pragma: no cover - formats are validated upstream
        raise RecordError(f"unsupported format {fmt!r}")
    name = rec.get("name", "")
    if name is None:
        name = ""
    if not isinstance(name, str):
        raise RecordError(f"field 'name' must be a string, got {json_type(name)}")
    is_cls = rec.get("is_classification", False)
    if is_cls is None:
        is_cls = False
    if not isinstance(is_cls, bool):
        raise RecordError(f"field 'is_classification' must be true or false, got {json_type(is_cls)}")
    data.update(
        id=_record_id(rec, default_id),
        name=name,
        is_classification=is_cls,
        tools=data.pop("tools", None) or _tools(rec),
        source=source,
        lang=lang or _lang(rec.get("lang")) or detect_lang(data["instruction"]),
    )
    try:
        return SeedTask(**data)
    except ValidationError as e:
        raise RecordError(_validation_message(e)) from None
