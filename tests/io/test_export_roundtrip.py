"""Every export format read back with our own readers gives the conversations back; the filters and the command."""

import json

import pytest
from export_samples_data import chain, dialogue, every_kind, parallel, plain_zh, single, trace, write_run
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.io.export_filters import SampleFilter, is_verified, judge_score
from agentsft.io.exports import export_samples, make_filter, run_export
from agentsft.io.readers import read_seeds
from agentsft.io.toolformats import read_traces, to_trace
from agentsft.schema import trace_of

runner = CliRunner()


def _plain(messages):
    """Messages compared across formats: no call or result ids (sharegpt has none), content '' and None the same
    'no text' next to tool calls, arguments parsed."""
    out = []
    for m in messages:
        m = {k: v for k, v in m.items() if k != "tool_call_id"}
        if m.get("tool_calls"):
            m["content"] = None
            m["tool_calls"] = [{"type": c["type"], "name": c["function"]["name"],
                                "arguments": json.loads(c["function"]["arguments"])} for c in m["tool_calls"]]
        out.append(m)
    return out


def test_openai_round_trip_is_exact(tmp_path):
    samples = every_kind()
    export_samples(samples, tmp_path / "o.jsonl", "openai")
    back = read_traces(tmp_path / "o.jsonl")
    assert [fmt for _, _, fmt in back] == ["openai"] * len(samples)
    for s, (_, rec, _) in zip(samples, back):
        assert to_trace(rec, "openai") == trace_of(s.messages, s.tools)


def test_sharegpt_round_trip_keeps_turns_calls_and_results(tmp_path):
    samples = every_kind()
    export_samples(samples, tmp_path / "s.jsonl", "sharegpt")
    for s, (_, rec, fmt) in zip(samples, read_traces(tmp_path / "s.jsonl")):
        back, want = to_trace(rec, fmt), trace_of(s.messages, s.tools)
        assert _plain(back["messages"]) == _plain(want["messages"]) and back["tools"] == want["tools"]


def test_xlam_round_trip_keeps_query_and_calls(tmp_path):
    export_samples([parallel(), single()], tmp_path / "x.jsonl", "xlam")
    [(_, rec, fmt)] = read_traces(tmp_path / "x.jsonl")
    back = to_trace(rec, fmt)
    assert fmt == "xlam" and back["messages"][0]["content"] == parallel().messages[0].content
    calls = back["messages"][1]["tool_calls"]
    assert [json.loads(c["function"]["arguments"]) for c in calls] == [{"expression": "3*4"}, {"expression": "5*6"}]
    params = back["tools"][0]["function"]["parameters"]  # xLAM always writes a description ("" when none)
    assert params["properties"]["expression"]["type"] == "string" and params["required"] == ["expression"]


def test_alpaca_round_trip_through_the_seed_reader(tmp_path):
    samples = [single(), plain_zh(), chain()]
    export_samples(samples, tmp_path / "a.jsonl", "alpaca")
    seeds = read_seeds(tmp_path / "a.jsonl")
    assert [(t.instruction, t.instances[0].input, t.instances[0].output) for t in seeds] == \
        [(s.instruction, s.input, s.output) for s in samples]


def test_alpaca_keeps_the_system_prompt_of_a_single_turn_sample():
    from agentsft.io.exports import export_record
    from agentsft.schema import Message, Sample, TaskType

    s = Sample(id="s", lang="en", task_type=TaskType.QA, messages=[
        Message(role="system", content="Answer in one word."), Message(role="user", content="Capital of France?"),
        Message(role="assistant", content="Paris")])
    assert export_record(s, "alpaca")[0] == {"instruction": "Capital of France?", "input": "", "output": "Paris",
                                              "system": "Answer in one word."}


def test_judge_score_and_verified():
    assert judge_score(dialogue()) == 8.2 and judge_score(trace()) is None
    assert is_verified(trace()) and is_verified(dialogue()) and is_verified(chain())
    assert not is_verified(single())  # no verifier ran
    assert not is_verified(parallel())  # its trace record says it failed


@pytest.mark.parametrize("flt,ids", [
    (SampleFilter(types=["tool_use"]), {"trc", "par"}),
    (SampleFilter(types=["qa,multi_turn"]), {"dlg", plain_zh().id}),
    (SampleFilter(lang="en"), {single().id, "par"}),
    (SampleFilter(min_judge=7), {single().id, "dlg", "cot"}),
    (SampleFilter(verified_only=True), {"dlg", "trc", "cot"}),
    (SampleFilter(lang="zh", verified_only=True, min_judge=8.5), {"cot"}),
])
def test_filters_take_the_right_samples(flt, ids):
    kept, dropped = flt.select(every_kind())
    assert {s.id for s in kept} == ids and sum(dropped.values()) == len(every_kind()) - len(ids)


def test_bad_filter_values_name_the_flag():
    with pytest.raises(ValueError, match="--type"):
        make_filter(types=["poetry"])
    with pytest.raises(ValueError, match="--lang"):
        make_filter(lang="fr")


def test_run_export_counts_what_the_filters_left_out(tmp_path):
    run = write_run(tmp_path / "run", every_kind())
    summary = run_export(run, tmp_path / "o.jsonl", "openai", make_filter(min_judge=7))
    assert summary.written == 3 and summary.filtered == {"--min-judge (no judge score)": 2, "--min-judge": 1}


def test_export_command_with_to_and_filters(tmp_path):
    run = write_run(tmp_path / "run", every_kind())
    out = tmp_path / "lf" / "grown.jsonl"
    res = runner.invoke(app, ["export", str(run), "--to", "llamafactory", "--out", str(out), "--lang", "zh",
                              "--verified-only"])
    assert res.exit_code == 0, res.output
    assert "wrote 3 records" in res.output and "filtered out" in res.output
    text = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    tools = [json.loads(x) for x in (out.parent / "grown_tools.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(text) == 2 and len(tools) == 1
    res = runner.invoke(app, ["export", str(run), "--to", "openai", "--out", str(tmp_path / "o.jsonl"),
                              "--type", "poetry"])
    assert res.exit_code == 2 and "--type" in res.output
    res = runner.invoke(app, ["export", str(run), "--to", "parquet", "--out", str(tmp_path / "p")])
    assert res.exit_code == 2 and "unknown export format" in res.output
    res = runner.invoke(app, ["export", str(run)])
    assert res.exit_code == 2 and "--out" in res.output
