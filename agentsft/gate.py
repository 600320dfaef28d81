"""``agentsft filter``: the quality gate over any dataset we read.

Every record goes through, in order: the quality checks (``filters.quality.check_sample``: refusals, AI
self-reference, not a task, toxicity, personal data, code and JSON that do not parse, language, fluency,
repetition), the token limit (``tokens``), and — for tool traces and reasoning samples — the verifiers
(``verify.run.verify_record``), and for samples grown from documents (``provenance.source``) the groundedness rules
(``verify.groundedness``). Kept records are written in the input's own format; rejects carry line, stage,
reason and detail. Both files are written atomically after every record is checked.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from agentsft.filters.quality import check_sample
from agentsft.filters.quality_struct import redact_personal_data
from agentsft.io.convert import RecordError, record_to_seed
from agentsft.io.records import load_records, read_text
from agentsft.io.writers import write_atomic
from agentsft.schema import Reason, SeedTask, Stage
from agentsft.text import guess_lang


@dataclass
class FilterSummary:
    read: int = 0
    kept: int = 0
    reasons: Counter = field(default_factory=Counter)
    format: str = ""
    redacted: int = 0  # records whose personal data was replaced by placeholders (--redact-personal-data)

    @property
    def rejected(self) -> int:
        return sum(self.reasons.values())

    def format_lines(self) -> str:
        head = f"read {self.read} · kept {self.kept} · rejected {self.rejected} ({self.format})"
        if self.redacted:
            head += f" · personal data redacted in {self.redacted}"
        return "\n".join([head, *(f"  {r:<22} {n}" for r, n in self.reasons.most_common())])


def redact_record(value: Any) -> tuple[Any, int]:
    """A record (any format) with personal data replaced by placeholders in every string value, and how many
    data were replaced. Keys and non-strings are left alone, so the record keeps its format."""
    if isinstance(value, str):
        text, kinds = redact_personal_data(value)
        return text, len(kinds)
    if isinstance(value, list):
        items = [redact_record(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        items = {k: redact_record(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, sum(n for _, n in items.values())
    return value, 0


def _messages(seed: SeedTask) -> list[dict[str, Any]] | None:
    return [m.model_dump(mode="json", exclude_none=True) for m in seed.messages] if seed.messages else None


def _quality(seed: SeedTask) -> tuple[Reason, str] | None:
    first = seed.instances[0] if seed.instances else None
    return check_sample(seed.instruction, first.output if first else "", seed.lang or guess_lang(seed.instruction),
                        input=first.input if first else "", task_type=seed.task_type.value if seed.task_type else None,
                        messages=_messages(seed))


def _tokens(rec: dict[str, Any], tokenizer, limit: int | None) -> tuple[Reason, str] | None:
    if tokenizer is None or not limit:
        return None
    from agentsft.tokens import count_tokens, too_many_tokens

    return too_many_tokens(count_tokens(tokenizer, rec), limit)


def _verified(rec: dict[str, Any], registry) -> tuple[Reason, str] | None:
    """Tool traces and reasoning samples are verified; other records have nothing to verify."""
    from agentsft.verify.run import reasoning_text, verify_record
    from agentsft.verify.cot import is_reasoning

    has_calls = any(isinstance(m, dict) and (m.get("tool_calls") or m.get("from") in ("function_call", "observation"))
                    for m in rec.get("messages") or rec.get("conversations") or [])
    found = None if has_calls else reasoning_text(rec)
    if not has_calls and not (found and is_reasoning(found[1])) and "answers" not in rec:
        return None
    _, check = verify_record(rec, "auto", registry)
    return None if check.ok else (check.reason or Reason.TRACE_UNPARSABLE, check.detail)


def _grounded(rec: dict[str, Any]) -> tuple[Reason, str] | None:
    """A sample grown from a document (``provenance.source``): its answer's dates, numbers, names and quotes
    must be in its chunk (``verify.groundedness``)."""
    from agentsft.verify.groundedness import check_sample_record

    found = check_sample_record(rec)
    return None if found is None else (found.reason, found.detail)


def check_record(rec: dict[str, Any], fmt: str, line: int, path: str, *, tokenizer=None, max_tokens=None,
                 registry=None) -> tuple[str, Reason, str] | None:
    """(stage, reason, detail) of the first failed check of one record; None when it passes them all."""
    try:
        seed = record_to_seed(rec, fmt, default_id=f"r{line}", source=f"{path}:{line}")
    except RecordError as exc:
        return Stage.FILTER.value, Reason.FIELD_INVALID, str(exc)
    for stage, check in ((Stage.QUALITY, lambda: _quality(seed)), (Stage.FILTER, lambda: _tokens(rec, tokenizer, max_tokens)),
                         (Stage.VERIFY, lambda: _verified(rec, registry) if registry is not None else None),
                         (Stage.GROUNDED, lambda: _grounded(rec))):
        found = check()
        if found is not None:
            return stage.value, found[0], found[1]
    return None


def filter_file(in_path: str | os.PathLike[str], out_path: str | os.PathLike[str],
                rejects_path: str | os.PathLike[str], *, fmt: str = "auto", tokenizer=None,
                max_tokens: int | None = None, registry=None, redact: bool = False) -> FilterSummary:
    """Run the gate over ``in_path``; raises InputError for an unreadable file (nothing is written then).
    With ``redact``, personal data is replaced by placeholders ([EMAIL], [PHONE], ...) before the checks
    instead of rejecting the record."""
    text = read_text(in_path)
    name, records = load_records(in_path, fmt, text)
    summary, kept, rejects = FilterSummary(format=name), [], []
    for line, rec in records:
        summary.read += 1
        if redact:
            rec, n = redact_record(rec)
            summary.redacted += n > 0
        verdict = check_record(rec, name, line, os.fspath(in_path), tokenizer=tokenizer, max_tokens=max_tokens,
                               registry=registry)
        if verdict is None:
            kept.append(rec)
            continue
        stage, reason, detail = verdict
        summary.reasons[reason.value] += 1
        rejects.append({"line": line, "stage": stage, "reason": reason.value, "detail": detail[:300], "record": rec})
    summary.kept = len(kept)
    if text.lstrip().startswith("["):
        write_atomic(out_path, [json.dumps(kept, ensure_ascii=False, indent=2) + "\n"])
    else:
        write_atomic(out_path, (json.dumps(r, ensure_ascii=False) + "\n" for r in kept))
    write_atomic(rejects_path, (json.dumps(r, ensure_ascii=False) + "\n" for r in rejects))
    return summary
