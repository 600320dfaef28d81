"""The stats job: count any dataset we read by language and task type, optionally writing it back typed.

``type_dataset`` reads Alpaca, ShareGPT, OpenAI messages, Self-Instruct or our samples (JSON lines or a JSON
array; a run directory means its ``samples.jsonl``) with the same readers as ``agentsft grow`` and
``agentsft dedup``, gives each record a language and a task type, and ``write_typed`` writes every record back
in its own format and container with two more top-level fields, ``lang`` and ``task_type`` (reading that file
again gives the same records). A record that already carries a valid ``task_type`` keeps it unless
``retype``; ``multi_turn`` is given to dialogues with more than one user turn. Problems raise ``InputError``
naming the file and line, before anything is written.

``profile`` adds what ``agentsft stats`` prints below the type table (``--json``: this dict): counts by language,
user turns and length (characters of all turns), token percentiles (p50/p90/p99/max/mean of prompt, response and
total, counted by an ``agentsft.tokens`` tokenizer) and the distance of the task-type shares to a target mix
(``parse_mix``: uniform over the types present by default; ``mix_distance``: per-type share vs target and the
total variation distance), and for a scoped run (``--domain``) the samples per topic (``topic_coverage``).
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentsft.io.convert import RecordError, record_to_seed
from agentsft.io.errors import InputError
from agentsft.io.records import is_json_array, load_records, read_text
from agentsft.io.stream import table_files
from agentsft.io.writers import write_atomic
from agentsft.schema import TASK_TYPE_ZH, SeedTask, TaskType
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
    seeds: list[SeedTask] = field(default_factory=list)  # each record parsed (same order as records)

    def counts(self) -> Counter[tuple[str, TaskType]]:
        return Counter(self.labels)


def resolve(path: str | os.PathLike[str]) -> Path:
    """A dataset file, or a run directory's ``samples.jsonl``."""
    p = Path(path)
    if p.is_dir() and ((p / SAMPLES).is_file() or not table_files(p)):  # else a save_to_disk/parquet folder
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
        data.seeds.append(seed)
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


# --- the profile: counts by type, language, turns and length; token percentiles; distance to a target mix -------

TURN_BUCKETS = ("1", "2", "3", "4-5", "6+")
LENGTH_BUCKETS = ((200, "<200"), (500, "200-499"), (1000, "500-999"), (2000, "1000-1999"), (4000, "2000-3999"),
                  (None, "4000+"))
PERCENTILES = (50, 90, 99)
TOKEN_PARTS = ("prompt", "response", "total")


def turn_bucket(n: int) -> str:
    """The bucket of a conversation with ``n`` user turns."""
    if n <= 3:
        return str(max(n, 1))
    return "4-5" if n <= 5 else "6+"


def length_bucket(chars: int) -> str:
    """The bucket of a conversation of ``chars`` characters (all turns)."""
    for upper, name in LENGTH_BUCKETS:
        if upper is None or chars < upper:
            return name
    return LENGTH_BUCKETS[-1][1]  # pragma: no cover


def shape(seed: SeedTask) -> tuple[int, int]:
    """(user turns, characters of all turns) of one parsed record."""
    from agentsft.tokens import conversation_turns

    turns, _ = conversation_turns(seed)
    users = sum(1 for role, text in turns if role == "user" and text.strip())
    return max(users, 1), sum(len(text) for _, text in turns)


def percentile(values: list[int], p: float) -> int:
    """Nearest-rank percentile (a value that occurs); 0 for no values."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def token_summary(per_record: list[dict[str, int]]) -> dict[str, dict[str, float]]:
    """p50/p90/p99/max/mean of prompt, response and total tokens."""
    out: dict[str, dict[str, float]] = {}
    for part in TOKEN_PARTS:
        values = [c[part] for c in per_record]
        row: dict[str, float] = {f"p{p}": percentile(values, p) for p in PERCENTILES}
        row["max"] = max(values, default=0)
        row["mean"] = round(sum(values) / len(values), 1) if values else 0.0
        out[part] = row
    return out


def _task_type(name: str) -> TaskType:
    key = name.strip()
    for tt in TaskType:
        if key.lower() == tt.value or key == TASK_TYPE_ZH[tt]:
            return tt
    raise ValueError(f"--mix: unknown task type {key!r} (known: {', '.join(t.value for t in TaskType)})")


def parse_mix(spec: str | None, present: list[TaskType] | set[TaskType]) -> dict[TaskType, float]:
    """The target share of each task type (they add up to 1).

    ``uniform`` (default): equal shares over the types ``present`` in the data; ``uniform-all``: over every
    ``TaskType``; ``type=share,...`` (a type's value or zh name; shares as fractions, percentages or weights,
    normalised; types not named have a target of 0). Raises ``ValueError`` with a one-line message."""
    text = (spec or "uniform").strip()
    if text.lower() == "uniform":
        kinds = [tt for tt in TaskType if tt in set(present)]
        return {tt: 1 / len(kinds) for tt in kinds}
    if text.lower() in ("uniform-all", "all"):
        return {tt: 1 / len(TaskType) for tt in TaskType}
    weights: dict[TaskType, float] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[,，]", text))):
        if "=" not in part:
            raise ValueError(f"--mix: expected type=share, got {part!r} (e.g. --mix qa=0.5,code=0.3,translation=0.2)")
        name, value = part.split("=", 1)
        tt = _task_type(name)
        value = value.strip()
        try:
            share = float(value[:-1]) / 100 if value.endswith("%") else float(value)
        except ValueError:
            raise ValueError(f"--mix: share of {tt.value} must be a number, got {value!r}") from None
        if share < 0 or math.isnan(share) or math.isinf(share):
            raise ValueError(f"--mix: share of {tt.value} must be a non-negative number, got {value!r}")
        weights[tt] = weights.get(tt, 0.0) + share
    total = sum(weights.values())
    if total <= 0:
        raise ValueError(f"--mix: no positive share in {text!r}")
    return {tt: w / total for tt, w in weights.items()}


def mix_distance(counts: Counter[TaskType], target: dict[TaskType, float]) -> dict[str, Any]:
    """Per type: count, share, target and share - target; and the total variation distance (0 = on target,
    1 = disjoint) between the actual shares and the target."""
    n = sum(counts.values())
    kinds = [tt for tt in TaskType if counts.get(tt) or target.get(tt)]
    rows = []
    for tt in kinds:
        share = counts.get(tt, 0) / n if n else 0.0
        goal = target.get(tt, 0.0)
        rows.append({"task_type": tt.value, "count": counts.get(tt, 0), "share": round(share, 4),
                     "target": round(goal, 4), "diff": round(share - goal, 4)})
    tvd = 0.5 * sum(abs((counts.get(tt, 0) / n if n else 0.0) - target.get(tt, 0.0)) for tt in kinds)
    return {"types": rows, "tvd": round(tvd, 4)}


def profile(data: TypedDataset, tokenizer: Any = None, mix: str | None = "uniform") -> dict[str, Any]:
    """Everything ``agentsft stats`` reports, as one JSON-able dict (see ``--json``).

    ``tokenizer``: an ``agentsft.tokens`` tokenizer, or ``None`` to leave ``tokens`` null."""
    from agentsft.tokens import count_tokens

    n = len(data.records)
    langs = Counter(lang for lang, _ in data.labels)
    turns: Counter[str] = Counter()
    lengths: Counter[str] = Counter()
    for seed in data.seeds:
        users, chars = shape(seed)
        turns[turn_bucket(users)] += 1
        lengths[length_bucket(chars)] += 1
    types: Counter[TaskType] = Counter(tt for _, tt in data.labels)
    result: dict[str, Any] = {
        "path": str(data.path),
        "format": data.format,
        "records": n,
        "by_type": [{"task_type": v, "zh_name": zh_name, "zh": zh, "en": en, "total": total}
                    for v, zh_name, zh, en, total in count_rows(data)],
        "by_lang": {"zh": langs.get("zh", 0), "en": langs.get("en", 0)},
        "turns": {b: turns.get(b, 0) for b in TURN_BUCKETS},
        "length_chars": {name: lengths.get(name, 0) for _, name in LENGTH_BUCKETS},
        "tokens": None,
        "mix": {"spec": (mix or "uniform").strip(), **mix_distance(types, parse_mix(mix, set(types)))},
    }
    result["topics"] = topic_coverage(data)
    if tokenizer is not None:
        start = time.perf_counter()
        per_record = [count_tokens(tokenizer, seed) for seed in data.seeds]
        seconds = time.perf_counter() - start
        result["tokens"] = {"tokenizer": tokenizer.name, "seconds": round(seconds, 3),
                            "sum": sum(c["total"] for c in per_record), **token_summary(per_record)}
    return result


def run_mix_spec(path: str | os.PathLike[str]) -> str | None:
    """The task-type mix a run aimed for, in ``--mix`` syntax (``qa=0.1,code=0.1,...``): its ``balance`` block's
    shares for its language, when ``path`` is a run directory (or its samples file) whose manifest has one."""
    from agentsft.config import BalanceConfig
    from agentsft.io.exports import read_manifest

    data = read_manifest(path) or {}
    balance = (data.get("config") or {}).get("balance")
    if balance is None:
        return None
    shares = BalanceConfig.model_validate(balance).shares(data.get("lang"))
    return ",".join(f"{t}={v:.6g}" for t, v in shares.items())


def topic_coverage(data: TypedDataset) -> dict[str, Any] | None:
    """Samples per domain topic (``provenance.topic``) of a scoped run, with the topics of the run's
    ``topics.txt`` that have none yet; the total variation distance to an even spread over the topics.
    None when the data carries no topic and no topics file sits beside it."""
    from agentsft.steps.topics import TOPICS_FILE, stored_topics

    tags = [(rec.get("provenance") or {}).get("topic") if isinstance(rec.get("provenance"), dict) else None
            for _, rec in data.records]
    counts = Counter(t for t in tags if isinstance(t, str) and t)
    listed = stored_topics(data.path.parent) if data.path.name == SAMPLES else None
    if not counts and not listed:
        return None
    names = list(dict.fromkeys([*(listed or []), *sorted(counts, key=lambda t: -counts[t])]))
    tagged = sum(counts.values())
    rows = [{"topic": t, "count": counts.get(t, 0), "share": round(counts.get(t, 0) / tagged, 4) if tagged else 0.0}
            for t in names]
    even = 1 / len(names)
    tvd = 0.5 * sum(abs((counts.get(t, 0) / tagged if tagged else 0.0) - even) for t in names)
    return {"file": str(data.path.parent / TOPICS_FILE) if listed is not None else None, "topics": rows,
            "untagged": len(data.records) - tagged, "tvd": round(tvd, 4)}


def _share(count: int, n: int) -> str:
    return f"{100 * count / n:.0f}%" if n else "-"


def profile_tables(prof: dict[str, Any]) -> list[Any]:
    """Rich tables of a ``profile``: shape (language, turns, length), tokens (when counted), mix."""
    from rich.table import Table

    n = prof["records"]
    shape_table = Table(title="language · user turns · length", caption="length: characters of all turns")
    for name, justify in (("by", "left"), ("bucket", "left"), ("count", "right"), ("share", "right")):
        shape_table.add_column(name, justify=justify)
    for by, key in (("language", "by_lang"), ("turns", "turns"), ("length", "length_chars")):
        for bucket, count in prof[key].items():
            shape_table.add_row(by, bucket, str(count), _share(count, n))
        if key != "length_chars":
            shape_table.add_section()
    tables = [shape_table]
    tok = prof.get("tokens")
    if tok:
        rate = f"{tok['sum']:,} tokens" + (f", {tok['sum'] / tok['seconds']:,.0f}/s" if tok["seconds"] > 0 else "")
        token_table = Table(title=f"tokens per record · {tok['tokenizer']}", min_width=64,
                            caption=f"{rate}; text of the turns only (no chat template, no special tokens)")
        token_table.add_column("part")
        for col in [f"p{p}" for p in PERCENTILES] + ["max", "mean"]:
            token_table.add_column(col, justify="right")
        for part in TOKEN_PARTS:
            row = tok[part]
            token_table.add_row(part, *[str(row[f"p{p}"]) for p in PERCENTILES], str(row["max"]),
                                f"{row['mean']:.1f}")
        tables.append(token_table)
    mix = prof["mix"]
    mix_table = Table(title=f"task-type mix vs target ({mix['spec']})", min_width=64,
                      caption=f"total variation distance {mix['tvd']:.3f} (0 = on target, 1 = disjoint)")
    for name, justify in (("task type", "left"), ("count", "right"), ("share", "right"), ("target", "right"),
                          ("diff", "right")):
        mix_table.add_column(name, justify=justify)
    for row in mix["types"]:
        mix_table.add_row(row["task_type"], str(row["count"]), f"{100 * row['share']:.1f}%",
                          f"{100 * row['target']:.1f}%", f"{100 * row['diff']:+.1f}%")
    tables.append(mix_table)
    cover = prof.get("topics")
    if cover:
        topic_table = Table(title="coverage per topic (scoped run)", min_width=64,
                            caption=f"total variation distance to an even spread {cover['tvd']:.3f}; "
                                    f"{cover['untagged']} records without a topic")
        for name, justify in (("topic", "left"), ("count", "right"), ("share", "right")):
            topic_table.add_column(name, justify=justify)
        for row in cover["topics"]:
            topic_table.add_row(row["topic"], str(row["count"]), f"{100 * row['share']:.1f}%")
        tables.append(topic_table)
    return tables
