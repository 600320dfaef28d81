"""Tests of agentsft.io.toolformats: openai / sharegpt (LLaMA-Factory) / xlam records <-> the neutral trace."""

from __future__ import annotations

import copy
import json

import pytest

from agentsft.io import InputError
from agentsft.io.toolformats import (
    OBSERVATION_JOIN,
    dataset_info_entry,
    detect_trace_format,
    from_trace,
    read_traces,
    to_trace,
    write_traces,
)

CALC_FN = {"name": "calculator", "description": "Evaluate an arithmetic expression exactly.",
           "parameters": {"type": "object", "properties": {"expression": {"type": "string",
                                                                          "description": "e.g. 35-3*4.5"}},
                          "required": ["expression"]}}

OPENAI = {
    "messages": [
        {"role": "system", "content": "你是一个会使用计算器的助手。"},
        {"role": "user", "content": "小明有35元，买了3支4.5元的笔，还剩多少钱？"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_a1", "type": "function",
             "function": {"name": "calculator", "arguments": "{\"expression\": \"35-3*4.5\"}"}}]},
        {"role": "tool", "tool_call_id": "call_a1", "content": "21.5"},
        {"role": "assistant", "content": "还剩21.5元。"},
    ],
    "tools": [{"type": "function", "function": CALC_FN}],
    "id": "zh-0001",
}

SHAREGPT = {
    "conversations": [
        {"from": "human", "value": "A rectangle is 12.5 m by 8 m, and a square has side 7 m. Areas?"},
        {"from": "function_call",
         "value": "[{\"name\": \"calculator\", \"arguments\": {\"expression\": \"12.5*8\"}}, "
                  "{\"name\": \"calculator\", \"arguments\": {\"expression\": \"7**2\"}}]"},
        {"from": "observation", "value": "100" + OBSERVATION_JOIN + "49"},
        {"from": "gpt", "value": "The rectangle is 100 m² and the square 49 m²."},
        {"from": "human", "value": "And their sum?"},
        {"from": "function_call", "value": "{\"name\": \"calculator\", \"arguments\": {\"expression\": \"100+49\"}}"},
        {"from": "observation", "value": "149"},
        {"from": "gpt", "value": "Together 149 m²."},
    ],
    "system": "You are a helpful assistant with a calculator.",
    "tools": json.dumps([CALC_FN]),
}

XLAM = {
    "id": 7,
    "query": "Where can I find live giveaways for beta access and games?",
    "answers": "[{\"name\": \"live_giveaways_by_type\", \"arguments\": {\"type\": \"beta\"}}, "
               "{\"name\": \"live_giveaways_by_type\", \"arguments\": {\"type\": \"game\"}}]",
    "tools": "[{\"name\": \"live_giveaways_by_type\", \"description\": \"Retrieve live giveaways from the GamerPower "
             "API based on the specified type.\", \"parameters\": {\"type\": {\"description\": \"The type of giveaways "
             "to retrieve (e.g., game, loot, beta).\", \"type\": \"str\", \"default\": \"game\"}}}, {\"name\": "
             "\"calculate_grade\", \"description\": \"Weighted average grade.\", \"parameters\": {\"scores\": "
             "{\"description\": \"Scores.\", \"type\": \"List[float]\"}, \"weights\": {\"description\": \"Weights.\", "
             "\"type\": \"List[float]\"}, \"round_to\": {\"description\": \"Digits.\", \"type\": \"int, optional\"}}}]",
}


@pytest.mark.parametrize("rec, fmt", [(OPENAI, "openai"), (SHAREGPT, "sharegpt"), (XLAM, "xlam")])
def test_round_trip(rec, fmt):
    original = copy.deepcopy(rec)
    assert detect_trace_format(rec) == fmt
    trace = to_trace(rec, fmt)
    assert rec == original  # the input is not modified
    assert from_trace(trace, fmt, template=rec) == rec
    assert to_trace(from_trace(trace, fmt), fmt) == trace  # without a template: the same trace


def test_sharegpt_to_neutral():
    trace = to_trace(SHAREGPT, "auto")
    roles = [m["role"] for m in trace["messages"]]
    assert roles == ["system", "user", "assistant", "tool", "tool", "assistant", "user", "assistant", "tool",
                     "assistant"]
    parallel = trace["messages"][2]["tool_calls"]
    assert [c["id"] for c in parallel] == ["call_0", "call_1"]
    assert json.loads(parallel[1]["function"]["arguments"]) == {"expression": "7**2"}
    assert [(m["tool_call_id"], m["content"]) for m in trace["messages"][3:5]] == [("call_0", "100"), ("call_1", "49")]
    assert trace["messages"][8]["tool_call_id"] == "call_2"
    assert trace["tools"] == [{"type": "function", "function": CALC_FN}]


def test_sharegpt_variants():
    rec = {"conversations": [{"from": "system", "value": "sys"}, {"from": "human", "value": "2+2?"},
                             {"from": "function_call", "value": '{"name": "calculator", "arguments": {"expression": "2+2"}}'},
                             {"from": "observation", "value": '["4"]'}, {"from": "gpt", "value": "4"}],
           "tools": [{"type": "function", "function": CALC_FN}]}  # wrapped tools, as a list
    trace = to_trace(rec, "sharegpt")
    assert trace["messages"][0] == {"role": "system", "content": "sys"}
    assert trace["tools"][0]["function"]["name"] == "calculator"
    assert from_trace(trace, "sharegpt", rec) == rec
    # parallel results as a JSON list
    two = dict(SHAREGPT, conversations=SHAREGPT["conversations"][:2] + [{"from": "observation", "value": '["100", 49]'}])
    assert [m["content"] for m in to_trace(two, "sharegpt")["messages"][3:5]] == ["100", "49"]


def test_openai_legacy_functions():
    rec = {"messages": [{"role": "user", "content": "6*7?"},
                        {"role": "assistant", "content": None,
                         "function_call": {"name": "calculator", "arguments": '{"expression": "6*7"}'}},
                        {"role": "function", "name": "calculator", "content": "42"},
                        {"role": "assistant", "content": "42"}],
           "functions": [CALC_FN]}
    trace = to_trace(rec, "openai")
    assert trace["messages"][1]["tool_calls"][0]["id"] == "call_0"
    assert trace["messages"][2] == {"role": "tool", "tool_call_id": "call_0", "content": "42"}
    assert trace["tools"] == [{"type": "function", "function": CALC_FN}]
    out = from_trace(trace, "openai", rec)
    assert "functions" not in out and out["tools"] == trace["tools"]


def test_xlam_to_neutral():
    trace = to_trace(XLAM, "xlam")
    assert [m["role"] for m in trace["messages"]] == ["user", "assistant"]
    assert len(trace["messages"][1]["tool_calls"]) == 2
    grade = trace["tools"][1]["function"]["parameters"]
    assert grade["properties"]["scores"]["type"] == "array"
    assert grade["required"] == ["scores", "weights"]  # "int, optional" is not required
    first = trace["tools"][0]["function"]["parameters"]
    assert "required" not in first  # a parameter with a default is not required


def test_cross_format_writes():
    trace = to_trace(OPENAI, "openai")
    share = from_trace(trace, "sharegpt")
    assert share["system"] == "你是一个会使用计算器的助手。"
    assert [t["from"] for t in share["conversations"]] == ["human", "function_call", "observation", "gpt"]
    assert json.loads(share["conversations"][1]["value"]) == {"name": "calculator",
                                                              "arguments": {"expression": "35-3*4.5"}}
    assert json.loads(share["tools"]) == [CALC_FN]
    xlam = from_trace(trace, "xlam")
    assert xlam["query"] == OPENAI["messages"][1]["content"]
    assert json.loads(xlam["answers"]) == [{"name": "calculator", "arguments": {"expression": "35-3*4.5"}}]
    assert json.loads(xlam["tools"])[0]["parameters"]["expression"]["type"] == "str"


@pytest.mark.parametrize("rec, fmt, words", [
    ({"messages": "x"}, "openai", "messages"),
    ({"messages": [{"role": "wizard", "content": "x"}]}, "openai", "messages[0]"),
    ({"conversations": [{"from": "alien", "value": "x"}]}, "sharegpt", "alien"),
    ({"conversations": [{"from": "human", "value": "x"}, {"from": "function_call", "value": "{bad"}]},
     "sharegpt", "not valid JSON"),
    ({"conversations": [{"from": "human", "value": "x"}, {"from": "observation", "value": "1"}]},
     "sharegpt", "no function_call"),
    ({"conversations": [{"from": "human", "value": "x"},
                        {"from": "function_call", "value": '[{"name": "a"}, {"name": "b"}]'},
                        {"from": "observation", "value": "1"}]}, "sharegpt", "parallel"),
    ({"query": "", "answers": "[]", "tools": "[]"}, "xlam", "query"),
    ({"query": "q", "answers": "[{", "tools": "[]"}, "xlam", "answers"),
    ({"query": "q", "answers": "[]", "tools": '[{"description": "no name"}]'}, "xlam", "tools[0]"),
    ({"foo": 1}, "auto", "not a tool trace"),
])
def test_malformed_records(rec, fmt, words):
    with pytest.raises(ValueError) as info:
        to_trace(rec, fmt)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_detect_trace_format():
    assert detect_trace_format({"instruction": "x", "output": "y"}) is None
    assert detect_trace_format({"query": "q", "answers": "[]", "tools": "[]"}) == "xlam"


def test_dataset_info_entry():
    entry = dataset_info_entry("verified.jsonl")
    assert entry["file_name"] == "verified.jsonl" and entry["formatting"] == "sharegpt"
    assert entry["columns"] == {"messages": "conversations", "system": "system", "tools": "tools"}
    assert entry["tags"]["function_tag"] == "function_call" and entry["tags"]["observation_tag"] == "observation"
    assert entry["tags"]["user_tag"] == "human" and entry["tags"]["assistant_tag"] == "gpt"


def test_read_and_write_traces(tmp_path):
    path = tmp_path / "mixed.jsonl"
    write_traces(path, [OPENAI, SHAREGPT, XLAM, {"foo": 1}])
    rows = read_traces(path)
    assert [(line, fmt) for line, _, fmt in rows] == [(1, "openai"), (2, "sharegpt"), (3, "xlam"), (4, None)]
    assert [rec for _, rec, _ in rows] == [OPENAI, SHAREGPT, XLAM, {"foo": 1}]
    array = tmp_path / "array.json"
    write_traces(array, [XLAM, XLAM], array=True)
    assert [(fmt, rec) for _, rec, fmt in read_traces(array)] == [("xlam", XLAM), ("xlam", XLAM)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": []}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_traces(bad)
    assert str(info.value).startswith(f"{bad}:2:")
