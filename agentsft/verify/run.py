"""The ``agentsft verify`` engine: check every trace of a file, write the kept rows and the rejects.

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

from ..io.records import is_json_array, parse_records, read_text
from ..io.toolformats import TRACE_FORMATS, detect_trace_format, to_trace
from ..io.writers import write_atomic
from ..schema import Reason, Stage
from .traces import TraceCheck, verify_trace

__all__ = ["VerifySummary", "verify_file", "verify_record"]


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

    @property
    def consistent(self) -> bool:
        return self.total == self.kept + self.rejected and sum(self.by_reason.values()) == self.rejected

    def add(self, fmt: str, check: TraceCheck) -> None:
        self.total += 1
        self.by_format[fmt] += 1
        self.calls += check.checks.get("calls", 0)
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
                "consistent": self.consistent}

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
        if self.no_final:
            lines.append(f"kept with no final answer to check (e.g. xLAM rows): {self.no_final}")
        if not self.consistent:
            lines.append("WARNING: counts do not add up (total != kept + rejected)")
        return "\n".join(lines)


def verify_record(rec: dict[str, Any], fmt: str, registry: Any, reference: str | None = None) -> tuple[str, TraceCheck]:
    """(format, check) of one raw record; ``fmt`` may be "auto". A record that cannot be read as a trace gets a
    failed TRACE_UNPARSABLE check."""
    name = detect_trace_format(rec) if fmt == "auto" else fmt
    if name is None:
        return "unknown", TraceCheck(False, Reason.TRACE_UNPARSABLE,
                                     f"not a tool trace in any known format ({', '.join(TRACE_FORMATS)})")
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

    ``fmt`` is "auto" (per record) or one of ``TRACE_FORMATS``; ``registry`` defaults to
    ``agentsft.tools.registry.default_registry()``; with ``reference_key``, a record's string field of that name
    is its reference expression. Raises InputError for an unreadable file, ValueError for an unknown format.
    """
    if fmt != "auto" and fmt not in TRACE_FORMATS:
        raise ValueError(f"unknown trace format {fmt!r}; choose one of: auto, {', '.join(TRACE_FORMATS)}")
    text = read_text(in_path)
    records = parse_records(in_path, text)
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
