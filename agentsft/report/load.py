"""What `agentsft eval` reads: a run directory (samples, rejects, ledger, rounds, manifest, seeds) or a plain
dataset file (Alpaca, ShareGPT, OpenAI messages, Self-Instruct, agentsft samples).

A run directory is read without touching it (no lock, no repair: a run may still be writing it); a torn last
line of a JSON-lines file is skipped, a bad line elsewhere raises ``InputError`` naming file and line.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentsft.io.convert import RecordError, record_to_seed
from agentsft.io.errors import InputError
from agentsft.schema import Sample, SeedTask, TaskType
from agentsft.stats import TypedDataset, type_dataset


@dataclass
class EvalInput:
    """One thing to report on. ``kind`` is ``"run"`` or ``"file"``; run-only fields are empty for a file."""

    name: str
    kind: str
    path: Path
    data: TypedDataset  # every accepted record, parsed and typed (stats' view)
    samples: list[Sample] = field(default_factory=list)  # a run's samples (or a samples file's)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    minted: set[str] = field(default_factory=set)  # candidate ids in the ledger
    rounds: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    seeds: list[SeedTask] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def is_run(self) -> bool:
        return self.kind == "run"

    @property
    def lang(self) -> str:
        if self.manifest and self.manifest.get("lang") in ("zh", "en"):
            return self.manifest["lang"]
        langs = [lang for lang, _ in self.data.labels]
        return max(("zh", "en"), key=langs.count) if langs else "en"

    @property
    def candidate_ids(self) -> set[str]:
        """Every candidate the run made: minted in the ledger, or settled (as ``RunStore.candidates``)."""
        settled = {s.provenance.candidate_id for s in self.samples if s.provenance.candidate_id}
        return self.minted | settled | {r.get("candidate_id", "") for r in self.rejects}


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) of every line; a torn last line (a run writing it, or a crash) is skipped."""
    if not path.is_file():
        return []
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"cannot read: {exc}") from None
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    out = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            if i == last:
                break
            raise InputError(path, i + 1, f"not JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise InputError(path, i + 1, "not a JSON object")
        out.append((i + 1, obj))
    return out


def _run_dataset(path: Path, rows: list[tuple[int, dict[str, Any]]]) -> tuple[TypedDataset, list[Sample]]:
    """Stats' typed view of a run's samples: their own language and task type, no retyping."""
    data = TypedDataset(path, "samples", "", [])
    samples = []
    for line, rec in rows:
        try:
            sample = Sample.model_validate(rec)
            view = {**sample.model_dump(mode="json", exclude_none=True)}
            seed = record_to_seed(view, "samples", default_id=sample.id, source=f"{path}:{line}")
        except (ValueError, RecordError) as exc:
            raise InputError(path, line, f"not an agentsft sample: {str(exc).splitlines()[0]}") from None
        samples.append(sample)
        data.records.append((line, rec))
        data.seeds.append(seed)
        data.labels.append((sample.lang, TaskType(sample.task_type)))
    return data, samples


def _run_seeds(root: Path, manifest: dict[str, Any] | None, notes: list[str]) -> list[SeedTask]:
    """The run's seed files as the manifest names them (relative paths: from the current directory, then from
    the run directory's parent); a missing or changed file is a note, not an error."""
    from agentsft.io.readers import read_seed_files

    config = (manifest or {}).get("config") or {}
    digests = (manifest or {}).get("seeds") or {}
    found = []
    for name in config.get("seeds") or []:
        for cand in (Path(name), root.parent / name, root / name):
            if cand.is_file():
                found.append(cand)
                break
        else:
            notes.append(f"seed file {name} not found: similarity to the seeds is not available")
            continue
        if digests.get(str(name)) and hashlib.sha256(cand.read_bytes()).hexdigest() != digests[str(name)]:
            notes.append(f"seed file {cand} changed since the run (its sha256 differs from the manifest's): "
                         "similarity to the seeds is to its current contents")
    if not found:
        return []
    try:
        return read_seed_files(found, config.get("seed_format") or "auto", None)
    except (InputError, ValueError) as exc:
        notes.append(f"seed files not readable ({str(exc).splitlines()[0]}): similarity to the seeds is not available")
        return []


def load_run(root: Path) -> EvalInput:
    root = Path(root)
    manifest = None
    if (root / "manifest.json").is_file():
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except ValueError as exc:
            raise InputError(root / "manifest.json", None, f"not JSON: {exc}") from None
    data, samples = _run_dataset(root / "samples.jsonl", read_jsonl(root / "samples.jsonl"))
    rejects = [rec for _, rec in read_jsonl(root / "rejects.jsonl")]
    minted: set[str] = set()
    rejected = {r.get("candidate_id") for r in rejects}
    for _, entry in read_jsonl(root / "ledger.jsonl"):
        minted |= {c.get("id", "") for c in entry.get("minted", []) if isinstance(c, dict)}
        for rec in entry.get("rejects", []):  # a call-level reject not yet in rejects.jsonl (a crash in between)
            if isinstance(rec, dict) and rec.get("candidate_id") not in rejected:
                rejects.append(rec)
                rejected.add(rec.get("candidate_id"))
    minted.discard("")
    notes: list[str] = []
    if manifest is None:
        notes.append("no manifest.json: config, target mix and cost are not available")
    ev = EvalInput(root.name or str(root), "run", root, data, samples, rejects, minted,
                   [rec for _, rec in read_jsonl(root / "rounds.jsonl")], manifest, notes=notes)
    ev.seeds = _run_seeds(root, manifest, ev.notes)
    return ev


def load(path: str | os.PathLike[str], fmt: str = "auto") -> EvalInput:
    """A run directory (it has ``manifest.json`` or ``samples.jsonl``) or a dataset file."""
    p = Path(path)
    if p.is_dir():
        if not ((p / "manifest.json").is_file() or (p / "samples.jsonl").is_file()):
            raise InputError(p, None, "a directory but not a run directory (no manifest.json, no samples.jsonl)")
        return load_run(p)
    if not p.exists():
        raise InputError(p, None, "no such file or run directory")
    data = type_dataset(p, fmt=fmt)
    samples: list[Sample] = []
    if data.format == "samples":
        try:
            samples = [Sample.model_validate(rec) for _, rec in data.records]
        except ValueError:
            samples = []
    return EvalInput(p.name, "file", p, data, samples)
