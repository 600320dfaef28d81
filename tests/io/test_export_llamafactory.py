"""The LLaMA-Factory export, loaded through a re-implementation of LLaMA-Factory's documented column mapping
(data/README.md of hiyouga/LLaMA-Factory: alpaca prompt/query/response/system/history; sharegpt messages with
role/content tags, human/observation at odd and gpt/function_call at even positions, system and tools columns)."""

import json
import os

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import datasets  # noqa: E402
import pytest  # noqa: E402
from export_samples_data import chain, dialogue, every_kind, parallel, single, trace  # noqa: E402

from agentsft.io.export_llamafactory import think_format  # noqa: E402
from agentsft.io.exports import export_samples  # noqa: E402
from agentsft.io.toolformats import to_trace  # noqa: E402
from agentsft.schema import Message, Sample, TaskType  # noqa: E402

DEFAULT_TAGS = {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"}
DEFAULT_COLUMNS = {"prompt": "instruction", "query": "input", "response": "output", "messages": "conversations"}


def lf_dataset(folder, name, cache):
    """(system, tools, [(role, content)]) per row, as LLaMA-Factory's documentation says it reads the entry."""
    entry = json.loads((folder / "dataset_info.json").read_text(encoding="utf-8"))[name]
    ds = datasets.load_dataset("json", data_files=str(folder / entry["file_name"]), split="train", cache_dir=cache)
    cols = {**DEFAULT_COLUMNS, **entry.get("columns", {})}
    rows = []
    for row in ds:
        system = row[cols["system"]] if "system" in cols else ""
        tools = row[cols["tools"]] if "tools" in cols else ""
        if entry.get("formatting", "alpaca") == "alpaca":
            msgs = []
            for old_prompt, old_response in (row[cols["history"]] or []) if "history" in cols else []:
                msgs += [("user", old_prompt), ("assistant", old_response)]
            prompt = "\n".join(x for x in (row[cols["prompt"]], row[cols["query"]]) if x)  # "instruction\ninput"
            msgs += [("user", prompt), ("assistant", row[cols["response"]])]
        else:
            tags = {**DEFAULT_TAGS, **entry.get("tags", {})}
            role_of = {tags["user_tag"]: "user", tags["assistant_tag"]: "assistant",
                       tags["observation_tag"]: "observation", tags["function_tag"]: "function"}
            turns = row[cols["messages"]]
            if turns and turns[0][tags["role_tag"]] == tags["system_tag"]:
                system, turns = turns[0][tags["content_tag"]], turns[1:]
            odd, even = (tags["user_tag"], tags["observation_tag"]), (tags["assistant_tag"], tags["function_tag"])
            assert all(t[tags["role_tag"]] in (odd, even)[i % 2] for i, t in enumerate(turns)), "positions"
            assert len(turns) % 2 == 0, "a sharegpt example ends with the assistant"
            msgs = [(role_of[t[tags["role_tag"]]], t[tags["content_tag"]]) for t in turns]
        rows.append((system, tools, msgs))
    return entry, rows


def expected(s: Sample):
    """What LLaMA-Factory should see for a sample: its system prompt, tools and turns."""
    system = next((m.content for m in s.messages if m.role == "system"), "")
    msgs = []
    for m in s.messages:
        if m.role == "user":
            text = m.content
            if s.input_start and len(s.messages) == 2:
                text = f"{s.instruction}\n{s.input}"  # LLaMA-Factory joins instruction and input with one newline
            msgs.append(("user", text))
        elif m.role == "assistant" and m.tool_calls:
            items = [{"name": c.function.name, "arguments": json.loads(c.function.arguments)} for c in m.tool_calls]
            msgs.append(("function", items[0] if len(items) == 1 else items))
        elif m.role == "assistant":
            msgs.append(("assistant", think_format(m.content) if "cot" in s.verification else m.content))
        elif m.role == "tool" and msgs[-1][0] == "observation":
            msgs[-1] = ("observation", msgs[-1][1] + "\n</tool_response>\n<tool_response>\n" + m.content)
        elif m.role == "tool":
            msgs.append(("observation", m.content))
    tools = [t["function"] for t in s.tools] if s.tools else None
    return system, tools, msgs


def _comparable(msgs):
    return [(role, json.loads(text) if role == "function" else text) for role, text in msgs]


def test_every_sample_loads_through_the_documented_mapping(tmp_path):
    folder = tmp_path / "data"
    samples = every_kind()
    summary = export_samples(samples, folder / "grown.jsonl", "llamafactory")
    assert summary.written == len(samples) and not summary.skipped
    text_entry, text_rows = lf_dataset(folder, "grown", str(tmp_path / "cache"))
    tool_entry, tool_rows = lf_dataset(folder, "grown_tools", str(tmp_path / "cache"))
    assert text_entry["formatting"] == "alpaca" and text_entry["columns"]["history"] == "history"
    assert tool_entry["formatting"] == "sharegpt" and tool_entry["columns"]["tools"] == "tools"
    assert tool_entry["tags"]["function_tag"] == "function_call"
    text = [s for s in samples if not s.tools]
    tools = [s for s in samples if s.tools]
    assert len(text_rows) == len(text) and len(tool_rows) == len(tools)
    for s, (system, _, msgs) in zip(text, text_rows):
        want_system, _, want = expected(s)
        assert (system, msgs) == (want_system, want), s.id
    for s, (system, tools_json, msgs) in zip(tools, tool_rows):
        want_system, want_tools, want = expected(s)
        assert system == want_system and json.loads(tools_json) == want_tools
        assert _comparable(msgs) == want, s.id


def test_reasoning_chain_goes_into_a_think_block_before_the_answer(tmp_path):
    export_samples([chain()], tmp_path / "r.jsonl", "llamafactory")
    row = json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8"))
    assert row["output"] == "<think>\n1. 48/2=24\n2. 24+10=34\n</think>\n\n答案：34"
    assert row["history"] == [] and row["system"] == ""


def test_think_format_keeps_existing_blocks_and_finds_the_answer_line():
    already = "<think>\n3+4=7\n</think>\n\n7"
    assert think_format(already) == already
    assert think_format("Half of 48 is 24.\nPlus 10 is 34.\n#### 34") == \
        "<think>\nHalf of 48 is 24.\nPlus 10 is 34.\n</think>\n\n#### 34"
    assert think_format("Half of 48 is 24.\nSo 34 apples.").endswith("</think>\n\nSo 34 apples.")
    assert think_format("34") == "34"  # nothing to think about: unchanged


def test_only_the_kinds_present_are_written_and_other_datasets_are_kept(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "dataset_info.json").write_text(json.dumps({"alpaca_zh_demo": {"file_name": "alpaca_zh_demo.json"}}),
                                              encoding="utf-8")
    summary = export_samples([single(), dialogue()], folder / "mine.jsonl", "llamafactory")
    assert [os.path.basename(f) for f in summary.files] == ["mine.jsonl"]
    assert not (folder / "mine_tools.jsonl").exists()
    export_samples([trace()], folder / "calc.jsonl", "llamafactory")
    info = json.loads((folder / "dataset_info.json").read_text(encoding="utf-8"))
    assert set(info) == {"alpaca_zh_demo", "mine", "calc_tools"}
    assert info["alpaca_zh_demo"] == {"file_name": "alpaca_zh_demo.json"}


def test_a_broken_dataset_info_is_an_input_error_and_no_file_is_half_written(tmp_path):
    from agentsft.io.errors import InputError

    (tmp_path / "dataset_info.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="dataset_info.json"):
        export_samples([single()], tmp_path / "x.jsonl", "llamafactory")
    assert (tmp_path / "dataset_info.json").read_text(encoding="utf-8") == "{not json"
    assert not (tmp_path / "x.jsonl").exists()


def test_conversations_llamafactory_cannot_hold_are_skipped_with_the_reason(tmp_path):
    two_users = Sample(id="u", lang="zh", task_type=TaskType.MULTI_TURN, messages=[
        Message(role="user", content="一"), Message(role="user", content="二"), Message(role="assistant", content="三")])
    summary = export_samples([two_users, single()], tmp_path / "x.jsonl", "llamafactory")
    assert summary.written == 1 and "alternate" in next(iter(summary.skipped))


def test_tool_rows_read_back_as_the_same_trace(tmp_path):
    export_samples([trace(), parallel()], tmp_path / "t.jsonl", "llamafactory")
    rows = [json.loads(x) for x in (tmp_path / "t_tools.jsonl").read_text(encoding="utf-8").splitlines()]
    for s, row in zip((trace(), parallel()), rows):
        back = to_trace(row, "sharegpt")
        assert [m["role"] for m in back["messages"]] == [m.role for m in s.messages]
        assert [m.get("content") for m in back["messages"] if m["role"] == "tool"] == \
            [m.content for m in s.messages if m.role == "tool"]
        assert back["tools"] == s.tools
