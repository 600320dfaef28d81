"""A run grown on the scripted model: `grow` names the report command, and `eval` agrees with the run's own counts."""

from __future__ import annotations

from fakes import ScriptedChat
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.config import RunConfig
from agentsft.graph.run import GrowRun
from agentsft.llm import LLMService, RequestCache
from agentsft.report import evaluate
from agentsft.report.html import SECTIONS, render
from agentsft.store import RunStore


def test_grow_prints_the_report_command_and_eval_matches_the_manifest(seed_file, tmp_path, monkeypatch):
    out = tmp_path / "run"

    def open_scripted(cfg):
        conf = RunConfig(seeds=[seed_file], out=out, target=3, batch_size=2, concurrency=2,
                         novelty={"embedder": "off"})
        llm = LLMService(ScriptedChat(), "scripted", RequestCache(RunStore.cache_file(out)), 2)
        return GrowRun(conf, llm, "scripted fake")

    monkeypatch.setattr("agentsft.graph.launch.open_run", open_scripted)
    res = CliRunner().invoke(app, ["grow", "--seeds", str(seed_file), "--out", str(out), "--target", "3", "--quiet"])
    assert res.exit_code == 0, res.output
    assert f"agentsft eval {out} --html {out / 'report.html'}" in res.output.replace("\n", "")

    result = evaluate(out, use_embedder=False)[0]
    manifest = result["funnel"]["manifest_counts"]
    f = result["funnel"]
    assert (f["candidates"], f["accepted"], f["rejected"]) == (manifest["candidates"], manifest["accepted"],
                                                               manifest["rejected"])
    assert f["consistent"] and f["accepted"] == 3 and result["seeds"] == 8
    assert result["cost"]["calls"] >= 1 and result["cost"]["price_row"] is None  # "scripted" has no price
    page = render([result])
    assert all(f"<section id='{s}'>" in page for s in SECTIONS)
