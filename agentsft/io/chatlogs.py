"""Chat logs kept as marked-up text in open datasets, parsed into OpenAI-shaped messages.

* BELLE multi-turn (BelleGroup/multiturn_chat_0.8M): ``instruction`` = ``"Human:…\\nAssistant:…\\nHuman:…\\n
  Assistant:"`` (the history, ending in an empty assistant turn), ``output`` = that last answer.
* MOSS: moss-003-sft-data rows ``{conversation_id, meta_instruction, num_turns, chat: {"turn_1": {"Human":
  "<|Human|>: …<eoh>\\n", "Inner Thoughts", "Commands", "Tool Responses", "MOSS": "<|MOSS|>: …<eom>\\n"}, …},
  category}`` and moss-002 rows ``{plain_text: "[Human]: …<eoh> [MOSS]: …<eoa> …"}``. Only the Human and MOSS
  parts become turns: MOSS's meta instruction (its own persona prompt) and its plugin fields (inner thoughts,
  commands, tool responses: free text, not JSON tool calls) are left out.
* glaive-function-calling-v2: ``system`` = ``"SYSTEM: <sentence> -\\n{function JSON}\\n\\n{function JSON}"`` and
  ``chat`` = ``"USER: …\\n\\n\\nASSISTANT: <functioncall> {"name": …, "arguments": '<JSON>'} <|endoftext|>\\n\\n\\n
  FUNCTION RESPONSE: {…}\\n\\n\\nASSISTANT: … <|endoftext|>"``. The functions become ``tools``, each
  ``<functioncall>`` an assistant ``tool_calls`` turn and each FUNCTION RESPONSE a ``tool`` turn answering it.
  Arguments that are not valid JSON are kept as written (the verifier judges them).

Every problem raises ValueError with a short message (the caller adds file and line).
"""

from __future__ import annotations

import json
import re
from typing import Any

_BELLE_TURN = re.compile(r"(?:^|\n)\s*(Human|Assistant)\s*[:：]")
_MOSS_MARK = re.compile(r"(\[Human\]|<\|Human\|>|\[MOSS\]|<\|MOSS\|>)\s*[:：]")
_MOSS_END = re.compile(r"\s*<(?:eoh|eoa|eom)>\s*$")
_GLAIVE_TURN = re.compile(r"(?:^|\n)[ \t]*(USER|ASSISTANT|FUNCTION RESPONSE)\s*:")
_END_OF_TEXT = "<|endoftext|>"
_CALL = "<functioncall>"


def belle_messages(history: str, extra_input: str, output: str) -> list[dict[str, Any]]:
    """The turns of a BELLE multi-turn record; the final empty ``Assistant:`` takes ``output``."""
    marks = list(_BELLE_TURN.finditer(history))
    if not marks or marks[0].group(1) != "Human" or history[: marks[0].start()].strip():
        raise ValueError("field 'instruction' does not start with 'Human:'")
    messages: list[dict[str, Any]] = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(history)
        role = "user" if m.group(1) == "Human" else "assistant"
        messages.append({"role": role, "content": history[m.end(): end].strip()})
    if extra_input.strip():
        last_user = max(i for i, msg in enumerate(messages) if msg["role"] == "user")
        messages[last_user]["content"] += "\n\n" + extra_input.strip()
    if messages[-1]["role"] == "assistant" and not messages[-1]["content"]:
        messages[-1]["content"] = output
    elif messages[-1]["role"] == "user":
        messages.append({"role": "assistant", "content": output})
    else:
        raise ValueError("field 'instruction' ends with an assistant answer; the 'output' has no turn to fill")
    for i, msg in enumerate(messages[:-1]):
        if not msg["content"]:
            raise ValueError(f"turn {i + 1} of field 'instruction' is empty")
    return messages


def _moss_text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"field '{where}' must be a string")
    text = _MOSS_END.sub("", value.strip())
    return _MOSS_MARK.sub("", text, count=1).strip() if _MOSS_MARK.match(text) else text.strip()


def _moss_turns(chat: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [k for k in chat if re.fullmatch(r"turn_\d+", str(k))]
    if not keys:
        raise ValueError("field 'chat' has no turn_N entries")
    messages: list[dict[str, Any]] = []
    for key in sorted(keys, key=lambda k: int(k[5:])):
        turn = chat[key]
        if not isinstance(turn, dict) or "Human" not in turn or "MOSS" not in turn:
            raise ValueError(f"field 'chat.{key}' needs 'Human' and 'MOSS'")
        messages.append({"role": "user", "content": _moss_text(turn["Human"], f"chat.{key}.Human")})
        messages.append({"role": "assistant", "content": _moss_text(turn["MOSS"], f"chat.{key}.MOSS")})
    return messages


def _moss_plain(text: str) -> list[dict[str, Any]]:
    marks = list(_MOSS_MARK.finditer(text))
    if not marks:
        raise ValueError("field 'plain_text' has no [Human]: / <|Human|>: markers")
    messages = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        role = "user" if "Human" in m.group(1) else "assistant"
        messages.append({"role": role, "content": _MOSS_END.sub("", text[m.end(): end].strip()).strip()})
    return messages


def moss_messages(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """The Human/MOSS turns of a MOSS record (``chat`` or ``plain_text``)."""
    if isinstance(rec.get("chat"), dict):
        return _moss_turns(rec["chat"])
    return _moss_plain(rec["plain_text"])


# --------------------------------------------------------------------------- glaive


def _glaive_tools(system: Any) -> tuple[str, list[dict[str, Any]]]:
    """(system sentence, tools) of a glaive ``system`` field."""
    if system is None:
        return "", []
    if not isinstance(system, str):
        raise ValueError("field 'system' must be a string")
    text = re.sub(r"^\s*SYSTEM\s*:\s*", "", system)
    start = text.find("{")
    if start == -1:
        return text.strip(), []
    sentence, tools, decoder, pos = text[:start].strip(), [], json.JSONDecoder(), start
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            break
        try:
            fn, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise ValueError(f"field 'system' holds a function definition that is not valid JSON: {e.msg}") from None
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise ValueError("field 'system' holds a function definition without a name")
        tools.append({"type": "function", "function": fn})
    return sentence, tools


def _glaive_call(text: str, call_id: str) -> dict[str, Any]:
    """One ``<functioncall> {...}`` payload as an OpenAI tool call (arguments kept as a string)."""
    body = text.replace(_END_OF_TEXT, "").strip()
    try:
        obj = json.loads(body)
        name, args = obj.get("name"), obj.get("arguments", {})
    except (json.JSONDecodeError, AttributeError):
        m = re.match(r'\{\s*"name"\s*:\s*"([^"]+)"\s*,\s*"arguments"\s*:\s*\'(.*)\'\s*\}\s*$', body, re.S)
        if not m:
            raise ValueError(f"a <functioncall> is not a {{name, arguments}} object: {body[:80]!r}") from None
        name, args = m.group(1), m.group(2)
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a <functioncall> has no function name")
    if not isinstance(args, str):
        args = json.dumps(args, ensure_ascii=False)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}


def glaive_record(system: Any, chat: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(messages, tools) of a glaive function-calling record."""
    sentence, tools = _glaive_tools(system)
    marks = list(_GLAIVE_TURN.finditer(chat))
    if not marks or chat[: marks[0].start()].strip():
        raise ValueError("field 'chat' does not start with 'USER:'")
    messages: list[dict[str, Any]] = [{"role": "system", "content": sentence}] if sentence else []
    pending: list[str] = []
    n_calls = 0
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(chat)
        text = chat[m.end(): end].strip()
        if m.group(1) == "USER":
            messages.append({"role": "user", "content": text})
        elif m.group(1) == "FUNCTION RESPONSE":
            if not pending:
                raise ValueError(f"a FUNCTION RESPONSE in turn {k + 1} answers no <functioncall>")
            messages.append({"role": "tool", "tool_call_id": pending.pop(0), "content": text})
        elif _CALL in text:
            before, _, payload = text.partition(_CALL)
            call = _glaive_call(payload, f"call_{n_calls}")
            n_calls += 1
            pending.append(call["id"])
            messages.append({"role": "assistant", "content": before.strip() or None, "tool_calls": [call]})
        else:
            messages.append({"role": "assistant", "content": text.replace(_END_OF_TEXT, "").strip()})
    return messages, tools
