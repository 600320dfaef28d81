"""Exports: a run's samples (or a samples file) as training files. Every format is a mapping of the conversation
record: ``alpaca`` (the instruction/input/output view, single-turn samples), ``openai`` (fine-tuning JSONL with
``messages`` and ``tools``), ``sharegpt`` (LLaMA-Factory: ``conversations`` with function_call/observation
turns and ``tools`` as a JSON string, plus its ``dataset_info.json`` entry) and ``xlam`` (query, tools,
answers; tool-call samples only).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..schema import Sample, trace_of
from .errors import InputError
from .toolformats import dataset_info_entry, from_trace
from .writers import write_atomic, write_jsonl

EXPORT_FORMATS = ("openai", "sharegpt", "xlam", "alpaca")


@dataclass
class ExportSummary:
    written: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # why -> count
    extra_files: list[str] = field(default_factory=list)


def load_samples(src: str | os.PathLike[str]) -> list[Sample]:
    """Samples of a run directory (its samples.jsonl) or of a samples file; bad lines name file and line."""
    path = Path(src)
    if path.is_dir():
        path = path / "samples.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, None, f"cannot read samples: {exc.strerror or exc}") from None
    samples = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            samples.append(Sample.model_validate(json.loads(line)))
        except ValueError as exc:
            raise InputError(path, no, f"not an agentsft sample: {str(exc).splitlines()[0]}") from None
    return samples


def _has_calls(s: Sample) -> bool:
    return any(m.tool_calls for m in s.messages)


def export_record(s: Sample, fmt: str) -> tuple[dict[str, Any] | None, str]:
    """One sample in ``fmt``, or (None, why it cannot be expressed there)."""
    if fmt == "alpaca":  # multi-turn text: the last exchange with the earlier ones as `history` (LLaMA-Factory)
        if _has_calls(s) or any(m.role == "tool" for m in s.messages):
            return None, "not single-turn text (tool calls or several turns)"
        turns = [m for m in s.messages if m.role != "system"]
        if sum(m.role == "user" for m in turns) <= 1:
            return {"instruction": s.instruction, "input": s.input, "output": s.output}, ""
        if [m.role for m in turns] != ["user", "assistant"] * (len(turns) // 2) or len(turns) % 2:
            return None, "turns do not alternate user, assistant (Alpaca history needs pairs)"
        pairs = [[turns[i].content or "", turns[i + 1].content or ""] for i in range(0, len(turns), 2)]
        rec = {"instruction": pairs[-1][0], "input": "", "output": pairs[-1][1], "history": pairs[:-1]}
        system = [m.content for m in s.messages if m.role == "system" and m.content]
        return ({**rec, "system": system[0]} if system else rec), ""
    if fmt == "xlam" and not _has_calls(s):
        return None, "no tool call (xLAM holds tool calls only)"
    if fmt == "xlam" and sum(1 for m in s.messages if m.tool_calls) > 1:
        return None, "calls in several turns (xLAM calls all come from the query; later ones would use results)"
    rec = from_trace(trace_of(s.messages, s.tools), fmt)
    if fmt == "openai" and not s.tools:
        rec.pop("tools", None)
    return rec, ""


def add_dataset_info(data_file: Path) -> Path:
    """Add (or replace) this file's entry in ``dataset_info.json`` beside it, keeping the other datasets
    LLaMA-Factory's data folder lists there."""
    info = data_file.parent / "dataset_info.json"
    try:
        entries = json.loads(info.read_text(encoding="utf-8")) if info.exists() else {}
    except ValueError:
        raise InputError(info, None, "exists but is not valid JSON; fix or remove it") from None
    if not isinstance(entries, dict):
        raise InputError(info, 1, "exists but is not a JSON object of datasets")
    entries[data_file.stem] = dataset_info_entry(data_file.name)
    write_atomic(info, [json.dumps(entries, ensure_ascii=False, indent=2) + "\n"])
    return info


def export_samples(samples: list[Sample], out: str | os.PathLike[str], fmt: str) -> ExportSummary:
    """Write ``samples`` in ``fmt`` to ``out`` atomically; ``sharegpt`` also writes ``dataset_info.json``."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    summary, records = ExportSummary(), []
    for s in samples:
        rec, why = export_record(s, fmt)
        if rec is None:
            summary.skipped[why] = summary.skipped.get(why, 0) + 1
        else:
            records.append(rec)
    summary.written = write_jsonl(out, records)
    if fmt == "sharegpt":
        summary.extra_files.append(str(add_dataset_info(Path(out))))
    return summary
