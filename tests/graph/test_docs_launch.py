"""Documents as sources at launch: a missing document stops the run before anything is written; an edited
document makes a different run (its content is in the fingerprint)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agentsft.config import RunConfig
from agentsft.graph.run import GrowRun
from agentsft.llm import LLMService, RequestCache
from agentsft.store import RunStore, StoreError

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_document_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}
    proc = subprocess.run([sys.executable, "-m", "agentsft", "grow", "--quiet", "--docs", str(tmp_path / "nope.md"),
                           "--target", "1", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "nope.md" in proc.stderr and "document not found" in proc.stderr
    assert not out.exists()


def _open(out: Path, docs: Path) -> GrowRun:
    cfg = RunConfig(seeds=[ROOT / "seeds/en.jsonl"], lang="en", out=out, target=1, novelty={"embedder": "off"},
                    docs=[docs])
    llm = LLMService(object(), "scripted", RequestCache(RunStore.cache_file(out)), 1)
    return GrowRun(cfg, llm, "scripted fake")


def test_an_edited_document_is_a_different_run(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "seeds/docs", docs)
    out = tmp_path / "run"
    run = _open(out, docs)
    run.write_manifest("running")
    run.store.close()
    again = _open(out, docs)  # same documents: resumes
    again.store.close()
    doc = sorted(docs.rglob("*.md"))[0]
    doc.write_text(doc.read_text(encoding="utf-8") + "\n\nOne more paragraph.\n", encoding="utf-8")
    with pytest.raises(StoreError):
        _open(out, docs)
