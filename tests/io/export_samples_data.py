"""Samples of every kind the exports must carry (imported by tests/io/test_export*.py and friends)."""

from __future__ import annotations

import json

from agentsft.schema import Message, Sample, TaskType

TOOLS = [{"type": "function", "function": {"name": "calculator", "description": "exact arithmetic", "parameters": {
    "type": "object", "properties": {"expression": {"type": "string"}}, "required": ["expression"]}}}]


def call(call_id: str, expression: str) -> dict:
    return {"id": call_id, "type": "function",
            "function": {"name": "calculator", "arguments": json.dumps({"expression": expression})}}


def single() -> Sample:
    return Sample.from_triple("Translate into English.", "你好，世界", "Hello, world.", lang="en",
                              task_type=TaskType.TRANSLATION, verification={"judge": {"mean": 7.4}})


def plain_zh() -> Sample:
    return Sample.from_triple("什么是复利？", "", "复利就是利滚利：利息也计入本金继续生息。", lang="zh", task_type=TaskType.QA,
                              verification={"judge": {"mean": 5.0}})


def dialogue() -> Sample:
    msgs = [Message(role="system", content="你是旅行顾问。"),
            Message(role="user", content="我想去成都玩三天，帮我规划一下。"),
            Message(role="assistant", content="第一天宽窄巷子，第二天锦里，第三天熊猫基地。"),
            Message(role="user", content="第二天能换成不辣的美食路线吗？"),
            Message(role="assistant", content="可以，第二天吃钟水饺和龙抄手。")]
    return Sample(id="dlg", lang="zh", task_type=TaskType.MULTI_TURN, messages=msgs,
                  verification={"context": {"ok": True, "share": 1.0}, "judge": {"mean": 8.2}})


def trace() -> Sample:
    msgs = [Message(role="user", content="小明买了5.1千克苹果，每千克33元，又买了2支4.5元的笔，一共多少元？"),
            Message.model_validate({"role": "assistant", "content": "", "tool_calls": [call("call_0", "5.1*33")]}),
            Message(role="tool", tool_call_id="call_0", content="1683/10 ≈ 168.3"),
            Message.model_validate({"role": "assistant", "content": "", "tool_calls": [call("call_1", "168.3+2*4.5")]}),
            Message(role="tool", tool_call_id="call_1", content="1773/10 ≈ 177.3"),
            Message(role="assistant", content="一共177.3元。")]
    return Sample(id="trc", lang="zh", task_type=TaskType.TOOL_USE, messages=msgs, tools=TOOLS,
                  verification={"trace": {"calls": 2, "reexecuted": 2, "reference_ok": None}})


def parallel() -> Sample:
    """Two calls in one assistant turn (their results share one LLaMA-Factory observation)."""
    msgs = [Message(role="user", content="What are 3*4 and 5*6?"),
            Message.model_validate({"role": "assistant", "content": None,
                                    "tool_calls": [call("a", "3*4"), call("b", "5*6")]}),
            Message(role="tool", tool_call_id="a", content="12"),
            Message(role="tool", tool_call_id="b", content="30"),
            Message(role="assistant", content="12 and 30.")]
    return Sample(id="par", lang="en", task_type=TaskType.TOOL_USE, messages=msgs, tools=TOOLS,
                  verification={"trace": {"calls": 2, "ok": False}})


def chain() -> Sample:
    msgs = [Message(role="user", content="小明有48个苹果，分一半给小红，再买10个，现在有几个？"),
            Message(role="assistant", content="1. 48/2=24\n2. 24+10=34\n答案：34")]
    return Sample(id="cot", lang="zh", task_type=TaskType.REASONING, messages=msgs,
                  verification={"cot": {"answer": "34", "agreement": 1.0, "style": "steps"}, "judge": {"mean": 9.0}})


def every_kind() -> list[Sample]:
    return [single(), plain_zh(), dialogue(), trace(), parallel(), chain()]


def write_run(path, samples: list[Sample], manifest: dict | None = None):
    path.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(s.model_dump(mode="json", exclude_none=True), ensure_ascii=False) for s in samples]
    (path / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if manifest is not None:
        (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path
