"""The OpenAI fine-tuning validator: valid examples pass, each kind of malformed example is named with its line,
and our own openai export passes it."""

import copy
import json

import pytest
from export_samples_data import TOOLS, call, every_kind
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.io.exports import export_samples
from agentsft.io.openai_check import check_example, check_file, check_text

runner = CliRunner()

TEXT = {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"},
                     {"role": "assistant", "content": "4"}]}
TOOL = {"messages": [{"role": "user", "content": "3*4?"},
                     {"role": "assistant", "content": "", "tool_calls": [call("c1", "3*4")]},
                     {"role": "tool", "tool_call_id": "c1", "content": "12"},
                     {"role": "assistant", "content": "12", "weight": 1}],
        "tools": TOOLS, "parallel_tool_calls": False}


def _codes(rec):
    return {code for code, _, _ in check_example(rec)}


def _mutated(base, change):
    rec = copy.deepcopy(base)
    change(rec)
    return rec


def test_valid_examples_pass():
    assert check_example(TEXT) == [] and check_example(TOOL) == []
    ends_in_call = {"messages": TOOL["messages"][:2], "tools": TOOLS}  # learning to call is a valid example
    assert check_example(ends_in_call) == []
    parts = {"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]},
                          {"role": "assistant", "content": "hello", "weight": 0},
                          {"role": "user", "content": "again"}, {"role": "assistant", "content": "hello again"}]}
    assert check_example(parts) == []


MALFORMED = [
    ("not_object", None, None),  # a JSON array, not an object
    ("unknown_key", lambda r: r.update(metadata={"a": 1}), TEXT),
    ("no_messages", lambda r: r.update(messages=[]), TEXT),
    ("bad_role", lambda r: r["messages"][1].update(role="human"), TEXT),
    ("unknown_key", lambda r: r["messages"][1].update(weight=1), TEXT),
    ("missing_content", lambda r: r["messages"][1].pop("content"), TEXT),
    ("empty_content", lambda r: r["messages"][2].update(content="  "), TEXT),
    ("bad_content", lambda r: r["messages"][1].update(content=[{"type": "image_url"}]), TEXT),
    ("bad_content", lambda r: r["messages"][0].update(content=42), TEXT),
    ("last_not_assistant", lambda r: r["messages"].append({"role": "user", "content": "more?"}), TEXT),
    ("role_order", lambda r: r["messages"].insert(2, {"role": "system", "content": "late"}), TEXT),
    ("role_order", lambda r: r["messages"].insert(1, {"role": "assistant", "content": "first"}), TEXT),
    ("role_order", lambda r: r["messages"].append({"role": "assistant", "content": "again"}), TEXT),
    ("bad_weight", lambda r: r["messages"][3].update(weight=2), TOOL),
    ("bad_weight", lambda r: r["messages"][3].update(weight=True), TOOL),
    ("nothing_trained", lambda r: r["messages"][2].update(weight=0), TEXT),
    ("bad_arguments", lambda r: r["messages"][1]["tool_calls"][0]["function"].update(arguments={"expression": "3*4"}),
     TOOL),
    ("bad_arguments", lambda r: r["messages"][1]["tool_calls"][0]["function"].update(arguments="{3*4"), TOOL),
    ("bad_arguments", lambda r: r["messages"][1]["tool_calls"][0]["function"].update(arguments="[1, 2]"), TOOL),
    ("bad_tool_calls", lambda r: r["messages"][1]["tool_calls"][0].update(type="code"), TOOL),
    ("bad_tool_calls", lambda r: r["messages"][1].update(tool_calls=[]), TOOL),
    ("bad_tool_calls", lambda r: r["messages"][1]["tool_calls"][0].pop("id"), TOOL),
    ("bad_tool_call_id", lambda r: r["messages"][2].update(tool_call_id="c9"), TOOL),
    ("bad_tool_call_id", lambda r: r["messages"].insert(3, dict(r["messages"][2])), TOOL),
    ("unanswered_call", lambda r: r["messages"].pop(2), TOOL),
    ("duplicate_call_id", lambda r: r["messages"][1]["tool_calls"].append(call("c1", "1+1")), TOOL),
    ("tool_not_declared", lambda r: r.pop("tools"), TOOL),
    ("tool_not_declared", lambda r: r["messages"][1]["tool_calls"][0]["function"].update(name="weather"), TOOL),
    ("bad_tools", lambda r: r.update(tools=[]), TOOL),
    ("bad_tools", lambda r: r["tools"][0]["function"].update(name="calc ulator"), TOOL),
    ("bad_tools", lambda r: r["tools"][0]["function"].update(parameters={"type": "string"}), TOOL),
    ("bad_tools", lambda r: r["tools"].append(copy.deepcopy(r["tools"][0])), TOOL),
    ("bad_tools", lambda r: r.update(parallel_tool_calls="yes"), TOOL),
    ("bad_tools", lambda r: r.update(functions=[TOOLS[0]["function"]]), TOOL),
    ("unknown_key", lambda r: r["tools"][0].update(name="calculator"), TOOL),
    ("unknown_key", lambda r: r["messages"][2].update(name="calculator"), TOOL),
]


@pytest.mark.parametrize("code,change,base", MALFORMED, ids=[f"{i}-{m[0]}" for i, m in enumerate(MALFORMED)])
def test_each_kind_of_malformed_example_is_rejected_with_its_code(code, change, base):
    rec = _mutated(base, change) if base is not None else [TEXT]
    assert code in _codes(rec)


def test_legacy_function_calling_is_checked_too():
    ok = {"functions": [TOOLS[0]["function"]], "messages": [
        {"role": "user", "content": "3*4?"},
        {"role": "assistant", "function_call": {"name": "calculator", "arguments": "{\"expression\": \"3*4\"}"}},
        {"role": "function", "name": "calculator", "content": "12"}, {"role": "assistant", "content": "12"}]}
    assert check_example(ok) == []
    assert "role_order" in _codes(_mutated(ok, lambda r: r["messages"][2].update(name="other")))
    assert "tool_not_declared" in _codes(_mutated(ok, lambda r: r.pop("functions")))


def test_file_check_names_lines_and_survives_bad_json(tmp_path):
    bad = _mutated(TOOL, lambda r: r["messages"][2].update(tool_call_id="nope"))
    lines = [json.dumps(TEXT), "", "{not json", json.dumps(bad), json.dumps([1])]
    path = tmp_path / "ft.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = check_file(path)
    assert result.examples == 4 and result.bad_lines == [3, 4, 5]
    text = [p.format(path) for p in result.problems]
    assert any(t.startswith(f"{path}:3: not valid JSON") for t in text)
    assert any(t.startswith(f"{path}:4: messages[2]: tool_call_id 'nope'") for t in text)
    assert check_text(json.dumps(TEXT)).ok


def test_our_openai_export_passes_the_validator(tmp_path):
    out = tmp_path / "ft.jsonl"
    summary = export_samples(every_kind(), out, "openai")
    result = check_file(out)
    assert summary.written == len(every_kind()) and result.examples == summary.written and result.ok


def test_the_export_skips_a_sample_openai_would_refuse(tmp_path):
    from agentsft.schema import Message, Sample, TaskType

    no_tools = Sample(id="n", lang="en", task_type=TaskType.TOOL_USE, messages=[
        Message(role="user", content="3*4?"), Message.model_validate({"role": "assistant", "tool_calls": [call("c", "3*4")]}),
        Message(role="tool", tool_call_id="c", content="12"), Message(role="assistant", content="12")])
    summary = export_samples([no_tools], tmp_path / "o.jsonl", "openai")
    assert summary.written == 0 and "tool_not_declared" in next(iter(summary.skipped))


def test_check_command_exit_codes(tmp_path):
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text(json.dumps(TEXT) + "\n" + json.dumps(TOOL) + "\n", encoding="utf-8")
    bad.write_text(json.dumps(TEXT) + "\n" + json.dumps({"messages": [{"role": "user", "content": "hi"}]}) + "\n",
                   encoding="utf-8")
    res = runner.invoke(app, ["export", "--check", str(good)])
    assert res.exit_code == 0 and "2 examples, 0 malformed" in res.output and "at least 10" in res.output
    good.write_text((json.dumps(TEXT) + "\n") * 10, encoding="utf-8")
    res = runner.invoke(app, ["export", "--check", str(good)])
    assert res.exit_code == 0 and "note" not in res.output
    res = runner.invoke(app, ["export", "--check", str(bad)])
    assert res.exit_code == 1 and f"{bad}:2:" in res.output and "last_not_assistant" in res.output
    res = runner.invoke(app, ["export", "--check", str(tmp_path / "missing.jsonl")])
    assert res.exit_code == 2 and "missing.jsonl" in res.output
