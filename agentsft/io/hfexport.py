"""Hugging Face export (``--to hf``): a parquet dataset, the same rows ``save_to_disk``-ed, and a dataset card.

Output folder::

    OUT/data/train-00000-of-00001.parquet   load_dataset("parquet", data_files=...) or load_dataset("OUT")
    OUT/disk/                                datasets.load_from_disk("OUT/disk")
    OUT/README.md                            the dataset card (YAML header: license, languages, configs)

Row schema (fixed ``datasets.Features``, so rows load back identical, also when no sample calls a tool):

* ``id``, ``lang``, ``task_type``: strings;
* ``messages``: a list of structs ``{role, content, tool_calls, tool_call_id, name}`` — every message has all five
  keys (``null`` where unused); ``tool_calls`` is a list of ``{id, type, function: {name, arguments}}`` with
  ``arguments`` the JSON string of the OpenAI format. This is what chat templates and TRL read;
* ``tools``: the OpenAI tool schemas as a **JSON string** (``null`` when none). Schemas are arbitrary JSON
  Schema objects whose keys differ from tool to tool; as Arrow structs they would be widened to the union of all
  keys and come back with ``null``-filled extra keys, so a string is the only exact round trip;
* ``input_start``: where the input begins in the first user turn (the instruction/input view), or ``null``;
* ``verification``, ``provenance``: JSON strings of the sample's annotations (judge scores, checks, model).

Everything is written into a temporary folder beside OUT and moved into place, so a failure leaves nothing half
written; other files in OUT are kept.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..schema import Message, Sample
from .export_card import dataset_card

PARQUET = Path("data") / "train-00000-of-00001.parquet"
DISK = Path("disk")
CARD = Path("README.md")
MESSAGE_KEYS = ("role", "content", "tool_calls", "tool_call_id", "name")


def features():
    """The fixed ``datasets.Features`` of our rows."""
    from datasets import Features, List, Value

    call = {"id": Value("string"), "type": Value("string"),
            "function": {"name": Value("string"), "arguments": Value("string")}}
    message = {"role": Value("string"), "content": Value("string"), "tool_calls": List(call),
               "tool_call_id": Value("string"), "name": Value("string")}
    return Features({"id": Value("string"), "lang": Value("string"), "task_type": Value("string"),
                     "messages": List(message), "tools": Value("string"), "input_start": Value("int32"),
                     "verification": Value("string"),
                     "provenance": Value("string")})


def _message(m: Message) -> dict[str, Any]:
    data = m.model_dump(mode="json")
    return {k: data.get(k) for k in MESSAGE_KEYS}


def hf_row(s: Sample) -> dict[str, Any]:
    """One sample as a row of the HF dataset."""
    return {"id": s.id, "lang": s.lang, "task_type": s.task_type.value,
            "messages": [_message(m) for m in s.messages],
            "tools": json.dumps(s.tools, ensure_ascii=False) if s.tools else None,
            "input_start": s.input_start,
            "verification": json.dumps(s.verification, ensure_ascii=False, sort_keys=True),
            "provenance": json.dumps(s.provenance.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)}


def sample_of_row(row: dict[str, Any]) -> Sample:
    """A row read back as a sample (the inverse of ``hf_row``)."""
    messages = [{k: v for k, v in m.items() if v is not None or k == "content"} for m in row["messages"]]
    return Sample.model_validate({
        "id": row["id"], "lang": row["lang"], "task_type": row["task_type"], "messages": messages,
        "tools": json.loads(row["tools"]) if row.get("tools") else None, "input_start": row.get("input_start"),
        "verification": json.loads(row.get("verification") or "{}"),
        "provenance": json.loads(row.get("provenance") or "{}")})


def read_hf(path: str | os.PathLike[str]) -> list[Sample]:
    """Samples of an exported folder (its parquet file), a parquet file, or a ``save_to_disk`` folder."""
    import datasets

    p = Path(path)
    if p.is_dir() and (p / "state.json").exists():
        ds = datasets.load_from_disk(str(p))
    else:
        files = [str(p / PARQUET)] if p.is_dir() else [str(p)]
        ds = datasets.load_dataset("parquet", data_files=files, split="train")
    return [sample_of_row(r) for r in ds]


def _move_into(tmp: Path, out: Path) -> None:
    """Move the parquet file, the disk folder and the card into ``out``; nothing else there is touched."""
    (out / PARQUET.parent).mkdir(parents=True, exist_ok=True)
    if (out / DISK).is_dir():
        shutil.rmtree(out / DISK)
    for part in (PARQUET, DISK, CARD):
        os.replace(tmp / part, out / part)


def export_hf(samples: list[Sample], out: str | os.PathLike[str], *, manifest: dict[str, Any] | None = None,
              license: str = "unknown", source: str = "", filters: str = "") -> list[str]:
    """Write the parquet file, the ``save_to_disk`` folder and the card under ``out``; returns the paths."""
    import datasets

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out}: --to hf writes a folder, and this is a file")
    rows = [hf_row(s) for s in samples]
    bars = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()  # a command prints one summary line, not progress bars
    try:
        _write(datasets.Dataset.from_list(rows, features=features()), out, samples, rows, manifest=manifest,
               license=license, source=source, filters=filters)
    finally:
        if bars:
            datasets.enable_progress_bars()
    return [str(out / PARQUET), str(out / DISK), str(out / CARD)]


def _write(ds, out: Path, samples: list[Sample], rows: list[dict[str, Any]], **card: Any) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (tmp / PARQUET.parent).mkdir(parents=True)
        ds.to_parquet(str(tmp / PARQUET))
        ds.save_to_disk(str(tmp / DISK))
        text = dataset_card(samples, columns=list(rows[0]) if rows else list(features()), **card)
        (tmp / CARD).write_text(text, encoding="utf-8")
        _move_into(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

