"""The conversation record: instruction/input/output as a view, stable conversation ids, old samples migrate."""

import json

from agentsft.schema import Message, Sample, TaskType, conversation_id, single_turn


def _trace(call_id="call_0", answer="The total is 31.96 yuan."):
    return [
        Message(role="user", content="2.35 kg at 13.6 yuan/kg: how much?"),
        Message.model_validate({"role": "assistant", "content": "", "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": "calculator", "arguments": '{"expression": "2.35*13.6"}'}}]}),
        Message(role="tool", tool_call_id=call_id, content="799/25 ≈ 31.96"),
        Message(role="assistant", content=answer),
    ]


def test_triple_round_trips_through_the_view():
    s = Sample.from_triple("Translate to French.", "Good morning", "Bonjour", lang="en", task_type=TaskType.TRANSLATION)
    assert [m.role for m in s.messages] == ["user", "assistant"]
    assert s.messages[0].content == "Translate to French.\n\nGood morning"
    assert (s.instruction, s.input, s.output) == ("Translate to French.", "Good morning", "Bonjour")
    assert s.id == Sample.make_id("Translate to French.", "Good morning", "Bonjour")


def test_view_without_input_and_with_blank_lines_in_the_instruction():
    s = Sample.from_triple("写一首诗。\n\n要求：五言绝句", "", "床前明月光", lang="zh", task_type=TaskType.GENERATION)
    assert s.input_start is None
    assert s.instruction == "写一首诗。\n\n要求：五言绝句" and s.input == ""


def test_dump_holds_the_view_and_reads_back_identically():
    s = Sample.from_triple("Sum it.", "1 2 3", "6", lang="en", task_type=TaskType.REASONING)
    data = json.loads(json.dumps(s.model_dump(mode="json", exclude_none=True)))
    assert data["instruction"] == "Sum it." and data["input"] == "1 2 3" and data["output"] == "6"
    back = Sample.model_validate(data)
    assert back == s


def test_old_samples_migrate_on_read():
    old = {"id": "abc", "lang": "zh", "task_type": "qa", "instruction": "什么是复利？", "input": "",
           "output": "利滚利。", "provenance": {"round": 3}}
    s = Sample.model_validate(old)
    assert s.id == "abc" and s.provenance.round == 3
    assert [(m.role, m.content) for m in s.messages] == [("user", "什么是复利？"), ("assistant", "利滚利。")]
    assert s.output == "利滚利。"


def test_trace_view_is_the_question_and_the_final_answer():
    s = Sample(id="x", lang="en", task_type=TaskType.TOOL_USE, messages=_trace())
    assert s.instruction.startswith("2.35 kg") and s.output == "The total is 31.96 yuan."
    dumped = s.model_dump(mode="json", exclude_none=True)
    assert dumped["messages"][1]["tool_calls"][0]["function"]["arguments"] == '{"expression": "2.35*13.6"}'
    assert dumped["messages"][2]["tool_call_id"] == "call_0"
    assert "tool_calls" not in dumped["messages"][0]


def test_conversation_id_ignores_call_ids_and_argument_spacing_but_not_content():
    assert conversation_id(_trace("call_0")) == conversation_id(_trace("abc123"))
    spaced = _trace()
    spaced[1].tool_calls[0].function.arguments = '{ "expression" : "2.35*13.6" }'
    assert conversation_id(spaced) == conversation_id(_trace())
    assert conversation_id(_trace(answer="The total is 32 yuan.")) != conversation_id(_trace())
    assert conversation_id(_trace(), [{"type": "function", "function": {"name": "calculator"}}]) != conversation_id(_trace())


def test_multi_turn_view_stops_at_the_second_user_turn():
    msgs, _ = single_turn("Hi", "", "Hello!")
    msgs += [Message(role="user", content="And then?"), Message(role="assistant", content="Later.")]
    s = Sample(id="m", lang="en", task_type=TaskType.MULTI_TURN, messages=msgs)
    assert s.output == "Hello!"
