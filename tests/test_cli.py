"""The command line as a user meets it: help, one-line errors with file:line and exit 2, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.schema import Reason

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def agentsft(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}
    return subprocess.run([sys.executable, "-m", "agentsft", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


def test_help_lists_commands_and_grow_flags():
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0 and "grow" in top.output and "reasons" in top.output
    grow = runner.invoke(app, ["grow", "--help"])
    for flag in ("--seeds", "--target", "--out", "--model", "--base-url", "--concurrency", "--seed", "--recipe",
                 "--resume", "--format", "--lang", "--timeout", "--docs", "--domain", "--topics"):
        assert flag in grow.output


def test_reasons_lists_the_closed_set():
    result = runner.invoke(app, ["reasons"])
    assert result.exit_code == 0
    for reason in Reason:
        assert reason.value in result.output


BAD_FILES = {
    "invalid_json.jsonl": (b'{"instruction": "a", "instances": [{"input": "", "output": "b"}]}\n{"instruction": \n', 2),
    "missing_instruction.jsonl": (b'{"instances": [{"input": "", "output": "b"}], "name": "x"}\n', 1),
    "wrong_types.jsonl": (b'{"instruction": "a", "instances": "oops"}\n', 1),
    "empty.jsonl": (b"", None),
    "garbage.jsonl": (b"\x00\xff\xfe\x89PNG\r\n\x1a\n\x00\x00", 1),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_malformed_seed_file_is_one_line_error_exit_2_nothing_written(tmp_path, name):
    data, line = BAD_FILES[name]
    seeds = tmp_path / name
    seeds.write_bytes(data)
    out = tmp_path / "run"
    proc = agentsft("grow", "--seeds", str(seeds), "--out", str(out), "--target", "1", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    err_lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(err_lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    where = f"{seeds}:{line}:" if line else f"{seeds}:"
    assert where in err_lines[0].replace("error: ", "")
    assert not out.exists()


def test_bad_recipe_value_is_one_line_error(tmp_path, seed_file):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("target: -3\n", encoding="utf-8")
    proc = agentsft("grow", "--seeds", str(seed_file), "--recipe", str(recipe), "--out", str(tmp_path / "o"),
                    cwd=tmp_path)
    assert proc.returncode == 2 and "target" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_resume_without_a_run_is_an_error(tmp_path, seed_file):
    proc = agentsft("grow", "--seeds", str(seed_file), "--out", str(tmp_path / "none"), "--resume", cwd=tmp_path)
    assert proc.returncode == 2 and "nothing to resume" in proc.stderr


def test_dedup_command_round_trips_alpaca(tmp_path):
    data = tmp_path / "a.json"
    data.write_text(
        '[{"instruction": "Explain what inflation is.", "input": "", "output": "Prices rise."},\n'
        ' {"instruction": "explain what inflation is", "input": "", "output": "Money buys less."},\n'
        ' {"instruction": "Name three prime numbers.", "input": "", "output": "2, 3, 5"},\n'
        ' {"instruction": "", "input": "", "output": "orphan"}]\n', encoding="utf-8")
    out, rej = tmp_path / "kept.json", tmp_path / "rej.jsonl"
    proc = agentsft("dedup", str(data), "--out", str(out), "--rejects", str(rej), "--embedder", "none", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "read 4" in proc.stdout and "kept 2" in proc.stdout
    import json
    kept = json.loads(out.read_text(encoding="utf-8"))
    assert [k["instruction"] for k in kept] == ["Explain what inflation is.", "Name three prime numbers."]
    rejects = [json.loads(line) for line in rej.read_text(encoding="utf-8").splitlines()]
    assert {r["reason"] for r in rejects} == {"duplicate_exact", "field_invalid"}
    assert any(r.get("twin_line") == 1 for r in rejects)


def test_dedup_bad_field_is_an_error(tmp_path, seed_file):
    proc = agentsft("dedup", str(seed_file), "--out", str(tmp_path / "o"), "--rejects", str(tmp_path / "r"),
                    "--field", "nope", cwd=tmp_path)
    assert proc.returncode == 2 and "--field" in proc.stderr
