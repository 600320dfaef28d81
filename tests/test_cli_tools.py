"""The tool-use commands: calc, verify, export, stages; and recipe stage errors at grow."""

import json

from typer.testing import CliRunner

from agentsft.cli import app

runner = CliRunner()


def test_calc_prints_exact_and_decimal():
    res = runner.invoke(app, ["calc", "2.35*13.6 + 2*58.9 - 15"])
    assert res.exit_code == 0 and res.stdout.strip() == "3369/25 ≈ 134.76"
    assert runner.invoke(app, ["calc", "150*20%"]).stdout.strip() == "30"


def test_calc_refuses_code_with_exit_2():
    res = runner.invoke(app, ["calc", "__import__('os').system('true')"])
    assert res.exit_code == 2 and "not allowed" in res.output


def _trace(answer="The total is 13.5 yuan.", observation="27/2 ≈ 13.5"):
    return {"messages": [
        {"role": "user", "content": "3 pens at 4.5 yuan each: total?"},
        {"role": "assistant", "content": "", "tool_calls": [{"id": "c0", "type": "function", "function": {
            "name": "calculator", "arguments": "{\"expression\": \"3*4.5\"}"}}]},
        {"role": "tool", "tool_call_id": "c0", "content": observation},
        {"role": "assistant", "content": answer}]}


def test_verify_writes_kept_in_input_format_and_rejects_with_codes(tmp_path):
    src = tmp_path / "t.jsonl"
    rows = [_trace(), _trace(answer="The total is 14 yuan."), _trace(observation="14")]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["verify", str(src), "--out", str(tmp_path / "k.jsonl"), "--rejects", str(tmp_path / "r.jsonl")])
    assert res.exit_code == 0, res.output
    kept = [json.loads(x) for x in (tmp_path / "k.jsonl").read_text().splitlines()]
    rejects = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert kept == [rows[0]]
    assert [r["reason"] for r in rejects] == ["answer_unsupported", "tool_result_mismatch"]


def test_verify_unreadable_file_is_one_line_error(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"messages": [}\n', encoding="utf-8")
    res = runner.invoke(app, ["verify", str(src), "--out", str(tmp_path / "k"), "--rejects", str(tmp_path / "r")])
    assert res.exit_code == 2 and "bad.jsonl:1" in res.output
    assert not (tmp_path / "k").exists() and not (tmp_path / "r").exists()


def test_export_and_stages_commands(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    sample = {"id": "t", "lang": "en", "task_type": "tool_use", **_trace()}
    (run / "samples.jsonl").write_text(json.dumps(sample) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["export", str(run), "--format", "sharegpt", "--out", str(tmp_path / "o" / "d.jsonl")])
    assert res.exit_code == 0 and "wrote 1 records" in res.output
    assert (tmp_path / "o" / "dataset_info.json").exists()
    res = runner.invoke(app, ["stages"])
    assert res.exit_code == 0 and all(n in res.output for n in ("screen", "tooluse", "verify", "max_calls"))


def test_grow_with_an_unknown_stage_is_exit_2_naming_the_recipe(tmp_path, seed_file):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"grow:\n  seeds: [{seed_file}]\n  stages: [screen, polish]\n", encoding="utf-8")
    res = runner.invoke(app, ["grow", "--recipe", str(recipe), "--out", str(tmp_path / "o"), "--quiet"])
    assert res.exit_code == 2 and "unknown stage 'polish'" in res.output and "r.yaml" in res.output


def test_grow_with_an_unknown_tool_or_model_in_a_stage_is_exit_2(tmp_path, seed_file):
    for stage, words in (("{tooluse: {tools: [weather]}}", "unknown tool(s) weather"),
                         ("{cot: {models: [main, qwen]}}", "unknown model(s) qwen")):
        recipe = tmp_path / "r.yaml"
        recipe.write_text(f"grow:\n  seeds: [{seed_file}]\n  stages: [screen, {stage}]\n", encoding="utf-8")
        res = runner.invoke(app, ["grow", "--recipe", str(recipe), "--out", str(tmp_path / "o"), "--quiet"])
        assert res.exit_code == 2 and words in res.output and not (tmp_path / "o").exists()
