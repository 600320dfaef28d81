"""Multi-turn dialogues export as Alpaca with `history`, and keep their turns in ShareGPT and OpenAI."""

import json

from agentsft.io.exports import export_record, export_samples
from agentsft.schema import Message, Sample, TaskType

TURNS = [("我想去成都玩三天，帮我规划一下。", "第一天宽窄巷子，第二天锦里，第三天熊猫基地。"),
         ("第二天能换成不辣的美食路线吗？", "可以，第二天吃钟水饺和龙抄手。"),
         ("那这些店人均多少钱？", "大约人均四十元。")]


def _dialogue(system: str = "") -> Sample:
    msgs = [Message(role="system", content=system)] if system else []
    for user, bot in TURNS:
        msgs += [Message(role="user", content=user), Message(role="assistant", content=bot)]
    return Sample(id="d", lang="zh", task_type=TaskType.MULTI_TURN, messages=msgs)


def test_alpaca_holds_the_last_exchange_and_the_earlier_ones_as_history():
    rec, why = export_record(_dialogue(), "alpaca")
    assert not why
    assert rec == {"instruction": TURNS[2][0], "input": "", "output": TURNS[2][1],
                   "history": [list(TURNS[0]), list(TURNS[1])]}


def test_alpaca_keeps_a_system_prompt():
    rec, _ = export_record(_dialogue(system="你是旅行顾问。"), "alpaca")
    assert rec["system"] == "你是旅行顾问。" and len(rec["history"]) == 2


def test_single_turn_alpaca_is_unchanged():
    s = Sample.from_triple("Translate.", "你好", "Hello", lang="en", task_type=TaskType.TRANSLATION)
    assert export_record(s, "alpaca") == ({"instruction": "Translate.", "input": "你好", "output": "Hello"}, "")


def test_a_dialogue_that_does_not_alternate_is_skipped():
    s = Sample(id="x", lang="zh", task_type=TaskType.MULTI_TURN, messages=[
        Message(role="user", content="一"), Message(role="user", content="二"),
        Message(role="assistant", content="三"), Message(role="user", content="四")])
    rec, why = export_record(s, "alpaca")
    assert rec is None and "alternate" in why


def test_tool_traces_are_still_skipped_in_alpaca(tmp_path):
    trace = Sample(id="t", lang="en", task_type=TaskType.TOOL_USE, messages=[
        Message(role="user", content="3*4.5?"),
        Message.model_validate({"role": "assistant", "content": "", "tool_calls": [{"id": "c0", "type": "function",
                                "function": {"name": "calculator", "arguments": '{"expression": "3*4.5"}'}}]}),
        Message(role="tool", tool_call_id="c0", content="13.5"), Message(role="assistant", content="13.5")])
    out = tmp_path / "a.jsonl"
    summary = export_samples([trace, _dialogue()], out, "alpaca")
    assert summary.written == 1 and sum(summary.skipped.values()) == 1
    assert json.loads(out.read_text(encoding="utf-8"))["history"]


def test_sharegpt_and_openai_keep_every_turn(tmp_path):
    for fmt, key in (("sharegpt", "conversations"), ("openai", "messages")):
        rec, why = export_record(_dialogue(), fmt)
        assert not why and len(rec[key]) == 6
