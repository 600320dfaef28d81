"""The HTML report: every section present, offline, comparison side by side; the CLI command."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.report import evaluate, report_command, write_outputs
from agentsft.report.html import SECTIONS, render


def _sections(page: str) -> list[str]:
    return re.findall(r"<section id='([a-z]+)'>", page)


def test_every_section_is_present_and_the_page_is_offline(run_dir, char_tokenizer):
    page = render(evaluate(run_dir, tokenizer=char_tokenizer, use_embedder=False))
    assert _sections(page) == list(SECTIONS)
    assert "<script" not in page and not re.search(r"(src|href)=['\"]https?:", page)
    assert page.count("data:image/png;base64,") >= 4  # funnel, mix, per-type lengths and tokens, judge, rounds
    for text in ("ungrounded_number", "groundedness", "60.0%", "0.3600 USD", "Prices are examples", "写"):
        assert text in page


def test_a_plain_file_marks_the_run_only_sections(alpaca_file):
    page = render(evaluate(alpaca_file, use_embedder=False))
    assert _sections(page) == list(SECTIONS)
    assert "not available for a plain file" in page
    assert "candidates = accepted + rejected" in page


def test_comparison_puts_both_inputs_side_by_side(run_dir, alpaca_file, tmp_path):
    results = evaluate(run_dir, alpaca_file, use_embedder=False)
    assert [r["kind"] for r in results] == ["run", "file"]
    html_path, json_path = tmp_path / "r.html", tmp_path / "m.json"
    write_outputs(results, str(html_path), str(json_path))
    page = html_path.read_text(encoding="utf-8")
    assert "<th>run</th><th>alpaca.json</th>" in page  # summary columns
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert [r["name"] for r in data["inputs"]] == ["run", "alpaca.json"]
    assert data["inputs"][0]["funnel"]["candidates"] == 11 and data["inputs"][1]["funnel"] is None


def test_eval_command_writes_the_report(run_dir, tmp_path):
    out = tmp_path / "out" / "report.html"
    res = CliRunner().invoke(app, ["eval", str(run_dir), "--html", str(out), "--json", str(tmp_path / "m.json"),
                                   "--tokenizer", "none", "--no-embed"])
    assert res.exit_code == 0, res.output
    assert "candidates 11" in res.output and out.is_file()
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["funnel"]["accepted"] == 4


def test_eval_command_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"instruction": "x", "output": "y"}\nnot json\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", str(bad), "--html", str(tmp_path / "r.html"), "--tokenizer", "none",
                                   "--no-embed"])
    assert res.exit_code == 2 and "bad.jsonl:2" in res.output
    assert not (tmp_path / "r.html").exists()
    res = CliRunner().invoke(app, ["eval", str(tmp_path / "nope"), "--tokenizer", "none"])
    assert res.exit_code == 2 and "no such file" in res.output


def test_report_command_names_the_run():
    assert report_command("runs/demo") == "agentsft eval runs/demo --html runs/demo/report.html"


def test_a_run_with_no_sample_yet_still_reports(tmp_path):
    run = tmp_path / "empty"
    run.mkdir()
    (run / "manifest.json").write_text('{"status": "running", "config": {}}', encoding="utf-8")
    (run / "ledger.jsonl").write_text('{"round": 1, "minted": [{"id": "c1"}, {"id": "c2"}], "rejects": []}\n')
    (run / "rejects.jsonl").write_text('{"candidate_id": "c1", "stage": "filter", "reason": "too_short"}\n')
    results = evaluate(run, use_embedder=False)
    assert results[0]["funnel"]["in_flight"] == 1 and results[0]["shape"]["mix"]["tvd"] is None
    assert _sections(render(results)) == list(SECTIONS)
