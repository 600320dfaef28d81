"""Exports: a run's samples (or a samples file) as training files. Every format is a mapping of the conversation
record: ``alpaca`` (the instruction/input/output view; dialogues with ``history``), ``openai`` (fine-tuning JSONL
with ``messages`` and ``tools``; every record passes ``openai_check``, a sample that would not is skipped with the
reason), ``sharegpt`` (LLaMA-Factory's sharegpt tool format: ``conversations`` with function_call/observation
turns and ``tools`` as a JSON string, plus its ``dataset_info.json`` entry), ``llamafactory`` (alpaca rows for
text, sharegpt rows for tool calls, two files and their ``dataset_info.json`` entries: ``export_llamafactory``),
``xlam`` (query, tools, answers; tool-call samples only) and ``hf`` (parquet + ``save_to_disk`` + a dataset card:
``hfexport``). ``run_export`` applies the sample filters (``export_filters``) first.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..schema import Sample, trace_of
from . import export_llamafactory as lf
from .errors import InputError
from .export_filters import SampleFilter
from .openai_check import check_example
from .toolformats import dataset_info_entry, from_trace
from .writers import write_jsonl

EXPORT_FORMATS = ("openai", "sharegpt", "llamafactory", "xlam", "alpaca", "hf")


@dataclass
class ExportSummary:
    written: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # why -> count
    filtered: dict[str, int] = field(default_factory=dict)  # filter -> samples it left out
    files: list[str] = field(default_factory=list)  # data files written
    extra_files: list[str] = field(default_factory=list)

    def describe(self, fmt: str, out: str | os.PathLike[str]) -> str:
        """One line for the command: what was written where, what was filtered out or skipped and why."""
        where = ", ".join(self.files) or f"nothing (no sample fits {fmt}; {os.fspath(out)} not written)"
        parts = [f"wrote {self.written} records to {where} ({fmt})"]
        parts += [f"filtered out {n}: {why}" for why, n in self.filtered.items()]
        parts += [f"skipped {n}: {why}" for why, n in self.skipped.items()]
        parts += [f"wrote {f}" for f in self.extra_files]
        return " · ".join(parts)


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
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise InputError(path, no, f"not an agentsft sample: {where + ': ' if where else ''}"
                             f"{first.get('msg', 'invalid')}") from None
        except ValueError as exc:
            raise InputError(path, no, f"not valid JSON: {str(exc).splitlines()[0]}") from None
    return samples


def read_manifest(src: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The run manifest beside the samples (a run directory, or its samples.jsonl), or None."""
    path = Path(src)
    manifest = (path if path.is_dir() else path.parent) / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _has_calls(s: Sample) -> bool:
    return any(m.tool_calls for m in s.messages)


def _alpaca(s: Sample) -> tuple[dict[str, Any] | None, str]:
    """The last exchange with the earlier ones as ``history`` (LLaMA-Factory's alpaca), ``system`` when set."""
    if _has_calls(s) or any(m.role == "tool" for m in s.messages):
        return None, "not single-turn text (tool calls or several turns)"
    turns = [m for m in s.messages if m.role != "system"]
    system = [m.content for m in s.messages if m.role == "system" and m.content]
    extra = {"system": system[0]} if system else {}
    if sum(m.role == "user" for m in turns) <= 1:
        return {"instruction": s.instruction, "input": s.input, "output": s.output, **extra}, ""
    if [m.role for m in turns] != ["user", "assistant"] * (len(turns) // 2) or len(turns) % 2:
        return None, "turns do not alternate user, assistant (Alpaca history needs pairs)"
    pairs = [[turns[i].content or "", turns[i + 1].content or ""] for i in range(0, len(turns), 2)]
    return {"instruction": pairs[-1][0], "input": "", "output": pairs[-1][1], "history": pairs[:-1], **extra}, ""


def export_record(s: Sample, fmt: str) -> tuple[dict[str, Any] | None, str]:
    """One sample in ``fmt`` (alpaca, openai, sharegpt, xlam), or (None, why it cannot be expressed there)."""
    if fmt == "alpaca":
        return _alpaca(s)
    if fmt == "xlam" and not _has_calls(s):
        return None, "no tool call (xLAM holds tool calls only)"
    if fmt == "xlam" and sum(1 for m in s.messages if m.tool_calls) > 1:
        return None, "calls in several turns (xLAM calls all come from the query; later ones would use results)"
    rec = from_trace(trace_of(s.messages, s.tools), fmt)
    if fmt == "openai":
        if not s.tools:
            rec.pop("tools", None)
        problems = check_example(rec)
        if problems:
            code, where, message = problems[0]
            return None, f"not a valid OpenAI example ({code}: {where + ': ' if where else ''}{message})"
    return rec, ""


def add_dataset_info(data_file: Path, entry: dict[str, Any] | None = None) -> Path:
    """Add (or replace) this file's entry (default: our sharegpt one) in ``dataset_info.json`` beside it,
    keeping the other datasets LLaMA-Factory's data folder lists there."""
    data_file = Path(data_file)
    return lf.merge_dataset_info(data_file.parent, {data_file.stem: entry or dataset_info_entry(data_file.name)})


def _count(skipped: dict[str, int], why: str, n: int = 1) -> None:
    skipped[why] = skipped.get(why, 0) + n


def _export_llamafactory(samples: list[Sample], out: Path, summary: ExportSummary) -> None:
    lf.read_dataset_info(out.parent)  # a broken dataset_info.json stops the export before anything is written
    text, tools, skipped = lf.build_rows(samples)
    for why, n in skipped.items():
        _count(summary.skipped, why, n)
    entries = {}
    for rows, path, entry in ((text, out, lf.alpaca_entry), (tools, lf.tools_path(out), dataset_info_entry)):
        if rows:
            summary.written += write_jsonl(path, rows)
            summary.files.append(str(path))
            entries[path.stem] = entry(path.name)
    if entries:
        summary.extra_files.append(str(lf.merge_dataset_info(out.parent, entries)))


def export_samples(samples: list[Sample], out: str | os.PathLike[str], fmt: str, *,
                   manifest: dict[str, Any] | None = None, license: str = "unknown", source: str = "",
                   filters: str = "") -> ExportSummary:
    """Write ``samples`` in ``fmt`` to ``out`` atomically (``sharegpt`` and ``llamafactory`` also write
    ``dataset_info.json``; ``hf`` writes a folder). ``manifest``, ``license``, ``source`` and ``filters`` go into
    the HF dataset card."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    summary, out = ExportSummary(), Path(out)
    if fmt == "hf":
        from .hfexport import export_hf

        paths = export_hf(samples, out, manifest=manifest, license=license, source=source, filters=filters)
        summary.written, summary.files, summary.extra_files = len(samples), paths[:2], paths[2:]
        return summary
    if fmt == "llamafactory":
        _export_llamafactory(samples, out, summary)
        return summary
    if fmt == "sharegpt":
        lf.read_dataset_info(out.parent)
    records = []
    for s in samples:
        rec, why = export_record(s, fmt)
        if rec is None:
            _count(summary.skipped, why)
        else:
            records.append(rec)
    summary.written = write_jsonl(out, records)
    summary.files.append(str(out))
    if fmt == "sharegpt":
        summary.extra_files.append(str(add_dataset_info(out)))
    return summary


def make_filter(types: list[str] | None = None, lang: str | None = None, min_judge: float | None = None,
                verified_only: bool = False) -> SampleFilter:
    """The sample filter of the export flags; a bad value is a ValueError naming the flag."""
    try:
        return SampleFilter(types=types or [], lang=lang, min_judge=min_judge, verified_only=verified_only)
    except ValidationError as exc:
        err = exc.errors()[0]
        flag = {"types": "--type", "lang": "--lang", "min_judge": "--min-judge"}.get(str(err["loc"][0]), "")
        raise ValueError(f"{flag}: {err['msg']}" + (f" (got {err.get('input')!r})" if "input" in err else "")) from None


def run_export(src: str | os.PathLike[str], out: str | os.PathLike[str], fmt: str,
               sample_filter: SampleFilter | None = None, license: str = "unknown") -> ExportSummary:
    """Load a run's (or a file's) samples, keep those the filter takes, export them in ``fmt``."""
    sample_filter = sample_filter or SampleFilter()
    kept, dropped = sample_filter.select(load_samples(src))
    summary = export_samples(kept, out, fmt, manifest=read_manifest(src), license=license, source=str(src),
                             filters=sample_filter.describe())
    summary.filtered = dropped
    return summary
