"""The stats job: count any dataset we read by language and task type, optionally writing it back typed.

``type_dataset`` reads Alpaca, ShareGPT, OpenAI messages, Self-Instruct or our samples (JSON lines or a JSON
array; a run directory means its ``samples.jsonl``) with the same readers as ``agentsft grow`` and
``agentsft dedup``, gives each record a language and a task type, and ``write_typed`` writes every record back
in its own format and container with two more top-level fields, ``lang`` and ``task_type`` (reading that file
again gives the same records). A record that already carries a valid ``task_type`` keeps it unless
``retype``; ``multi_turn`` is given to dialogues with more than one user turn. Problems raise ``InputError``
naming the file and line, before anything is written.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentsft.io.convert import RecordError, record_to_seed
from agentsft.io.errors import InputError
from agentsft.io.records import is_json_array, load_records, read_text
from agentsft.io.writers import write_atomic
from agentsft.schema import TASK_TYPE_ZH, TaskType
from agentsft.steps.classify import classify_record

SAMPLES = "samples.jsonl"


@dataclass
class TypedDataset:
    """A dataset read and typed: its records (line, raw object) with a (lang, task type) each."""

    path: Path
    format: str
    text: str
    records: list[tuple[int, dict[str, Any]]]
    labels: list[tuple[str, TaskType]] = field(default_factory=list)

    def counts(self) -> Counter[tuple[str, TaskType]]:
        return Counter(self.labels)


def resolve(path: str | os.PathLike[str]) -> Path:
    """A dataset file, or a run directory's ``samples.jsonl``."""
    p = Path(path)
    if p.is_dir():
        if not (p / SAMPLES).is_file():
            raise InputError(p, None, f"a directory but not a run directory (no {SAMPLES})")
        return p / SAMPLES
    return p


def type_dataset(path: str | os.PathLike[str], fmt: str = "auto", retype: bool = False) -> TypedDataset:
    """Read and type every record. Raises ``InputError`` (file and line) or ``ValueError`` (unknown ``fmt``)."""
    source = resolve(path)
    text = read_text(source)
    name, records = load_records(source, fmt, text)
    data = TypedDataset(source, name, text, records)
    for line, rec in records:
        try:
            seed = record_to_seed(rec, name, default_id=f"{source.stem}_{line}", source=f"{source}:{line}")
        except RecordError as e:
            raise InputError(source, line, str(e)) from None
        kept = seed.task_type if seed.task_type and not retype else None
        data.labels.append((seed.lang or "en", kept or classify_record(seed)))
    return data


def typed_records(data: TypedDataset) -> list[dict[str, Any]]:
    """Each raw record with top-level ``lang`` and ``task_type`` set (other fields untouched, order kept)."""
    return [{**rec, "lang": lang, "task_type": tt.value} for (_, rec), (lang, tt) in zip(data.records, data.labels)]


def write_typed(data: TypedDataset, out: str | os.PathLike[str]) -> int:
    """Write the typed records in the input's container (JSON array or JSON lines), atomically."""
    rows = typed_records(data)
    if is_json_array(data.text):
        write_atomic(out, [json.dumps(rows, ensure_ascii=False, indent=2), "\n"])
    else:
        write_atomic(out, (json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return len(rows)


def count_rows(data: TypedDataset) -> list[tuple[str, str, int, int, int]]:
    """(task type, its zh name, zh count, en count, total) for every type seen, most frequent first."""
    counts = data.counts()
    seen = {tt for _, tt in counts}
    rows = [(tt.value, TASK_TYPE_ZH[tt], counts[("zh", tt)], counts[("en", tt)],
             counts[("zh", tt)] + counts[("en", tt)]) for tt in TaskType if tt in seen]
    return sorted(rows, key=lambda r: -r[4])


def stats_table(data: TypedDataset):
    """A rich table of counts by task type (rows) and language (columns)."""
    from rich.table import Table

    table = Table(title=f"{data.path} · {data.format} · {len(data.records)} records")
    for name, justify in (("task type", "left"), ("类型", "left"), ("zh", "right"), ("en", "right"),
                          ("total", "right")):
        table.add_column(name, justify=justify)
    rows = count_rows(data)
    for value, zh_name, zh, en, total in rows:
        table.add_row(value, zh_name, str(zh), str(en), str(total))
    table.add_section()
    table.add_row("total", "合计", str(sum(r[2] for r in rows)), str(sum(r[3] for r in rows)), str(len(data.records)))
    return table
