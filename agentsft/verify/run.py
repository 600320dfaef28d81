"""The ``agentsft verify`` engine: check every trace of a file, write the kept rows and the rejects.

Two kinds of record are verified. A tool-use trace (OpenAI ``messages`` with tool calls, ShareGPT with
``function_call`` / ``observation`` turns, xLAM, or any record that lists ``tools``) goes to ``traces.verify_trace``.
A record with no tool at all that holds a reasoning sample goes to ``cot.check_chain``: the Alpaca ``output``
(also this project's samples with ``instruction`` + ``output``), the last assistant turn of ShareGPT
``conversations`` / OpenAI ``messages`` (an OpenAI ``reasoning_content`` field is read as a ``<think>`` block
before the content). With ``fmt="auto"`` such a text is checked as a chain when it looks like one
(``cot.is_reasoning``: a ``<think>`` block, a final-answer marker, a calculator annotation or an arithmetic claim);
otherwise the record stays on the trace path as before (a plain chat with no tool is TOOL_NOT_USED, a record of
no known format TRACE_UNPARSABLE). ``fmt="cot"`` checks every record as a reasoning sample (a record with no
answer text is TRACE_UNPARSABLE). Reasoning records are counted under the formats ``cot:alpaca``,
``cot:sharegpt``, ``cot:openai``; with ``reference_key`` their final answer must equal the reference (an answer
such as ``72`` / ``1.5万``, or an expression for the calculator), else REFERENCE_MISMATCH.

Kept rows are the input records unchanged, in the input's own format and container (a JSON array file gives a
JSON array, JSON lines give JSON lines). Rejects are JSON lines ``{"line", "stage": "verify", "reason",
"detail", "record"}``. Both files are written atomically, after every record is checked. A record of no known
trace format, or one that cannot be read as its format, is a TRACE_UNPARSABLE reject; an unreadable file raises
``InputError`` from the reader.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..io.records import is_json_array, open_records, parse_records, read_text
from ..io.toolformats import TRACE_FORMATS, detect_trace_format, to_trace
from ..io.writers import write_atomic
from ..schema import Reason, Stage
from .cot import ChainCheck, check_chain, is_reasoning, same_answer
from .traces import TraceCheck, message_text, verify_trace

__all__ = ["VerifySummary", "verify_file", "verify_record", "reasoning_text", "VERIFY_FORMATS"]

#: Accepted ``fmt`` values besides "auto": the trace formats and "cot" (every record is a reasoning sample).
VERIFY_FORMATS: tuple[str, ...] = TRACE_FORMATS + ("cot",)


@dataclass
class VerifySummary:
    """Counts of one ``verify_file`` run."""

    total: int = 0
    kept: int = 0
    rejected: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)
    by_format: Counter[str] = field(default_factory=Counter)
    not_reexecuted: int = 0  # kept traces with at least one call that could not be run again
    not_reexecuted_tools: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    reexecuted: int = 0
    no_final: int = 0  # kept traces with no final answer to check (xLAM rows)
    chains: int = 0  # reasoning samples checked as chains
    chain_steps: int = 0  # arithmetic claims found in them
    chain_steps_checked: int = 0  # of which recomputed

    @property
    def consistent(self) -> bool:
        return self.total == self.kept + self.rejected and sum(self.by_reason.values()) == self.rejected

    def add(self, fmt: str, check: TraceCheck) -> None:
        self.total += 1
        self.by_format[fmt] += 1
        self.calls += check.checks.get("calls", 0)
        if check.checks.get("kind") == "cot":
            self.chains += 1
            self.chain_steps += check.checks.get("steps_total", 0)
            self.chain_steps_checked += check.checks.get("steps_checked", 0)
        self.reexecuted += check.checks.get("reexecuted", 0)
        if check.ok:
            self.kept += 1
            missed = check.checks.get("not_reexecuted") or []
            self.not_reexecuted += bool(missed)
            self.not_reexecuted_tools.update(missed)
            self.no_final += check.checks.get("final") == "n/a"
        else:
            self.rejected += 1
            self.by_reason[check.reason.value if check.reason else "unknown"] += 1

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "kept": self.kept, "rejected": self.rejected,
                "by_reason": dict(self.by_reason), "by_format": dict(self.by_format),
                "not_reexecuted": self.not_reexecuted, "not_reexecuted_tools": dict(self.not_reexecuted_tools),
                "calls": self.calls, "reexecuted": self.reexecuted, "no_final": self.no_final,
                "chains": self.chains, "chain_steps": self.chain_steps,
                "chain_steps_checked": self.chain_steps_checked, "consistent": self.consistent}

    def format(self) -> str:
        """A few lines for the terminal."""
        formats = ", ".join(f"{k} {v}" for k, v in sorted(self.by_format.items())) or "none"
        lines = [f"verified {self.total} traces ({formats}): kept {self.kept}, rejected {self.rejected}",
                 f"tool calls {self.calls}, re-executed {self.reexecuted}"]
        for reason, n in self.by_reason.most_common():
            lines.append(f"  {reason:<22} {n}")
        if self.not_reexecuted:
            tools = ", ".join(f"{k} ×{v}" for k, v in self.not_reexecuted_tools.most_common(5))
            lines.append(f"kept but not re-executed: {self.not_reexecuted} traces (tools: {tools})")
        if self.chains:
            share = self.chain_steps_checked / self.chain_steps if self.chain_steps else 0.0
            lines.append(f"reasoning chains {self.chains}: arithmetic steps {self.chain_steps}, recomputed "
                         f"{self.chain_steps_checked} ({100 * share:.0f} %)")
        if self.no_final:
            lines.append(f"kept with no final answer to check (e.g. xLAM rows): {self.no_final}")
        if not self.consistent:
            lines.append("WARNING: counts do not add up (total != kept + rejected)")
        return "\n".join(lines)


def _listed_tools(rec: dict[str, Any]) -> bool:
    tools = rec.get("tools")
    if isinstance(tools, str):
        return tools.strip() not in ("", "[]", "null")
    return bool(tools)


def _has_tools(rec: dict[str, Any]) -> bool:
    """The record lists tools or holds a tool call or a tool result: a tool-use trace."""
    if _listed_tools(rec) or ("query" in rec and "answers" in rec):
        return True
    for turn in rec.get("conversations") or []:
        if isinstance(turn, dict) and turn.get("from") in ("function_call", "observation", "tool"):
            return True
    for msg in rec.get("messages") or []:
        if isinstance(msg, dict) and (msg.get("tool_calls") or msg.get("function_call")
                                      or msg.get("role") in ("tool", "function")):
            return True
    return False


def _last_assistant(turns: Any, role_key: str, content_key: str, roles: tuple[str, ...]) -> dict[str, Any] | None:
    if not isinstance(turns, list):
        return None
    found = [t for t in turns if isinstance(t, dict) and t.get(role_key) in roles]
    return found[-1] if found else None


def reasoning_text(rec: dict[str, Any]) -> tuple[str, str] | None:
    """(format, answer text) of a record that holds a reasoning sample and no tool; None otherwise."""
    if not isinstance(rec, dict) or _has_tools(rec):
        return None
    if isinstance(rec.get("output"), str) and "instruction" in rec:
        return "alpaca", rec["output"]
    turn = _last_assistant(rec.get("conversations"), "from", "value", ("gpt", "assistant"))
    if turn is not None and isinstance(turn.get("value"), str):
        return "sharegpt", turn["value"]
    msg = _last_assistant(rec.get("messages"), "role", "content", ("assistant",))
    if msg is not None:
        text = message_text(msg.get("content"))
        thinking = msg.get("reasoning_content")
        if isinstance(thinking, str) and thinking.strip():
            text = f"<think>{thinking}</think>\n{text}"
        return "openai", text
    return None


def _reference_agrees(check: ChainCheck, reference: str) -> bool:
    """The chain's final answer equals the reference answer, or the value of the reference expression."""
    if check.answer is None:
        return False
    if same_answer(check.answer, reference):
        return True
    from ..tools.calculator import calculate
    from .numbers import as_fraction

    result = calculate(reference)
    return bool(result.ok and check.answer.value is not None and as_fraction(result.value) == check.answer.value)


def verify_chain(text: str, reference: str | None = None) -> TraceCheck:
    """One reasoning sample checked as a chain, as a TraceCheck (``checks["kind"] == "cot"``)."""
    check = check_chain(text)
    summary = {"kind": "cot", **{k: v for k, v in check.to_dict().items() if k not in ("ok", "reason", "detail")}}
    if check.ok and reference is not None and not _reference_agrees(check, reference):
        return TraceCheck(False, Reason.REFERENCE_MISMATCH,
                          f"final answer {check.answer.text if check.answer else None!r} != reference {reference!r}",
                          summary)
    return TraceCheck(check.ok, check.reason, check.detail, summary)


def verify_record(rec: dict[str, Any], fmt: str, registry: Any, reference: str | None = None) -> tuple[str, TraceCheck]:
    """(format, check) of one raw record; ``fmt`` may be "auto" or "cot". A record that cannot be read as a
    trace (or, with "cot", holds no answer text) gets a failed TRACE_UNPARSABLE check."""
    if fmt in ("auto", "cot"):
        found = reasoning_text(rec)
        if found is not None and (fmt == "cot" or is_reasoning(found[1])):
            return f"cot:{found[0]}", verify_chain(found[1], reference)
        if fmt == "cot":
            return "unknown", TraceCheck(False, Reason.TRACE_UNPARSABLE,
                                         "not a reasoning sample (no Alpaca output, no assistant turn)")
    name = detect_trace_format(rec) if fmt == "auto" else fmt
    if name is None:
        return "unknown", TraceCheck(False, Reason.TRACE_UNPARSABLE,
                                     f"not a tool trace in any known format ({', '.join(TRACE_FORMATS)}) "
                                     "nor a reasoning sample")
    try:
        trace = to_trace(rec, name)
        return name, verify_trace(trace, registry, reference=reference)
    except (ValueError, RecursionError) as e:
        return name, TraceCheck(False, Reason.TRACE_UNPARSABLE, str(e)[:300])
    except Exception as e:  # noqa: BLE001 - one hostile record must not stop a whole file
        return name, TraceCheck(False, Reason.TRACE_UNPARSABLE, f"unreadable record ({type(e).__name__})")


def _default_registry() -> Any:
    from ..tools.registry import default_registry

    return default_registry()


def _reference(rec: dict[str, Any], key: str | None) -> str | None:
    value = rec.get(key) if key else None
    return value if isinstance(value, str) and value.strip() else None


def verify_file(in_path: str | os.PathLike[str], out_path: str | os.PathLike[str],
                rejects_path: str | os.PathLike[str], *, fmt: str = "auto", registry: Any = None,
                reference_key: str | None = None) -> VerifySummary:
    """Verify every record of ``in_path``; write kept records to ``out_path`` and rejects to ``rejects_path``.

    ``fmt`` is "auto" (per record), one of ``TRACE_FORMATS``, or "cot" (reasoning samples); ``registry`` defaults to
    ``agentsft.tools.registry.default_registry()``; with ``reference_key``, a record's string field of that name
    is its reference expression. Raises InputError for an unreadable file, ValueError for an unknown format.
    """
    if fmt != "auto" and fmt not in VERIFY_FORMATS:
        raise ValueError(f"unknown trace format {fmt!r}; choose one of: auto, {', '.join(VERIFY_FORMATS)}")
    text = read_text(in_path)
    records = open_records(in_path, parse_records(in_path, text))  # glaive, MOSS... read as OpenAI records
    registry = registry if registry is not None else _default_registry()
    summary = VerifySummary()
    kept: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    for line, rec in records:
        name, check = verify_record(rec, fmt, registry, _reference(rec, reference_key))
        summary.add(name, check)
        if check.ok:
            kept.append(rec)
        else:
            rejects.append({"line": line, "stage": Stage.VERIFY.value,
                            "reason": check.reason.value if check.reason else "unknown",
                            "detail": check.detail, "record": rec})
    if is_json_array(text):
        write_atomic(out_path, [json.dumps(kept, ensure_ascii=False, indent=2) + "\n"])
    else:
        write_atomic(out_path, (json.dumps(r, ensure_ascii=False) + "\n" for r in kept))
    write_atomic(rejects_path, (json.dumps(r, ensure_ascii=False) + "\n" for r in rejects))
    return summary
