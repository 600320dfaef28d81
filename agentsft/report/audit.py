"""The Self-Instruct audit: a random sheet of samples to label (valid instruction / valid input / correct output)
as CSV (to fill in) and HTML (to read), and the rates read back from the filled CSV.

Labels: yes (y, 1, true, 是, 对) or no (n, 0, false, 否, 错); an empty cell is not labelled yet and is left out of
that column's rate. Anything else is an ``InputError`` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import os
import random
from pathlib import Path
from typing import Any

from agentsft.io.errors import InputError
from agentsft.io.writers import write_atomic

LABELS = ("valid_instruction", "valid_input", "correct_output")
COLUMNS = ("row", "id", "task_type", "lang", "instruction", "input", "output", *LABELS, "note")
YES = {"y", "yes", "1", "true", "是", "对", "✓"}
NO = {"n", "no", "0", "false", "否", "错", "✗"}
HELP = {"valid_instruction": "does it describe a valid, doable task?",
        "valid_input": "is the input appropriate for the instruction (an empty input counts as yes when none is "
                       "needed)?",
        "correct_output": "is the output a correct and acceptable response?"}


def draw(records: list[dict[str, Any]], n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` records drawn at random without replacement (all of them when there are fewer), seeded."""
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(len(records)), min(n, len(records))))
    return [records[i] for i in picked]


def sheet_rows(ev, n: int, seed: int = 0) -> list[dict[str, Any]]:
    """Rows of the sheet from an ``EvalInput`` (ids of samples when it has them)."""
    items = []
    for i, (seed_task, (lang, tt)) in enumerate(zip(ev.data.seeds, ev.data.labels)):
        inst = seed_task.instances[0] if seed_task.instances else None
        items.append({"id": ev.samples[i].id if i < len(ev.samples) else seed_task.id, "task_type": tt.value,
                      "lang": lang, "instruction": seed_task.instruction, "input": inst.input if inst else "",
                      "output": inst.output if inst else ""})
    rows = draw(items, n, seed)
    return [{"row": k, **r, **{lab: "" for lab in LABELS}, "note": ""} for k, r in enumerate(rows, 1)]


def write_sheet(rows: list[dict[str, Any]], out_dir: str | os.PathLike[str], title: str) -> tuple[Path, Path]:
    """audit.csv (UTF-8 with BOM, so spreadsheet programs read Chinese) and audit.html."""
    from .html import esc, page, table

    out = Path(out_dir)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_path, html_path = out / "audit.csv", out / "audit.html"
    write_atomic(csv_path, ["\ufeff", buf.getvalue()])
    how = "".join(f"<li><b>{lab}</b>: {esc(HELP[lab])}</li>" for lab in LABELS)
    body = (f"<section id='audit'><h2>Label these {len(rows)} samples</h2><p class='explain'>Fill the three label "
            f"columns of <code>{esc(csv_path.name)}</code> with yes or no (y/n, 1/0, 是/否 also work), then run "
            f"<code>agentsft audit --read {esc(str(csv_path))}</code>.</p><ul>{how}</ul>"
            + table(["row", "type", "lang", "instruction", "input", "output"],
                    [[r["row"], r["task_type"], r["lang"], r["instruction"], r["input"], r["output"]] for r in rows],
                    numeric_from=9, text_cols=(3, 4, 5)) + "</section>")
    write_atomic(html_path, [page(f"agentsft audit: {title}", f"{len(rows)} random samples", [body], ("audit",))])
    return csv_path, html_path


def _label(value: str, path: Path, line: int, column: str) -> bool | None:
    v = (value or "").strip().lower()
    if not v:
        return None
    if v in YES:
        return True
    if v in NO:
        return False
    raise InputError(path, line, f"column {column}: {value!r} is not a label (yes/no, y/n, 1/0, 是/否, or empty)")


def read_sheet(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Rates of a filled sheet: per label yes / labelled, and all three yes among fully labelled rows."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(p, None, f"cannot read the sheet: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in LABELS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(p, 1, f"not an audit sheet: no column {', '.join(missing)}")
    counts = {lab: {"yes": 0, "no": 0, "empty": 0} for lab in LABELS}
    rows = full = all_yes = 0
    line = 1
    for rec in reader:
        start, line = line + 1, reader.line_num
        rows += 1
        labels = [_label(rec.get(lab) or "", p, start, lab) for lab in LABELS]
        for lab, val in zip(LABELS, labels):
            counts[lab]["empty" if val is None else "yes" if val else "no"] += 1
        if all(v is not None for v in labels):
            full += 1
            all_yes += all(labels)
    rates = {lab: {**c, "rate": round(c["yes"] / (c["yes"] + c["no"]), 4) if c["yes"] + c["no"] else None}
             for lab, c in counts.items()}
    return {"sheet": str(p), "rows": rows, "fully_labelled": full, "labels": rates,
            "all_valid": round(all_yes / full, 4) if full else None}
