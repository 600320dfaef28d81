"""Tests of agentsft.verify.run: verify_file end to end on a mixed file."""

from __future__ import annotations

import json

import pytest

from agentsft.io import InputError
from agentsft.tools.registry import default_registry
from agentsft.verify.run import verify_file


@pytest.fixture(scope="module")
def registry():
    return default_registry()


def openai_row(expr: str, observation: str, final: str, **extra) -> dict:
    return {"messages": [
        {"role": "user", "content": f"计算 {expr}"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_0", "type": "function",
             "function": {"name": "calculator", "arguments": json.dumps({"expression": expr})}}]},
        {"role": "tool", "tool_call_id": "call_0", "content": observation},
        {"role": "assistant", "content": final}], **extra}


def sharegpt_row(expr: str, observation: str, final: str) -> dict:
    return {"conversations": [
        {"from": "human", "value": f"What is {expr}?"},
        {"from": "function_call", "value": json.dumps({"name": "calculator", "arguments": {"expression": expr}})},
        {"from": "observation", "value": observation},
        {"from": "gpt", "value": final}], "system": "", "tools": "[]"}


def xlam_row(expr: str) -> dict:
    return {"id": 3, "query": f"Compute {expr}",
            "answers": json.dumps([{"name": "calculator", "arguments": {"expression": expr}}]),
            "tools": json.dumps([{"name": "calculator", "description": "calc",
                                  "parameters": {"expression": {"description": "expr", "type": "str"}}}])}


def mixed_rows(registry) -> tuple[list[dict], list[str | None]]:
    r = lambda e: registry.call("calculator", {"expression": e}).content  # noqa: E731
    rows = [
        (openai_row("2500*6", r("2500*6"), "一共是1.5万元。", id="a"), None),
        (sharegpt_row("10/3", r("10/3"), "About 3.33."), None),
        (xlam_row("6*7"), None),
        (openai_row("2500*6", "16000", "一共是1.6万元。"), "tool_result_mismatch"),
        (sharegpt_row("7*8", r("7*8"), "It is 54."), "answer_unsupported"),
        (xlam_row("__import__('os').system('x')"), "tool_error"),
        ({"instruction": "not a trace", "output": "x"}, "trace_unparsable"),
        ({"conversations": [{"from": "alien", "value": "x"}]}, "trace_unparsable"),
        (openai_row("1+1", r("1+1"), "2", id="b"), None),
    ]
    return [row for row, _ in rows], [reason for _, reason in rows]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_verify_file_mixed(tmp_path, registry):
    rows, reasons = mixed_rows(registry)
    src, out, rej = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    write_jsonl(src, rows)
    summary = verify_file(src, out, rej, registry=registry)
    assert summary.consistent
    assert (summary.total, summary.kept, summary.rejected) == (9, 4, 5)
    assert dict(summary.by_reason) == {"tool_result_mismatch": 1, "answer_unsupported": 1, "tool_error": 1,
                                       "trace_unparsable": 2}
    assert dict(summary.by_format) == {"openai": 3, "sharegpt": 3, "xlam": 2, "unknown": 1}
    assert summary.no_final == 1
    kept = read_jsonl(out)
    assert kept == [row for row, reason in zip(rows, reasons) if reason is None]  # unchanged, input's own format
    rejects = read_jsonl(rej)
    assert [(x["line"], x["reason"]) for x in rejects] == [(i + 1, reason) for i, reason in enumerate(reasons)
                                                           if reason is not None]
    assert all(x["stage"] == "verify" and x["detail"] and x["record"] == rows[x["line"] - 1] for x in rejects)
    text = summary.format()
    assert "kept 4, rejected 5" in text and "tool_error" in text
    assert json.loads(json.dumps(summary.to_dict()))["consistent"] is True


def test_verify_file_keeps_a_json_array_an_array(tmp_path, registry):
    rows = [xlam_row("6*7"), xlam_row("1/0"), xlam_row("2+2")]
    src = tmp_path / "xlam.json"
    src.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    summary = verify_file(src, tmp_path / "out.json", tmp_path / "rej.jsonl", fmt="xlam", registry=registry)
    assert (summary.kept, summary.rejected) == (2, 1)
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == [rows[0], rows[2]]


def test_unknown_user_tool_is_counted(tmp_path, registry):
    row = {"messages": [{"role": "user", "content": "Weather in Paris?"},
                        {"role": "assistant", "content": None, "tool_calls": [
                            {"id": "c1", "type": "function",
                             "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]},
                        {"role": "tool", "tool_call_id": "c1", "content": '{"temp_c": 21}'},
                        {"role": "assistant", "content": "It is 21°C."}],
           "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]}
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [row])
    summary = verify_file(src, tmp_path / "o.jsonl", tmp_path / "r.jsonl", registry=registry)
    assert summary.kept == 1 and summary.not_reexecuted == 1
    assert dict(summary.not_reexecuted_tools) == {"get_weather": 1}
    assert "not re-executed" in summary.format()


def test_reference_key(tmp_path, registry):
    good = openai_row("2500*6", registry.call("calculator", {"expression": "2500*6"}).content, "共15000元。",
                      reference="2500*6")
    bad = dict(good, reference="2500*7")
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [good, bad])
    summary = verify_file(src, tmp_path / "o.jsonl", tmp_path / "r.jsonl", registry=registry,
                          reference_key="reference")
    assert (summary.kept, dict(summary.by_reason)) == (1, {"reference_mismatch": 1})


def test_unreadable_file_raises_input_error(tmp_path, registry):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"messages": []}\n{broken\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        verify_file(src, out, tmp_path / "rej.jsonl", registry=registry)
    assert ":2:" in str(info.value)
    assert not out.exists()  # nothing written
    src.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(InputError):
        verify_file(src, out, tmp_path / "rej.jsonl", registry=registry)


def test_unknown_format_name(tmp_path, registry):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [xlam_row("1+1")])
    with pytest.raises(ValueError):
        verify_file(src, tmp_path / "o", tmp_path / "r", fmt="alpaca", registry=registry)


# --------------------------------------------------------------------------- reasoning samples (issue 9)


def alpaca_cot(output: str, **extra) -> dict:
    return {"instruction": "一支笔 3 元，买 4 支再加一本 5 元的本子，一共多少钱？", "input": "", "output": output, **extra}


def sharegpt_cot(answer: str) -> dict:
    return {"conversations": [{"from": "human", "value": "Natalia sold clips to 48 friends..."},
                              {"from": "gpt", "value": answer}]}


def openai_cot(answer: str, thinking: str | None = None) -> dict:
    msg = {"role": "assistant", "content": answer}
    if thinking is not None:
        msg["reasoning_content"] = thinking
    return {"messages": [{"role": "user", "content": "3 * 4 + 5?"}, msg]}


def test_verify_file_reasoning_samples_alpaca(tmp_path, registry):
    rows = [
        alpaca_cot("1. 3 × 4 = 12（元）\n2. 12 + 5 = 17（元）\n答案：17元"),                 # kept
        alpaca_cot("<think>3 × 4 = 12，12 + 5 = 17</think>\n一共17元。"),                     # kept
        alpaca_cot("1. 3 × 4 = 13（元）\n2. 12 + 5 = 17（元）\n答案：17元"),                 # wrong middle step
        alpaca_cot("1. 3 × 4 = 12（元）\n2. 12 + 5 = 17（元）\n答案：18元"),                 # final != last result
        alpaca_cot("1. 3 × 4 = 12（元）\n2. 12 + 5 = 17（元）"),                              # no final answer
    ]
    src, out, rej = tmp_path / "cot.json", tmp_path / "out.json", tmp_path / "rej.jsonl"
    src.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    summary = verify_file(src, out, rej, registry=registry)
    assert summary.consistent and (summary.kept, summary.rejected) == (2, 3)
    assert dict(summary.by_format) == {"cot:alpaca": 5}
    assert json.loads(out.read_text(encoding="utf-8")) == rows[:2]
    rejects = read_jsonl(rej)
    assert [x["reason"] for x in rejects] == ["cot_step_wrong", "cot_final_mismatch", "cot_no_answer"]
    assert [x["record"] for x in rejects] == rows[2:]  # line = where each record starts in the JSON array
    assert "3 × 4 = 13" in rejects[0]["detail"]
    assert summary.chains == 5 and summary.chain_steps == 10 and summary.chain_steps_checked == 10
    assert "reasoning chains 5" in summary.format()


def test_verify_file_reasoning_samples_sharegpt_and_openai(tmp_path, registry):
    good = ("Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n"
            "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72")
    rows = [
        sharegpt_cot(good),
        sharegpt_cot(good.replace("<<48/2=24>>24", "<<48/2=25>>25")),
        sharegpt_cot(good.replace("#### 72", "#### 73")),
        openai_cot("The answer is 17.", thinking="3 * 4 = 12, 12 + 5 = 17"),
        openai_cot("The answer is 17.", thinking="3 * 4 = 12, 12 + 5 = 18"),
        sharegpt_row("7*8", registry.call("calculator", {"expression": "7*8"}).content, "It is 56."),  # a trace
    ]
    src, out, rej = tmp_path / "mixed.jsonl", tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    write_jsonl(src, rows)
    summary = verify_file(src, out, rej, registry=registry)
    assert (summary.kept, summary.rejected) == (3, 3)
    assert dict(summary.by_format) == {"cot:sharegpt": 3, "cot:openai": 2, "sharegpt": 1}
    assert [(x["line"], x["reason"]) for x in read_jsonl(rej)] == [
        (2, "cot_step_wrong"), (3, "cot_final_mismatch"), (5, "cot_step_wrong")]
    assert read_jsonl(out) == [rows[0], rows[3], rows[5]]


def test_verify_file_cot_format_and_reference(tmp_path, registry):
    rows = [alpaca_cot("3 × 4 = 12，12 + 5 = 17\n答案：17", answer="17"),
            alpaca_cot("3 × 4 = 12，12 + 5 = 17\n答案：17", answer="18"),
            alpaca_cot("3 × 4 = 12，12 + 5 = 17\n答案：17", answer="3*4+5"),
            alpaca_cot("天气很好。", answer="17"),            # not reasoning-looking: checked anyway with "cot"
            {"id": 1, "query": "q", "answers": "[]"}]
    src = tmp_path / "in.jsonl"
    write_jsonl(src, rows)
    summary = verify_file(src, tmp_path / "o.jsonl", tmp_path / "r.jsonl", fmt="cot", registry=registry,
                          reference_key="answer")
    assert summary.kept == 2
    assert dict(summary.by_reason) == {"reference_mismatch": 1, "cot_no_answer": 1, "trace_unparsable": 1}


def test_plain_chat_without_tools_stays_on_the_trace_path(tmp_path, registry):
    rows = [{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}]
    src = tmp_path / "in.jsonl"
    write_jsonl(src, rows)
    summary = verify_file(src, tmp_path / "o.jsonl", tmp_path / "r.jsonl", registry=registry)
    assert dict(summary.by_format) == {"openai": 1} and summary.rejected == 1
