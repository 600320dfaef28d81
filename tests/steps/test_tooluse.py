"""The tool-use stage (agent loop, text and native protocols) and the verify stage, on scripted models."""

import json
import re
from types import SimpleNamespace
from typing import Any

from fakes import ToolChat, word_problem
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agentsft.config import RunConfig
from agentsft.llm import LLMService
from agentsft.schema import Candidate
from agentsft.steps.stages import resolve_stages
from agentsft.tools.registry import default_registry


def _svc(chat, lang="zh"):
    return SimpleNamespace(cfg=RunConfig(), lang=lang, llm=LLMService(chat, "fake", None, 2), tools=default_registry())


def _cands(n=3, zh=True):
    return [Candidate(id=f"c{i}", lang="zh" if zh else "en", instruction=word_problem(i * 977, zh)) for i in range(n)]


def _run(stage_items, batch, svc):
    for stage in resolve_stages(stage_items):
        batch, rejects = stage(batch, svc)
        if rejects:
            return batch, rejects
    return batch, []


def test_text_protocol_trace_is_stored_in_openai_shape_and_verifies():
    kept, rejects = _run(["tooluse", "verify"], _cands(), _svc(ToolChat()))
    assert not rejects and len(kept) == 3
    c = kept[0]
    roles = [m.role for m in c.messages]
    assert roles == ["user", "assistant", "tool", "assistant"]
    call = c.messages[1].tool_calls[0]
    assert call.function.name == "calculator" and json.loads(call.function.arguments)["expression"]
    assert c.messages[2].tool_call_id == call.id
    assert c.tools[0]["function"]["name"] == "calculator"
    assert c.verification["tool_protocol"] == "text" and c.task_type.value == "tool_use"
    assert c.verification["trace"]["numbers_supported"] >= 1


def test_a_wrong_final_number_is_rejected_by_verify():
    kept, rejects = _run(["tooluse", "verify"], _cands(), _svc(ToolChat(lie=True)))
    assert not kept and {r.reason.value for r in rejects} == {"answer_unsupported"}
    assert all(r.stage.value == "verify" for r in rejects)


def test_reference_expression_agrees_with_good_traces():
    kept, rejects = _run(["tooluse", {"verify": {"reference": "expression"}}], _cands(2), _svc(ToolChat()))
    assert not rejects and kept[0].verification["trace"]["reference"] != "none"


class _Looping(ToolChat):
    """Never stops calling the tool."""

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        text = '{"name": "calculator", "arguments": {"expression": "1+1"}}'
        if not kwargs.get("response_format"):
            text = "<tool_call>" + text
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def test_a_model_that_never_answers_is_a_reject_not_a_hang():
    kept, rejects = _run([{"tooluse": {"max_calls": 2}}], _cands(2), _svc(_Looping()))
    assert not kept and {r.reason.value for r in rejects} == {"trace_unparsable"}
    assert "2 tool calls" in rejects[0].detail


class _BadJson(ToolChat):
    forced: list = []

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.forced.append(kwargs.get("response_format"))
        text = '<tool_call>{"name": "calculator", "arguments": {expression: 1+1}}'
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def test_unparsable_tool_call_is_a_reject():
    chat = _BadJson()
    kept, rejects = _run([{"tooluse": {"first_call": "auto"}}], _cands(1), _svc(chat))
    assert not kept and rejects[0].reason.value == "trace_unparsable"
    assert chat.forced == [None]


def test_first_call_is_forced_with_a_json_schema_in_the_text_protocol():
    chat = _BadJson()
    _run(["tooluse"], _cands(1), _svc(chat))
    schema = chat.forced[-1]["json_schema"]["schema"]
    assert schema["properties"]["name"] == {"const": "calculator"}
    assert schema["properties"]["arguments"]["required"] == ["expression"]


def test_a_call_on_numbers_from_nowhere_is_rejected():
    class _Copier(ToolChat):  # calls the tool on the demo's numbers, then reports the result faithfully
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            last = str(messages[-1].content)
            text = "84元。" if "<tool_response>" in last else '{"name": "calculator", "arguments": {"expression": "12 * 7"}}'
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    c = Candidate(id="p", lang="zh", instruction="一支笔2.5元，买7支一共多少元？")
    kept, rejects = _run(["tooluse", "verify"], [c], _svc(_Copier()))
    assert not kept and rejects[0].reason.value == "tool_args_ungrounded" and "12" in rejects[0].detail


class _Native(BaseChatModel):
    """Native function calling: a tool call first, the result's number after."""

    bound: int = 0
    choices: list = []

    @property
    def _llm_type(self) -> str:
        return "native"

    def bind_tools(self, tools, **kwargs: Any):
        self.bound += 1
        self.choices.append(kwargs.get("tool_choice"))
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        last = messages[-1]
        if last.type == "tool":
            msg = AIMessage(content=f"The answer is {str(last.content).split('≈')[-1].strip()}.")
        else:
            a, b = re.findall(r"\d+(?:\.\d+)?", str(messages[0].content))[:2]
            msg = AIMessage(content="", tool_calls=[{"name": "calculator", "args": {"expression": f"{a}*{b}"}, "id": "x1"}])
        return ChatResult(generations=[ChatGeneration(message=msg)])


def test_native_function_calling_where_the_model_has_it():
    chat = _Native()
    svc = _svc(chat, "en")
    assert svc.llm.supports_tools
    kept, rejects = _run(["tooluse", "verify"], _cands(1, zh=False), svc)
    assert not rejects and chat.bound == 2 and chat.choices == ["required", None]
    c = kept[0]
    assert c.verification["tool_protocol"] == "native"
    result = c.messages[2].content.split("≈")[-1].strip()
    assert c.messages[-1].content == f"The answer is {result}."


def test_instruction_candidates_pass_verify_untouched():
    c = Candidate(id="q", lang="en", instruction="Explain tides.", output="The moon.")
    kept, rejects = _run(["verify"], [c], _svc(ToolChat()))
    assert kept == [c] and not rejects


def test_an_answer_that_copies_the_worked_example_is_an_echo_reject():
    from agentsft.steps.tooluse import copies_example, example_turns

    example = example_turns("en", "v1")
    assert example[-1]["role"] == "assistant" and example[1]["content"].startswith("<tool_call>")
    assert copies_example("12 notebooks cost 672 dollars.", "A room is 14 ft by 12 ft...", example, "en")
    assert not copies_example("The paint costs 672 dollars.", "A room is 14 ft by 12 ft...", example, "en")
    zh = example_turns("zh", "v1")
    assert copies_example("买12本一共672元。", "房间长14米……", zh, "zh")
    assert not copies_example("一共需要672元。", "房间长14米……", zh, "zh")


def test_a_reference_that_computes_nothing_is_no_reference():
    from agentsft.steps.verify_traces import VerifySettings, references

    class _Restating(ToolChat):
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content='{"expression": "120.0001"}'))])

    c = _cands(1)[0]
    assert references([c], _svc(_Restating()), VerifySettings(reference="expression")) == {}
    assert references([c], _svc(ToolChat()), VerifySettings(reference="expression"))[c.id].count("*") == 1
