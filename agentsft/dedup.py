"""The dedup job: exact then near duplicates of any dataset we read, keep-first, written back in its own format.

``run_dedup`` reads alpaca, sharegpt, openai messages, our samples or self_instruct files (JSON lines or a JSON
array), judges one text per record (``field``: the instruction, the output, or all of it) with the novelty
engine, and writes:

* ``out_path``: the kept records, unchanged, in the input's container (JSON lines stay byte-identical line by
  line; a JSON array is written back as a JSON array);
* ``rejects_path``: one JSON line per dropped record: its line and id, the reason code, the gate that fired,
  the kept twin (its line and id) and the score, plus the record itself.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from agentsft.io.records import is_json_array, load_records, read_text
from agentsft.io.writers import write_atomic, write_jsonl
from agentsft.schema import Reason

FIELDS = ("instruction", "output", "all")


@dataclass
class DedupSummary:
    format: str
    field: str
    read: int = 0
    kept: int = 0
    exact_dups: int = 0
    near_dups: int = 0
    invalid: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Bad(Exception):
    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _str(value: Any, name: str, reason_empty: Reason = Reason.FIELD_INVALID) -> str:
    if value is None:
        raise _Bad(Reason.FIELD_INVALID, f"field '{name}' is missing")
    if not isinstance(value, str):
        raise _Bad(Reason.FIELD_INVALID, f"field '{name}' is not text ({type(value).__name__})")
    if not value.strip():
        raise _Bad(reason_empty, f"field '{name}' is empty")
    return value


def _turn_text(turn: Any) -> tuple[str, str]:
    if not isinstance(turn, dict):
        return "", ""
    role = str(turn.get("from") or turn.get("role") or "").lower()
    content = turn.get("value", turn.get("content"))
    if isinstance(content, list):  # openai text parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return role, content if isinstance(content, str) else ""


def record_text(rec: dict[str, Any], fmt: str, field: str) -> str:
    """The text of ``rec`` to deduplicate on. Raises ``_Bad`` for missing, empty or non-text fields."""
    if fmt in ("alpaca", "samples", "self_instruct"):
        instruction = _str(rec.get("instruction"), "instruction") if field != "output" else ""
        extra = rec.get("input")
        if field != "output" and isinstance(extra, str) and extra.strip():
            instruction = f"{instruction}\n{extra}"
        if field == "instruction":
            return instruction
        if fmt == "self_instruct":
            insts = rec.get("instances")
            if not isinstance(insts, list):
                raise _Bad(Reason.FIELD_INVALID, "field 'instances' is not a list")
            outs = [i.get("output") for i in insts if isinstance(i, dict)]
            output = "\n".join(o for o in outs if isinstance(o, str))
            output = _str(output if outs else None, "instances[].output", Reason.OUTPUT_EMPTY)
        else:
            output = _str(rec.get("output"), "output", Reason.OUTPUT_EMPTY)
        return output if field == "output" else f"{instruction}\n{output}"
    key = "conversations" if fmt == "sharegpt" else "messages"
    turns = rec.get(key)
    if not isinstance(turns, list) or not turns:
        raise _Bad(Reason.FIELD_INVALID, f"field '{key}' is missing or empty")
    pairs = [_turn_text(t) for t in turns]
    users = [c for r, c in pairs if r in ("human", "user") and c.strip()]
    if field == "instruction":
        if not users:
            raise _Bad(Reason.FIELD_INVALID, f"field '{key}' has no user turn with text")
        return users[0]
    first_user = next((i for i, (r, c) in enumerate(pairs) if r in ("human", "user") and c.strip()), None)
    answers = [c for i, (r, c) in enumerate(pairs)
               if r in ("gpt", "assistant", "model", "bot", "chatgpt") and first_user is not None and i > first_user]
    if field == "output":
        if not any(a.strip() for a in answers):
            raise _Bad(Reason.OUTPUT_EMPTY, f"field '{key}' has no assistant text after the first user turn")
        return next(a for a in answers if a.strip())
    text = "\n".join(c for _, c in pairs if c.strip())
    return _str(text or None, key)


def run_dedup(in_path: str | os.PathLike[str], out_path: str | os.PathLike[str],
              rejects_path: str | os.PathLike[str], field: str = "instruction", threshold: float | None = None,
              fmt: str = "auto", *, novelty: Any = None, chunk: int = 256) -> DedupSummary:
    """Deduplicate ``in_path`` into ``out_path`` (same format and container) and ``rejects_path`` (JSON lines).

    ``threshold`` switches the gate to the plain cosine-threshold judge with that threshold for both languages
    (default: the fitted pair judge); ``novelty`` is a ``NoveltyConfig``
    (or dict) for everything else (embedder, lexical threshold...). Raises ``InputError`` / ``ValueError``
    for unreadable input or an unknown ``field``/``fmt``.
    """
    from agentsft.novelty.factory import make_gate

    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}; choose one of: {', '.join(FIELDS)}")
    started = time.perf_counter()
    text = read_text(in_path)
    name, records = load_records(in_path, fmt, text)
    summary = DedupSummary(format=name, field=field, read=len(records))
    cfg: dict[str, Any] = {}
    if novelty is not None:
        cfg = novelty.model_dump() if hasattr(novelty, "model_dump") else dict(novelty)
    if threshold is not None:  # an explicit cosine threshold: the plain threshold judge, not the fitted blend
        cfg["embedding_threshold"] = {"zh": float(threshold), "en": float(threshold)}
        cfg["judge"] = "threshold"
    cfg["persist"] = False
    gate = make_gate(cfg, None)

    rejects: list[dict[str, Any]] = []
    keep: list[int] = []
    where: dict[str, tuple[int, Any]] = {}  # gate key -> (line, record id)
    valid: list[tuple[int, str]] = []
    for k, (line, rec) in enumerate(records):
        try:
            valid.append((k, record_text(rec, name, field)))
        except _Bad as bad:
            summary.invalid += 1
            rejects.append({"line": line, "id": rec.get("id"), "reason": bad.reason.value, "gate": "input",
                            "detail": bad.detail, "record": rec})
    for start in range(0, len(valid), chunk):
        part = valid[start: start + chunk]
        items = [(f"r{k}", t) for k, t in part]
        decisions = gate.check_batch(items)
        for (k, t), (key, _), d in zip(part, items, decisions):
            line, rec = records[k]
            if d.novel:
                gate.add(key, t)
                where[key] = (line, rec.get("id"))
                keep.append(k)
                continue
            twin_line, twin_id = where.get(d.twin_id, (None, None))
            if d.reason == Reason.DUPLICATE_EXACT:
                summary.exact_dups += 1
            else:
                summary.near_dups += 1
            rejects.append({"line": line, "id": rec.get("id"), "reason": d.reason.value, "gate": d.gate,
                            "twin_line": twin_line, "twin_id": twin_id, "score": d.score,
                            "detail": f"{d.gate}: duplicate of line {twin_line}", "record": rec})
    keep.sort()
    summary.kept = len(keep)
    out = Path(out_path)
    if is_json_array(text):
        kept = json.dumps([records[k][1] for k in keep], ensure_ascii=False, indent=2)
        write_atomic(out, [kept, "\n"])
    else:
        raw = text.split("\n")
        lines = []
        for k in keep:
            line, rec = records[k]
            candidate = raw[line - 1] if 0 < line <= len(raw) else ""
            try:
                same = json.loads(candidate) == rec
            except json.JSONDecodeError:
                same = False
            lines.append(candidate if same else json.dumps(rec, ensure_ascii=False))
        write_atomic(out, (line.rstrip("\r\n") + "\n" for line in lines))
    rejects.sort(key=lambda r: r["line"])
    write_jsonl(rejects_path, rejects)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
