"""Open-dataset formats: told apart by their keys, converted on read into our two core shapes.

Single-turn formats become Alpaca-shaped records ``{instruction, input, output, task_type?}`` and multi-turn
ones OpenAI-shaped records ``{messages, tools?, lang?, task_type?}``; keys a conversion does not consume are
kept beside them, so a filtered or deduplicated file still carries its source's metadata. Field shapes are
taken from the public datasets (facts carry over, code does not):

* ``dolly`` (databricks-dolly-15k): ``instruction, context, response, category``; context -> input.
* ``firefly`` (firefly-train-1.1M): ``kind, input, target``; ``input`` is the whole prompt.
* ``coig`` (BAAI/COIG and its successors), single-turn: exam and value-alignment files ``textbox_q_instruction,
  textbox_q_context, textbox_question, textbox_answer, textbox_answer_analysis`` (the answer is the analysis when
  there is one, as COIG's own loader does); translated files ``trans_instruction, trans_input, trans_output``
  (the Chinese side); COIG-PC / COIG-CQIA ``instruction, input, output, task_type: {major, minor}``.
* ``coig_chat``: COIG's loader shape ``{instruction, conversations: [{question, answer}]}`` and the
  counterfactual-correction files ``{round_0: {response: "<JSON {Q, A}>"}, ...}``.
* ``belle_multiturn`` (BelleGroup/multiturn_chat_0.8M): ``instruction`` holds ``Human: … Assistant: …`` history
  ending in ``Assistant:``, ``output`` the last answer. (BELLE's other files are Alpaca or ShareGPT already.)
* ``moss`` (moss-003-sft-data ``chat: {turn_1: {Human, MOSS, ...}}``, moss-002 ``plain_text``): see ``chatlogs``.
* ``glaive`` (glaive-function-calling-v2 ``system`` + ``chat``): see ``chatlogs``.
* ``oasst`` (OpenAssistant oasst1/oasst2 message rows or tree export): see ``oasst``.

``task_type`` is set only where a published category clearly matches one of ours
(``data/open_task_types.json``); otherwise it is left for the classifier.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Callable

from .chatlogs import belle_messages, glaive_record, moss_messages
from .errors import InputError, json_type
from .oasst import is_oasst, oasst_conversations

Record = tuple[int, dict[str, Any]]

#: Open formats and the core format their records become.
OPEN_FORMATS: dict[str, str] = {
    "dolly": "alpaca", "firefly": "alpaca", "coig": "alpaca", "coig_chat": "openai",
    "belle_multiturn": "openai", "moss": "openai", "glaive": "openai", "oasst": "openai",
}

OPEN_HINTS: dict[str, str] = {
    "dolly": "{instruction, context, response, category}",
    "firefly": "{kind, input, target}",
    "coig": "{textbox_q_instruction, textbox_question, textbox_answer} | {trans_instruction, trans_output} | "
            "{instruction, output, task_type:{major}}",
    "coig_chat": "{instruction, conversations:[{question, answer}]}",
    "belle_multiturn": "{instruction: 'Human: … Assistant:', output}",
    "moss": "{chat:{turn_1:{Human, MOSS}}} | {plain_text}",
    "glaive": "{system, chat: 'USER: … ASSISTANT: …'}",
    "oasst": "{message_id, parent_id, role, text, lang} rows | {message_tree_id, prompt:{…, replies}}",
}

_HISTORY = re.compile(r"^\s*Human\s*[:：]")
_ROUND = re.compile(r"round_\d+$")


class OpenRecordError(ValueError):
    """A record of an open format that cannot be converted (the caller adds path and line)."""


@lru_cache(maxsize=1)
def task_type_maps() -> dict[str, dict[str, str]]:
    """Published category names -> our task types, per dataset (``data/open_task_types.json``)."""
    text = resources.files(__package__).joinpath("data", "open_task_types.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def mapped_type(dataset: str, category: Any) -> str | None:
    if not isinstance(category, str):
        return None
    return task_type_maps()[dataset].get(category.strip())


def detect_open_format(rec: dict[str, Any]) -> str | None:
    """The open format of one record from its keys; None when it is none of them."""
    keys = set(rec)
    if is_oasst(rec):
        return "oasst"
    if {"instruction", "response"} <= keys and "output" not in keys:
        return "dolly"
    if {"kind", "input", "target"} <= keys:
        return "firefly"
    if isinstance(rec.get("chat"), dict) or isinstance(rec.get("plain_text"), str):
        return "moss"
    if isinstance(rec.get("chat"), str):
        return "glaive"
    if "textbox_question" in keys or "trans_instruction" in keys:
        return "coig"
    if "instruction" in keys and "output" in keys and isinstance(rec.get("task_type"), dict):
        return "coig"
    turns = rec.get("conversations")
    if isinstance(turns, list) and turns and isinstance(turns[0], dict) and "question" in turns[0]:
        return "coig_chat"
    if any(_ROUND.match(str(k)) for k in keys) and all(_ROUND.match(str(k)) or k == "id" for k in keys):
        return "coig_chat"
    if "output" in keys and isinstance(rec.get("instruction"), str) and _HISTORY.match(rec["instruction"]) \
            and re.search(r"Assistant\s*[:：]", rec["instruction"]):
        return "belle_multiturn"
    return None


# --------------------------------------------------------------------------- field helpers


def _text(rec: dict[str, Any], key: str, *, required: bool = True) -> str:
    if key not in rec or rec[key] is None:
        if required:
            raise OpenRecordError(f"field '{key}' is missing")
        return ""
    value = rec[key]
    if not isinstance(value, str):
        raise OpenRecordError(f"field '{key}' must be a string, got {json_type(value)}")
    return value


def _rest(rec: dict[str, Any], consumed: set[str]) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if k not in consumed}


def _alpaca(rec: dict[str, Any], consumed: set[str], instruction: str, input: str, output: str,
            task_type: str | None) -> dict[str, Any]:
    out = _rest(rec, consumed | {"task_type"})
    out.update(instruction=instruction, input=input, output=output)
    if task_type:
        out["task_type"] = task_type
    return out


def _chat(rec: dict[str, Any], consumed: set[str], messages: list[dict[str, Any]], task_type: str | None = None,
          **extra: Any) -> dict[str, Any]:
    if not any(m["role"] == "user" for m in messages):
        raise OpenRecordError("the conversation has no user turn")
    if not any(m["role"] == "assistant" and m.get("content") for m in messages):
        raise OpenRecordError("the conversation has no assistant answer")
    out = _rest(rec, consumed | {"task_type", "messages"})
    out["messages"] = messages
    out.update({k: v for k, v in extra.items() if v is not None})
    if task_type:
        out["task_type"] = task_type
    return out


# --------------------------------------------------------------------------- single-turn converters


def _dolly(rec: dict[str, Any]) -> dict[str, Any]:
    instruction = _text(rec, "instruction")
    return _alpaca(rec, {"instruction", "context", "response"}, instruction, _text(rec, "context", required=False),
                   _text(rec, "response"), mapped_type("dolly", rec.get("category")))


def _firefly(rec: dict[str, Any]) -> dict[str, Any]:
    return _alpaca(rec, {"input", "target"}, _text(rec, "input"), "", _text(rec, "target"),
                   mapped_type("firefly", rec.get("kind")))


def _coig_major(value: Any) -> str | None:
    major = value.get("major") if isinstance(value, dict) else None
    names = major if isinstance(major, list) else [major]
    for name in names:
        found = mapped_type("coig", name)
        if found:
            return found
    return None


def _coig(rec: dict[str, Any]) -> dict[str, Any]:
    if "textbox_question" in rec:
        head = _text(rec, "textbox_q_instruction", required=False).strip()
        body = "\n".join(p for p in (_text(rec, "textbox_q_context", required=False).strip(),
                                     _text(rec, "textbox_question").strip()) if p)
        analysis = _text(rec, "textbox_answer_analysis", required=False)
        answer = analysis if analysis.strip() else _text(rec, "textbox_answer")
        consumed = {"textbox_q_instruction", "textbox_q_context", "textbox_question", "textbox_answer",
                    "textbox_answer_analysis"}
        return _alpaca(rec, consumed, head or body, body if head else "", answer, None)
    if "trans_instruction" in rec:
        consumed = {"instruction", "input", "output", "trans_instruction", "trans_input", "trans_output"}
        out = _alpaca(rec, consumed, _text(rec, "trans_instruction"), _text(rec, "trans_input", required=False),
                      _text(rec, "trans_output"), None)
        out.update({f"source_{k}": rec[k] for k in ("instruction", "input", "output") if k in rec})
        return out
    out = _alpaca(rec, {"instruction", "input", "output"}, _text(rec, "instruction"),
                  _text(rec, "input", required=False), _text(rec, "output"), _coig_major(rec.get("task_type")))
    if isinstance(rec.get("task_type"), dict):
        out["coig_task_type"] = rec["task_type"]
    return out


def _coig_pairs(rec: dict[str, Any]) -> list[tuple[str, str]]:
    if isinstance(rec.get("conversations"), list):
        pairs = []
        for i, turn in enumerate(rec["conversations"]):
            if not isinstance(turn, dict):
                raise OpenRecordError(f"field 'conversations[{i}]' must be an object, got {json_type(turn)}")
            q, a = turn.get("question"), turn.get("answer")
            if not isinstance(q, str) or not isinstance(a, str):
                raise OpenRecordError(f"field 'conversations[{i}]' needs string 'question' and 'answer'")
            pairs.append((q, a))
        return pairs
    pairs = []
    for key in sorted((k for k in rec if _ROUND.match(str(k))), key=lambda k: int(str(k)[6:])):
        try:
            round_ = rec[key]["response"]
            qa = json.loads(round_) if isinstance(round_, str) else round_
            pairs.append((qa["Q"], qa["A"]))
        except (TypeError, KeyError, ValueError):
            raise OpenRecordError(f"field '{key}.response' is not a JSON object with Q and A") from None
        if not isinstance(pairs[-1][0], str) or not isinstance(pairs[-1][1], str):
            raise OpenRecordError(f"field '{key}.response' needs string Q and A")
    return pairs


def _coig_chat(rec: dict[str, Any]) -> dict[str, Any]:
    pairs = _coig_pairs(rec)
    if not pairs:
        raise OpenRecordError("the conversation is empty")
    head = rec.get("instruction") if isinstance(rec.get("instruction"), str) else ""
    messages: list[dict[str, Any]] = []
    for i, (q, a) in enumerate(pairs):
        q = f"{head.strip()}\n\n{q}" if i == 0 and head.strip() else q
        messages += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    consumed = {"instruction", "conversations"} | {k for k in rec if _ROUND.match(str(k))}
    return _chat(rec, consumed, messages)


def _belle(rec: dict[str, Any]) -> dict[str, Any]:
    messages = belle_messages(_text(rec, "instruction"), _text(rec, "input", required=False), _text(rec, "output"))
    return _chat(rec, {"instruction", "input", "output"}, messages)


def _moss(rec: dict[str, Any]) -> dict[str, Any]:
    messages = moss_messages(rec)
    consumed = {"chat", "plain_text", "meta_instruction", "num_turns", "conversation_id"}
    ident = rec.get("conversation_id", rec.get("id"))
    return _chat(rec, consumed | {"id"}, messages, mapped_type("moss", rec.get("category")),
                 id=ident if isinstance(ident, (str, int)) and not isinstance(ident, bool) else None)


def _glaive(rec: dict[str, Any]) -> dict[str, Any]:
    messages, tools = glaive_record(rec.get("system"), _text(rec, "chat"))
    return _chat(rec, {"system", "chat"}, messages, tools=tools or None)


_ROW_CONVERTERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "dolly": _dolly, "firefly": _firefly, "coig": _coig, "coig_chat": _coig_chat, "belle_multiturn": _belle,
    "moss": _moss, "glaive": _glaive,
}


def convert_row(rec: dict[str, Any], name: str) -> dict[str, Any]:
    """One record of open format ``name`` in its core shape. Raises OpenRecordError (also for an error the
    chat-log parsers raise as ValueError)."""
    try:
        return _ROW_CONVERTERS[name](rec)
    except OpenRecordError:
        raise
    except ValueError as e:
        raise OpenRecordError(str(e)) from None


def convert_records(path: Any, name: str, records: list[Record]) -> tuple[str, list[Record]]:
    """All records of open format ``name`` in their core format: (core format name, records). A bad record
    raises InputError naming the file and its line. OpenAssistant message rows are assembled into
    conversations (see ``oasst``); each keeps the line of its first message."""
    core = OPEN_FORMATS[name]
    if name == "oasst":
        try:
            converted = oasst_conversations(records)
        except InputError as e:
            raise InputError(path, e.line, e.message) from None
        if not converted:
            raise InputError(path, None, "no OpenAssistant conversation in zh or en with an answer (deleted and "
                                         "review-failed messages are skipped)")
        return core, converted
    out: list[Record] = []
    for line, rec in records:
        try:
            out.append((line, convert_row(rec, name)))
        except OpenRecordError as e:
            raise InputError(path, line, f"{name} record: {e}") from None
    return core, out
