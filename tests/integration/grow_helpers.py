"""Helpers to run ``python -m agentsft grow`` as a real subprocess and read what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def grow_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "agentsft", "grow", "--quiet", *args]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
    return {**env, **extra}


def run_grow(*args: str, timeout: float = 1200, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(grow_cmd(*args), cwd=ROOT, capture_output=True, text=True, env=clean_env(**env),
                          timeout=timeout)


def read_jsonl(path: Path) -> list[dict]:
    """Every line must be valid JSON (json.loads raises otherwise)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def check_run(out: Path, target: int) -> dict:
    """Exactly once: every candidate minted in the ledger settles once, as a sample or a reject with a code."""
    from agentsft.schema import Reason

    samples, rejects = read_jsonl(out / "samples.jsonl"), read_jsonl(out / "rejects.jsonl")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["counts"]
    assert len(samples) == counts["accepted"] == target
    assert len(rejects) == counts["rejected"]
    assert counts["candidates"] == len(samples) + len(rejects)
    assert {r["reason"] for r in rejects} <= {r.value for r in Reason}
    ledger = read_jsonl(out / "ledger.jsonl")
    minted = {c["id"] for e in ledger for c in e["minted"]} | {r["candidate_id"] for e in ledger for r in e["rejects"]}
    settled = [s["provenance"]["candidate_id"] for s in samples] + [r["candidate_id"] for r in rejects]
    assert len(settled) == len(set(settled)) and set(settled) == minted
    assert len({s["id"] for s in samples}) == len(samples)
    assert len({(s["instruction"], s["input"], s["output"]) for s in samples}) == len(samples)
    return manifest


def recipe_variant(tmp_path: Path, name: str, grow: dict | None = None, stages: dict | None = None) -> Path:
    """A copy of ``graphs/<name>.yaml`` with some run settings and some stages' settings changed (``stages``:
    stage name -> settings to update), for runs on the slow embedded model."""
    import yaml

    data = yaml.safe_load((ROOT / "graphs" / f"{name}.yaml").read_text(encoding="utf-8"))
    data["grow"].update(grow or {})
    listed = data["grow"]["stages"]
    for i, entry in enumerate(listed):
        stage = entry if isinstance(entry, str) else next(iter(entry))
        if stage in (stages or {}):
            current = {} if isinstance(entry, str) else dict(entry[stage] or {})
            listed[i] = {stage: {**current, **stages[stage]}}
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
