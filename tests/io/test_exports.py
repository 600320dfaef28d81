"""Exports are mappings of the conversation record; a format that cannot hold a sample counts it as skipped."""

import json

import pytest

from agentsft.io.errors import InputError
from agentsft.io.exports import export_samples, load_samples
from agentsft.io.toolformats import to_trace
from agentsft.schema import Message, Sample, TaskType

TOOLS = [{"type": "function", "function": {"name": "calculator", "description": "exact arithmetic", "parameters": {
    "type": "object", "properties": {"expression": {"type": "string"}}, "required": ["expression"]}}}]


def _trace_sample():
    msgs = [Message(role="user", content="3 pens at 4.5 yuan: total?"),
            Message.model_validate({"role": "assistant", "content": "", "tool_calls": [{"id": "call_0", "type": "function",
                                    "function": {"name": "calculator", "arguments": '{"expression": "3*4.5"}'}}]}),
            Message(role="tool", tool_call_id="call_0", content="27/2 ≈ 13.5"),
            Message(role="assistant", content="13.5 yuan.")]
    return Sample(id="t", lang="en", task_type=TaskType.TOOL_USE, messages=msgs, tools=TOOLS)


def _plain_sample():
    return Sample.from_triple("Translate.", "你好", "Hello", lang="en", task_type=TaskType.TRANSLATION)


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_openai_export_holds_messages_and_tools(tmp_path):
    out = tmp_path / "o.jsonl"
    summary = export_samples([_trace_sample(), _plain_sample()], out, "openai")
    rows = _read(out)
    assert summary.written == 2 and rows[0]["tools"] == TOOLS and "tools" not in rows[1]
    assert rows[0]["messages"][1]["tool_calls"][0]["function"]["arguments"] == '{"expression": "3*4.5"}'
    assert rows[1]["messages"] == [{"role": "user", "content": "Translate.\n\n你好"}, {"role": "assistant", "content": "Hello"}]


def test_sharegpt_export_is_llamafactory_shaped_with_dataset_info(tmp_path):
    out = tmp_path / "data" / "tool.jsonl"
    summary = export_samples([_trace_sample()], out, "sharegpt")
    row = _read(out)[0]
    assert [t["from"] for t in row["conversations"]] == ["human", "function_call", "observation", "gpt"]
    assert json.loads(row["conversations"][1]["value"]) == {"name": "calculator", "arguments": {"expression": "3*4.5"}}
    assert isinstance(row["tools"], str) and json.loads(row["tools"])[0]["name"] == "calculator"
    info = json.loads((tmp_path / "data" / "dataset_info.json").read_text(encoding="utf-8"))
    assert info["tool"]["file_name"] == "tool.jsonl" and info["tool"]["formatting"] == "sharegpt"
    assert summary.extra_files
    back = to_trace(row, "sharegpt")
    assert back["messages"][2]["content"] == "27/2 ≈ 13.5"


def test_xlam_export_skips_samples_without_calls(tmp_path):
    out = tmp_path / "x.jsonl"
    summary = export_samples([_trace_sample(), _plain_sample()], out, "xlam")
    row = _read(out)[0]
    assert summary.written == 1 and sum(summary.skipped.values()) == 1
    assert json.loads(row["answers"]) == [{"name": "calculator", "arguments": {"expression": "3*4.5"}}]


def test_alpaca_export_is_the_view_and_skips_traces(tmp_path):
    out = tmp_path / "a.jsonl"
    summary = export_samples([_trace_sample(), _plain_sample()], out, "alpaca")
    assert _read(out) == [{"instruction": "Translate.", "input": "你好", "output": "Hello"}]
    assert summary.skipped == {"not single-turn text (tool calls or several turns)": 1}


def test_load_samples_reads_old_and_new_lines_and_names_bad_lines(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    old = {"id": "o", "lang": "zh", "task_type": "qa", "instruction": "什么是复利？", "output": "利滚利。"}
    new = _trace_sample().model_dump(mode="json", exclude_none=True)
    (run / "samples.jsonl").write_text(json.dumps(old, ensure_ascii=False) + "\n" + json.dumps(new) + "\n", encoding="utf-8")
    samples = load_samples(run)
    assert [s.id for s in samples] == ["o", "t"] and samples[0].messages[1].content == "利滚利。"
    (run / "samples.jsonl").write_text(json.dumps(old, ensure_ascii=False) + "\n{\"id\": 1}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"samples.jsonl:2"):
        load_samples(run)


def test_unknown_format_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export_samples([], tmp_path / "x", "parquet")


def test_dataset_info_keeps_other_datasets_and_xlam_skips_dependent_calls(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "dataset_info.json").write_text(json.dumps({"alpaca_zh": {"file_name": "alpaca_zh.json"}}), encoding="utf-8")
    export_samples([_trace_sample()], data / "tool.jsonl", "sharegpt")
    info = json.loads((data / "dataset_info.json").read_text(encoding="utf-8"))
    assert set(info) == {"alpaca_zh", "tool"}
    two = _trace_sample()
    two.messages[3:3] = [Message.model_validate({"role": "assistant", "content": "", "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "calculator", "arguments": '{"expression": "13.5+1"}'}}]}),
        Message(role="tool", tool_call_id="call_1", content="29/2 ≈ 14.5")]
    summary = export_samples([two], tmp_path / "x.jsonl", "xlam")
    assert summary.written == 0 and "several turns" in next(iter(summary.skipped))
