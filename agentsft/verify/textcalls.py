"""Tool calls written as text, for models without native function calling:
``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` blocks parsed into OpenAI ``tool_calls``."""

from __future__ import annotations

import json
import re
from typing import Any

_TOOL_BLOCK = re.compile(r"<tool_call>(.*?)</tool_call>", re.S)


def parse_text_tool_calls(text: str, start: int = 0) -> tuple[list[dict[str, Any]], str]:
    """Tool calls written as ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` blocks (arguments may
    also be a JSON string) as OpenAI ``tool_calls`` with ids ``call_{start}``, ``call_{start+1}``...; returns
    them and the text outside the blocks. A block that is not such JSON, or an unclosed block, raises
    ValueError (the caller records TRACE_UNPARSABLE)."""
    calls: list[dict[str, Any]] = []
    for m in _TOOL_BLOCK.finditer(text):
        try:
            body = json.loads(m.group(1).strip())
        except (json.JSONDecodeError, RecursionError) as e:
            raise ValueError(f"<tool_call> block is not valid JSON: {getattr(e, 'msg', 'nested too deeply')}") from None
        for item in body if isinstance(body, list) else [body]:
            calls.append(_text_call(item, f"call_{start + len(calls)}"))
    rest = _TOOL_BLOCK.sub("", text)
    if "<tool_call>" in rest or "</tool_call>" in rest:
        raise ValueError("unclosed <tool_call> block")
    return calls, rest.strip()


def _text_call(item: Any, call_id: str) -> dict[str, Any]:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        raise ValueError("<tool_call> block has no tool name")
    args = item.get("arguments", item.get("parameters", {}))
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except (json.JSONDecodeError, RecursionError) as e:
            raise ValueError(f"<tool_call> arguments are not valid JSON: {getattr(e, 'msg', 'nested too deeply')}") from None
    if not isinstance(args, dict):
        raise ValueError("<tool_call> arguments are not a JSON object")
    return {"id": call_id, "type": "function",
            "function": {"name": item["name"], "arguments": json.dumps(args, ensure_ascii=False)}}
