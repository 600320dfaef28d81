"""The live progress line moves while LLM calls run, and the summary says where the data is."""

from __future__ import annotations

import io
import threading
import time

from fakes import ScriptedChat
from rich.console import Console

from agentsft.config import RunConfig
from agentsft.display import live_progress, stats_line, summary_table
from agentsft.graph.run import GrowRun
from agentsft.llm import LLMService, RequestCache


class GatedChat(ScriptedChat):
    """Blocks every call until ``gate`` is set, so a test can look at the display mid-call."""

    gate: object = None

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.gate.wait(30)
        return super()._generate(messages, stop, run_manager, **kwargs)


def _run(seed_file, out, chat) -> GrowRun:
    cfg = RunConfig(seeds=[seed_file], out=out, target=3, batch_size=2, concurrency=2, novelty={"embedder": "off"})
    return GrowRun(cfg, LLMService(chat, "scripted", RequestCache(":memory:"), 2), "scripted fake")


def _wait_for(pred, timeout=10.0) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.02)
    return False


def test_stats_line_shows_stage_and_calls_in_flight_while_the_first_round_runs(seed_file, tmp_path):
    gate = threading.Event()
    run = _run(seed_file, tmp_path / "run", GatedChat(gate=gate))
    worker = threading.Thread(target=run.run)
    worker.start()
    try:
        assert _wait_for(lambda: run.llm.in_flight == 2)
        line = stats_line(run)
        assert "round 1 propose" in line and "calls 0 done, 2 in flight" in line
    finally:
        gate.set()
        worker.join(60)
    line = stats_line(run)
    assert "0 in flight" in line and f"calls {run.llm.calls} done" in line and run.llm.calls > 0


def test_live_progress_refreshes_from_its_own_thread(seed_file, tmp_path, monkeypatch):
    monkeypatch.setattr("agentsft.display.TICK", 0.01)
    run = _run(seed_file, tmp_path / "run", ScriptedChat())
    seen = []
    monkeypatch.setattr("agentsft.display.stats_line", lambda r: seen.append(threading.current_thread().name) or "x")
    console = Console(file=io.StringIO(), force_terminal=False)
    with live_progress(run, console, 3):
        assert _wait_for(lambda: "agentsft-progress" in seen)


def test_summary_says_where_the_samples_are_and_what_next(seed_file, tmp_path):
    out = tmp_path / "run"
    summary = _run(seed_file, out, ScriptedChat()).run()
    console = Console(file=io.StringIO(), width=200)
    console.print(summary_table(summary, out))
    text = console.file.getvalue()
    assert str(out / "samples.jsonl") in text and str(out / "rejects.jsonl") in text
    assert "agentsft reasons" in text and "rerun the same command" in text
    assert f"{summary.candidates} = {summary.accepted} + {summary.rejected}" in text
