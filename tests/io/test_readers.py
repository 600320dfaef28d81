"""Tests of agentsft.io readers: format detection, conversion, located errors, writer."""

from __future__ import annotations

import json
import os
import pickle

import pytest

from agentsft.io import (
    FORMATS,
    InputError,
    detect_format,
    read_records,
    read_seed_files,
    read_seeds,
    write_jsonl,
)
from agentsft.schema import TaskType


def jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def si(i, instruction="Give a synonym of the word.", **extra):
    return {
        "id": f"seed_task_{i}",
        "name": f"task_{i}",
        "instruction": instruction,
        "instances": [{"input": "happy", "output": "glad"}],
        "is_classification": False,
        **extra,
    }


def input_error(path, fmt="auto", **kw) -> InputError:
    with pytest.raises(InputError) as info:
        read_seeds(path, fmt=fmt, **kw)
    err = info.value
    assert "\n" not in str(err)
    return err


# --------------------------------------------------------------------------- InputError


def test_input_error_format():
    e = InputError("a/x.jsonl", 7, "field 'instruction' is missing")
    assert str(e) == "a/x.jsonl:7: field 'instruction' is missing"
    assert (e.path, e.line, e.message) == ("a/x.jsonl", 7, "field 'instruction' is missing")
    e = InputError("x.jsonl", None, "file is empty\nreally")
    assert str(e) == "x.jsonl: file is empty really"
    again = pickle.loads(pickle.dumps(e))
    assert (again.path, again.line, again.message) == (e.path, e.line, e.message)


# --------------------------------------------------------------------------- formats


def test_self_instruct_jsonl(tmp_path):
    p = jsonl(tmp_path / "seeds.jsonl", [si(0), si(1, "请给出下面词语的同义词", task_type="paraphrase")])
    assert detect_format(p) == "self_instruct"
    assert [line for line, _ in read_records(p)] == [1, 2]
    a, b = read_seeds(p)
    assert a.id == "seed_task_0" and a.name == "task_0" and a.lang == "en"
    assert a.instances[0].input == "happy" and a.instances[0].output == "glad"
    assert a.source == f"{p}:1" and a.task_type is None
    assert b.lang == "zh" and b.task_type is TaskType.PARAPHRASE and b.source == f"{p}:2"


def test_self_instruct_keeps_extra_fields(tmp_path):
    rec = si(0, task_type="tool_use", lang="en", answer=3367,
             messages=[{"role": "user", "content": "37*91?"}, {"role": "assistant", "content": "3367"}])
    (seed,) = read_seeds(jsonl(tmp_path / "s.jsonl", [rec]))
    assert seed.task_type is TaskType.TOOL_USE and seed.lang == "en"
    assert [m.role for m in seed.messages] == ["user", "assistant"]


def test_alpaca_jsonl(tmp_path):
    p = jsonl(tmp_path / "alp.jsonl", [
        {"instruction": "Translate to French.", "input": "cat", "output": "chat"},
        {"instruction": "Name a colour.", "input": None, "output": "red"},
        {"instruction": "Say hi.", "output": "hi"},
    ])
    assert detect_format(p) == "alpaca"
    seeds = read_seeds(p)
    assert [s.id for s in seeds] == ["alp_1", "alp_2", "alp_3"]
    assert [(s.instances[0].input, s.instances[0].output) for s in seeds] == [("cat", "chat"), ("", "red"), ("", "hi")]


def test_alpaca_json_array_lines(tmp_path):
    p = tmp_path / "alpaca_data.json"
    p.write_text(
        "[\n"
        '  {\n'  # line 2
        '    "instruction": "Give three tips for staying healthy.",\n'
        '    "input": "",\n'
        '    "output": "Eat well, sleep, move."\n'
        "  },\n"
        '  {"instruction": "把这句话翻译成英文。", "input": "你好", "output": "Hello"},\n'  # line 7
        "\n"
        "  {\n"  # line 9
        '    "instruction": "What is 2+2?", "input": "", "output": "4"}\n'
        "]\n",
        encoding="utf-8",
    )
    assert detect_format(p) == "alpaca"
    assert [line for line, _ in read_records(p)] == [2, 7, 9]
    seeds = read_seeds(p)
    assert [s.source for s in seeds] == [f"{p}:2", f"{p}:7", f"{p}:9"]
    assert [s.lang for s in seeds] == ["en", "zh", "en"]
    assert seeds[1].id == "alpaca_data_7"


def test_utf8_bom(tmp_path):
    p = tmp_path / "bom.jsonl"
    body = json.dumps(si(0, "用一句话总结下面的段落"), ensure_ascii=False) + "\n"
    p.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    assert detect_format(p) == "self_instruct"
    (seed,) = read_seeds(p)
    assert seed.instruction == "用一句话总结下面的段落" and seed.lang == "zh"

    arr = tmp_path / "bom.json"
    arr.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"instruction": "Hi", "output": "Hello"}]).encode())
    assert read_records(arr) == [(1, {"instruction": "Hi", "output": "Hello"})]


def test_sharegpt(tmp_path):
    p = jsonl(tmp_path / "sg.jsonl", [
        {"id": "c1", "conversations": [
            {"from": "system", "value": "You are helpful."},
            {"from": "human", "value": "What is the capital of France?"},
            {"from": "gpt", "value": "Paris."},
        ]},
        {"conversations": [
            {"from": "human", "value": "你好，请介绍一下你自己。"},
            {"from": "gpt", "value": "我是一个助手。"},
            {"from": "human", "value": "你能做什么？"},
            {"from": "gpt", "value": "我可以回答问题。"},
        ]},
    ])
    assert detect_format(p) == "sharegpt"
    a, b = read_seeds(p)
    assert a.id == "c1" and a.instruction == "What is the capital of France?"
    assert a.instances[0].output == "Paris." and a.task_type is None and a.lang == "en"
    assert [m.role for m in a.messages] == ["system", "user", "assistant"]
    assert b.id == "sg_2" and b.task_type is TaskType.MULTI_TURN and b.lang == "zh"
    assert b.instruction == "你好，请介绍一下你自己。" and b.instances[0].output == "我是一个助手。"
    assert [m.role for m in b.messages] == ["user", "assistant", "user", "assistant"]


def test_openai_messages_with_tools(tmp_path):
    tools = [{"type": "function", "function": {"name": "calculator", "parameters": {"type": "object"}}}]
    p = jsonl(tmp_path / "oa.jsonl", [{
        "messages": [
            {"role": "system", "content": "Use the calculator."},
            {"role": "user", "content": "What is 37*91?"},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "calculator", "arguments": "{\"expression\": \"37*91\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "3367"},
            {"role": "assistant", "content": "37 × 91 = 3367."},
        ],
        "tools": tools,
    }])
    assert detect_format(p) == "openai"
    (seed,) = read_seeds(p)
    assert seed.instruction == "What is 37*91?"
    assert seed.instances[0].output == "37 × 91 = 3367."
    assert seed.tools == tools
    assert [m.role for m in seed.messages] == ["system", "user", "assistant", "tool", "assistant"]
    assert seed.messages[2].content is None
    assert seed.messages[2].model_dump()["tool_calls"][0]["id"] == "call_1"
    assert seed.task_type is None and seed.id == "oa_1"


def test_samples_format(tmp_path):
    p = jsonl(tmp_path / "samples.jsonl", [{
        "id": "ab12", "lang": "zh", "task_type": "qa", "instruction": "Explain DNS.", "input": "",
        "output": "DNS maps names to addresses.", "messages": None, "tools": None,
        "provenance": {"round": 1},
    }])
    assert detect_format(p) == "samples"
    (seed,) = read_seeds(p)
    assert (seed.id, seed.lang, seed.task_type) == ("ab12", "zh", TaskType.QA)


def test_lang_override_and_record_lang(tmp_path):
    p = jsonl(tmp_path / "l.jsonl", [si(0, "Translate: 我爱你", lang="zh"), si(1, "Spell 'cat'.")])
    assert [s.lang for s in read_seeds(p)] == ["zh", "en"]
    assert [s.lang for s in read_seeds(p, lang="zh")] == ["zh", "zh"]
    with pytest.raises(ValueError):
        read_seeds(p, lang="fr")


def test_format_override(tmp_path):
    # Looks like alpaca (first record has instruction + output) but holds dialogues too.
    p = jsonl(tmp_path / "mixed.jsonl", [{
        "instruction": "ignored", "output": "ignored",
        "conversations": [{"from": "human", "value": "Hi there"}, {"from": "gpt", "value": "Hello!"}],
    }])
    assert detect_format(p) == "alpaca"
    assert read_seeds(p)[0].instruction == "ignored"
    (seed,) = read_seeds(p, fmt="sharegpt")
    assert seed.instruction == "Hi there" and seed.instances[0].output == "Hello!"

    # An unrecognisable file reads fine once the format is forced.
    q = jsonl(tmp_path / "odd.jsonl", [{"instruction": "Name a fruit.", "instances": "apple"}])
    assert str(input_error(q, fmt="alpaca")) == f"{q}:1: field 'output' is missing"
    r = jsonl(tmp_path / "odd2.jsonl", [{"instruction": "Name a fruit.", "answer": "apple"}])
    assert input_error(r).line == 1  # unknown format
    assert read_records(r, fmt="alpaca") == [(1, {"instruction": "Name a fruit.", "answer": "apple"})]
    with pytest.raises(ValueError, match="unknown format"):
        read_seeds(p, fmt="csv")


def test_read_seed_files_unique_ids(tmp_path):
    a = jsonl(tmp_path / "a.jsonl", [si(0), si(1)])
    b = jsonl(tmp_path / "b.jsonl", [si(0), si(2), si(0)])
    seeds = read_seed_files([a, b])
    assert [s.id for s in seeds] == ["seed_task_0", "seed_task_1", "b_seed_task_0", "seed_task_2", "b_seed_task_0_2"]
    assert seeds[2].source == f"{b}:1"
    assert read_seed_files([]) == []


# --------------------------------------------------------------------------- malformed files


def test_invalid_json_line_3(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text(json.dumps(si(0)) + "\n" + json.dumps(si(1)) + "\n" + '{"instruction": "x", "instances": [}\n'
                 + json.dumps(si(3)) + "\n", encoding="utf-8")
    err = input_error(p)
    assert err.line == 3 and err.path == str(p)
    assert str(err).startswith(f"{p}:3: invalid JSON: ")


def test_truncated_line_reports_its_own_line(tmp_path):
    p = tmp_path / "trunc.jsonl"
    p.write_text(json.dumps(si(0)) + "\n" + '{"instruction": "cut off\n' + json.dumps(si(2)) + "\n")
    assert input_error(p).line == 2


def test_invalid_json_array_line(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('[\n  {"instruction": "a", "output": "b"},\n  {"instruction": "c" "output": "d"}\n]\n')
    err = input_error(p)
    assert err.line == 3 and "invalid JSON" in err.message


def test_line_not_an_object(tmp_path):
    p = tmp_path / "arr.jsonl"
    p.write_text(json.dumps(si(0)) + "\n\n" + '["not", "an", "object"]\n')
    assert str(input_error(p)) == f"{p}:3: expected a JSON object, got array"
    q = tmp_path / "arr.json"
    q.write_text('[\n  {"instruction": "a", "output": "b"},\n  42\n]')
    assert str(input_error(q)) == f"{q}:3: expected a JSON object, got number"


def test_missing_instruction_line_7(tmp_path):
    recs = [si(i) for i in range(8)]
    del recs[6]["instruction"]
    p = jsonl(tmp_path / "x.jsonl", recs)
    assert str(input_error(p)) == f"{p}:7: field 'instruction' is missing"


def test_empty_instruction(tmp_path):
    p = jsonl(tmp_path / "x.jsonl", [si(0), si(1, "   ")])
    assert str(input_error(p)) == f"{p}:2: field 'instruction' is empty"


def test_instances_is_a_string(tmp_path):
    bad = si(1)
    bad["instances"] = "happy -> glad"
    p = jsonl(tmp_path / "x.jsonl", [si(0), bad])
    # the first record decides the format; the second is then invalid
    assert str(input_error(p)) == f"{p}:2: field 'instances' must be a list, got string"


def test_output_is_a_number(tmp_path):
    bad = si(2)
    bad["instances"] = [{"input": "2+2", "output": 4}]
    p = jsonl(tmp_path / "x.jsonl", [si(0), si(1), bad])
    assert str(input_error(p)) == f"{p}:3: field 'instances[0].output' must be a string, got number"
    q = jsonl(tmp_path / "y.jsonl", [{"instruction": "2+2?", "input": "", "output": 4}])
    assert str(input_error(q)) == f"{q}:1: field 'output' must be a string, got number"


def test_other_field_errors(tmp_path):
    p = jsonl(tmp_path / "c.jsonl", [{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "yo"}]},
                                     {"conversations": []}])
    assert str(input_error(p)) == f"{p}:2: field 'conversations' is empty"
    q = jsonl(tmp_path / "r.jsonl", [{"conversations": [{"from": "alien", "value": "hi"}]}])
    assert input_error(q).message.startswith("field 'conversations[0].from' has unknown role 'alien'")
    r = jsonl(tmp_path / "t.jsonl", [si(0, task_type="poetry")])
    assert input_error(r).message.startswith("field 'task_type' must be one of qa,")
    s = jsonl(tmp_path / "m.jsonl", [{"messages": [{"role": "user", "content": "hi"}]}])
    assert "no assistant turn" in input_error(s).message


@pytest.mark.parametrize("content", [b"", b"\n  \n", b"\xef\xbb\xbf", b"[]"])
def test_empty_file(tmp_path, content):
    p = tmp_path / "empty.jsonl"
    p.write_bytes(content)
    err = input_error(p)
    assert err.line is None and err.message.startswith("file is empty")
    assert str(err).startswith(f"{p}: file is empty")


def test_binary_garbage(tmp_path):
    p = tmp_path / "garbage.jsonl"
    p.write_bytes(b"\x00\xff\xfe\x89PNG\r\n\x1a\n\x00\x00")
    err = input_error(p)
    assert err.line == 1 and "binary" in err.message
    assert str(err).startswith(f"{p}:1: ")


def test_binary_garbage_after_good_lines(tmp_path):
    good = (json.dumps(si(0)) + "\n").encode()
    p = tmp_path / "nul.jsonl"
    p.write_bytes(good + good + b'{"instruction": "a\x00b"}\n')
    assert input_error(p).line == 3
    q = tmp_path / "latin1.jsonl"
    q.write_bytes(good + '{"instruction": "café", "instances": []}\n'.encode("latin-1"))
    err = input_error(q)
    assert err.line == 2 and "not valid UTF-8" in err.message and "0xe9" in err.message


def test_utf16_file(tmp_path):
    p = tmp_path / "u16.jsonl"
    p.write_bytes((json.dumps(si(0)) + "\n").encode("utf-16"))
    err = input_error(p)
    assert err.line == 1 and "UTF-16" in err.message


def test_unknown_format(tmp_path):
    p = jsonl(tmp_path / "u.jsonl", [{"prompt": "hi", "completion": "hello"}])
    err = input_error(p)
    assert err.line == 1
    for name in FORMATS:
        assert name in err.message
    assert "--format" in err.message and "prompt" in err.message
    with pytest.raises(InputError):
        detect_format(p)


def test_missing_file(tmp_path):
    err = input_error(tmp_path / "nope.jsonl")
    assert err.line is None and "cannot read file" in err.message


# --------------------------------------------------------------------------- writer


def test_write_jsonl_roundtrip_and_atomic(tmp_path):
    out = tmp_path / "sub" / "out.jsonl"
    seeds = read_seeds(jsonl(tmp_path / "s.jsonl", [si(0, "用中文回答"), si(1)]))
    assert write_jsonl(out, seeds) == 2
    text = out.read_text(encoding="utf-8")
    assert "用中文回答" in text and text.count("\n") == 2
    again = read_seeds(out)
    assert [s.instruction for s in again] == [s.instruction for s in seeds]

    def boom():
        yield {"a": 1}
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_jsonl(out, boom())
    assert out.read_text(encoding="utf-8") == text  # old content intact
    assert os.listdir(out.parent) == ["out.jsonl"]  # no temp file left behind


@pytest.mark.parametrize("text, expected", [
    ('[\n  {"instruction": "a"}\n]\n', True),  # a pretty-printed array
    ('[{"instruction": "a"}]', True),  # an array on one line
    ('[{"instruction": "a"}]\n{"instruction": "b"}\n', False),  # a complete first line, more lines after
    ('{"instruction": "a"}\n{"instruction": "b"}\n', False),
    ('  \n[\n{"instruction": "a"}]', True),  # leading blank lines
])
def test_is_json_array(text, expected):
    from agentsft.io.records import is_json_array

    assert is_json_array(text) is expected
