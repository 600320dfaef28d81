"""The embedded model's process dies mid-run: grow stops with the reason and a hint (exit 4), then resumes."""

from __future__ import annotations

import sys
from pathlib import Path

from fakes import ScriptedChat
from grow_runs import make_run
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.llm import EmbeddedChatModel, EmbeddedModelCrashed, LLMService, RequestCache, shutdown_workers

TESTS = Path(__file__).resolve().parents[1]
# A worker that answers like llama.cpp with the scripted fake's text, then dies by SIGSEGV on request CRASH_AT.
WORKER = f"""
import json, os, signal, sys
sys.path.insert(0, {str(TESTS)!r})
from fakes import scripted_answer
for n, line in enumerate(sys.stdin, 1):
    if n == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGSEGV)
    prompt = json.loads(line)["messages"][-1]["content"]
    text = scripted_answer(prompt)
    result = {{"choices": [{{"message": {{"content": text}}, "finish_reason": "stop"}}],
              "usage": {{"prompt_tokens": len(prompt), "completion_tokens": len(text)}}}}
    print(json.dumps({{"ok": True, "result": result}}), flush=True)
"""


def crashing_llm(tmp_path: Path, out: Path, crash_at: int) -> LLMService:
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    gguf = tmp_path / "fake.gguf"
    gguf.write_bytes(b"GGUF")
    chat = EmbeddedChatModel(gguf_path=gguf, worker_cmd=[sys.executable, str(script), str(crash_at)])
    return LLMService(chat, "embedded-fake", RequestCache(out / "cache.sqlite"), concurrency=2)


def test_crash_stops_the_run_then_it_resumes_exactly(seed_file, tmp_path):
    out = tmp_path / "run"
    run = make_run(seed_file, out, target=10)
    run.llm = run.svc.llm = crashing_llm(tmp_path, out, crash_at=6)
    try:
        run.run()
        raise AssertionError("the crash did not stop the run")
    except EmbeddedModelCrashed as exc:
        assert "SIGSEGV" in str(exc) and "hint" in str(exc)
    finally:
        shutdown_workers()
    summary = make_run(seed_file, out, target=10, chat=ScriptedChat()).run()
    assert summary.accepted == 10 and summary.consistent


def test_cli_reports_the_crash_with_exit_4(seed_file, tmp_path, monkeypatch):
    out = tmp_path / "run"

    def open_crashing(cfg):
        run = make_run(seed_file, out, target=5)
        run.llm = run.svc.llm = crashing_llm(tmp_path, out, crash_at=2)
        return run

    monkeypatch.setattr("agentsft.graph.launch.open_run", open_crashing)
    try:
        result = CliRunner().invoke(app, ["grow", "--seeds", str(seed_file), "--out", str(out), "--quiet"])
    finally:
        shutdown_workers()
    assert result.exit_code == 4, result.output
    assert "SIGSEGV" in result.output and "rerun the same command to resume" in result.output
