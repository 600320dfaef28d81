"""LLaMA-Factory export: data files plus their ``dataset_info.json`` entries (LLaMA-Factory's data/README.md).

One export writes up to **two** files, because LLaMA-Factory reads one formatting per dataset entry and each kind
of sample has its natural one:

* ``NAME.jsonl`` — text samples (single-turn and multi-turn), **alpaca** formatting: ``instruction``, ``input``,
  ``output``, ``system``, ``history`` (earlier ``[user, assistant]`` pairs); the entry maps ``prompt``, ``query``,
  ``response``, ``system`` and ``history`` columns. Every row has every column (``""`` / ``[]`` when unused).
* ``NAME_tools.jsonl`` — samples with tool calls, **sharegpt** formatting: ``conversations`` of ``human`` /
  ``gpt`` / ``function_call`` / ``observation`` turns, ``system`` and ``tools`` (a JSON string); the entry names
  the ``messages``, ``system`` and ``tools`` columns and the tags.

A file is written only when it has rows. Train on both with ``dataset: NAME,NAME_tools``.
Reasoning samples (made by the ``cot`` stage: ``verification["cot"]``) get their chain in a ``<think>…</think>``
block before the answer, the shape LLaMA-Factory's reasoning templates (``enable_thinking``) train on; a chain that
already has ``<think>`` is kept as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..schema import Message, Sample, trace_of
from ..verify.answers import marked_segment
from .errors import InputError
from .toolformats import from_trace
from .writers import write_atomic

ALPACA_COLUMNS = {"prompt": "instruction", "query": "input", "response": "output", "system": "system",
                  "history": "history"}
_THINK = re.compile(r"<think>", re.I)
_ODD, _EVEN = ("human", "observation"), ("gpt", "function_call")


def alpaca_entry(file_name: str) -> dict[str, Any]:
    """The ``dataset_info.json`` entry of a file of our alpaca rows."""
    return {"file_name": file_name, "formatting": "alpaca", "columns": dict(ALPACA_COLUMNS)}


def think_format(text: str) -> str:
    """A reasoning chain as ``<think>\\nCHAIN\\n</think>\\n\\nANSWER``: the answer is the last line holding a
    final-answer marker (答案：…, ``#### …``, Final answer: …) and what follows it, else the last line."""
    if not text or _THINK.search(text):
        return text
    lines = text.strip().splitlines()
    cut = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip() and marked_segment(lines[i])), None)
    if cut is None:
        cut = max(i for i, line in enumerate(lines) if line.strip())
    chain, answer = "\n".join(lines[:cut]).strip(), "\n".join(lines[cut:]).strip()
    return f"<think>\n{chain}\n</think>\n\n{answer}" if chain else text


def is_reasoning(s: Sample) -> bool:
    return "cot" in s.verification


def has_tools(s: Sample) -> bool:
    return any(m.tool_calls or m.role == "tool" for m in s.messages)


def _system(s: Sample) -> tuple[str, list[Message]]:
    system = [m for m in s.messages if m.role == "system"]
    return (system[0].content or "" if system else ""), [m for m in s.messages if m.role != "system"]


def text_row(s: Sample) -> tuple[dict[str, Any] | None, str]:
    """A text sample as an alpaca row with ``system`` and ``history``, or (None, why not)."""
    system, turns = _system(s)
    roles = [m.role for m in turns]
    if len(turns) < 2 or roles != ["user", "assistant"] * (len(turns) // 2) or len(turns) % 2:
        return None, "turns do not alternate user, assistant (alpaca history needs pairs)"
    if sum(m.role == "system" for m in s.messages) > 1 or (s.messages[0].role != "system" and system):
        return None, "a system message inside the conversation (alpaca has one system prompt)"
    texts = [m.content or "" for m in turns]
    if is_reasoning(s):
        texts = [think_format(t) if i % 2 else t for i, t in enumerate(texts)]
    history = [[texts[i], texts[i + 1]] for i in range(0, len(texts) - 2, 2)]
    if len(turns) == 2 and s.input_start:  # the instruction view: instruction and input apart
        prompt, query = s.instruction, s.input
    else:
        prompt, query = texts[-2], ""
    return {"instruction": prompt, "input": query, "output": texts[-1], "system": system, "history": history}, ""


def tool_row(s: Sample) -> tuple[dict[str, Any] | None, str]:
    """A tool-call sample as a sharegpt row (conversations, system, tools), or (None, why not)."""
    rec = from_trace(trace_of(s.messages, s.tools), "sharegpt")
    tags = [t["from"] for t in rec["conversations"]]
    if any(tag not in (_ODD, _EVEN)[i % 2] for i, tag in enumerate(tags)) or len(tags) % 2:
        return None, "turns do not alternate human/observation with gpt/function_call (LLaMA-Factory sharegpt)"
    return {"conversations": rec["conversations"], "system": rec.get("system", ""),
            "tools": rec.get("tools", "[]")}, ""


def read_dataset_info(folder: Path) -> dict[str, Any]:
    """The datasets ``folder/dataset_info.json`` lists ({} when there is none); a broken one is an InputError."""
    info = folder / "dataset_info.json"
    try:
        current = json.loads(info.read_text(encoding="utf-8")) if info.exists() else {}
    except ValueError:
        raise InputError(info, None, "exists but is not valid JSON; fix or remove it") from None
    if not isinstance(current, dict):
        raise InputError(info, 1, "exists but is not a JSON object of datasets")
    return current


def merge_dataset_info(folder: Path, entries: dict[str, dict[str, Any]]) -> Path:
    """Add (or replace) ``entries`` in ``folder/dataset_info.json``, keeping every other dataset listed there."""
    current = read_dataset_info(folder)
    current.update(entries)
    info = folder / "dataset_info.json"
    write_atomic(info, [json.dumps(current, ensure_ascii=False, indent=2) + "\n"])
    return info


def tools_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}_tools{out.suffix or '.jsonl'}")


def build_rows(samples: list[Sample]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    """(text rows, tool rows, skipped reason -> count)."""
    text, tools, skipped = [], [], {}
    for s in samples:
        row, why = tool_row(s) if has_tools(s) else text_row(s)
        if row is None:
            skipped[why] = skipped.get(why, 0) + 1
        else:
            (tools if has_tools(s) else text).append(row)
    return text, tools, skipped
