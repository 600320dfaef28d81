"""ToolRegistry: schemas (derived, LangChain, import paths), argument validation and guarded calls."""

from __future__ import annotations

import json
import time

import pytest
from langchain_core.tools import tool as lc_tool

from agentsft.tools.registry import ToolOutcome, ToolRegistry, default_registry


def scale(value: float, factor: int = 2, label: str = "x") -> str:
    """Multiply a number by a whole factor.

    Args:
        value: the number to scale
        factor: how many times
        label: a tag for the answer
    """
    return f"{label}={value * factor}"


def pick(options: list[str], first: bool = True) -> dict:
    """Pick one option."""
    return {"picked": options[0] if first else options[-1], "名字": "选项"}


def explode(message: str) -> str:
    """Always fails."""
    raise RuntimeError(message)


def slow(seconds: float) -> str:
    """Sleeps."""
    time.sleep(seconds)
    return "done"


@lc_tool
def word_count(text: str) -> int:
    """Count the words of a text."""
    return len(text.split())


@pytest.fixture
def registry() -> ToolRegistry:
    reg = ToolRegistry(timeout=0.2)
    reg.register(scale)
    reg.register(pick, reexecutable=False)
    reg.register(explode)
    reg.register(slow)
    reg.register_langchain(word_count)
    return reg


def test_schema_derived_from_signature_and_docstring(registry: ToolRegistry) -> None:
    schema = registry.schema("scale")
    assert schema["type"] == "function"
    function = schema["function"]
    assert function["name"] == "scale" and function["description"] == "Multiply a number by a whole factor."
    params = function["parameters"]
    assert params["required"] == ["value"] and params["additionalProperties"] is False
    assert params["properties"]["value"] == {"type": "number", "description": "the number to scale"}
    assert params["properties"]["factor"]["type"] == "integer"
    assert registry.schema("pick")["function"]["parameters"]["properties"]["options"] == {
        "type": "array", "items": {"type": "string"}}


def test_names_and_flags(registry: ToolRegistry) -> None:
    assert registry.names() == ["scale", "pick", "explode", "slow", "word_count"]
    assert registry.has("scale") and not registry.has("nope")
    assert [s["function"]["name"] for s in registry.schemas()] == registry.names()
    assert registry.is_reexecutable("scale") and not registry.is_reexecutable("pick")
    registry.schema("scale")["function"]["name"] = "mutated"  # a copy
    assert registry.schema("scale")["function"]["name"] == "scale"


def test_duplicate_and_bad_names_are_refused(registry: ToolRegistry) -> None:
    with pytest.raises(ValueError, match="already registered"):
        registry.register(scale)
    with pytest.raises(ValueError, match="tool name"):
        registry.register(scale, name="has space")
    registry.register(scale, name="scale2")
    assert registry.schema("scale2")["function"]["name"] == "scale2"


def test_explicit_schema_is_used() -> None:
    reg = ToolRegistry()
    reg.register(lambda q: q.upper(), schema={"name": "shout", "description": "upper-case",
                                               "parameters": {"type": "object", "properties": {
                                                   "q": {"type": "string"}}, "required": ["q"]}})
    assert reg.call("shout", {"q": "hi"}) == ToolOutcome(True, "HI")


def test_call_plain_function(registry: ToolRegistry) -> None:
    assert registry.call("scale", '{"value": 1.5, "factor": 3}') == ToolOutcome(True, "x=4.5")
    assert registry.call("scale", {"value": 2}).content == "x=4"
    outcome = registry.call("pick", {"options": ["a", "b"], "first": False})
    assert outcome.ok and json.loads(outcome.content) == {"picked": "b", "名字": "选项"}
    assert "名字" in outcome.content  # ensure_ascii=False


def test_langchain_tool(registry: ToolRegistry) -> None:
    function = registry.schema("word_count")["function"]
    assert function["description"] == "Count the words of a text."
    assert function["parameters"]["properties"]["text"]["type"] == "string"
    assert registry.call("word_count", '{"text": "one two three"}') == ToolOutcome(True, "3")
    assert registry.call("word_count", {"text": 3}).error == "bad_arguments"


def test_register_detects_langchain_tools() -> None:
    reg = ToolRegistry()
    reg.register(word_count)
    assert reg.call("word_count", {"text": "a b"}).content == "2"


def test_register_path() -> None:
    reg = ToolRegistry()
    reg.register_path(f"{__name__}:scale")
    reg.register_path(f"{__name__}:word_count")
    assert reg.names() == ["scale", "word_count"]
    assert reg.call("scale", {"value": 1}).content == "x=2"
    with pytest.raises(ValueError, match="package.module:attr"):
        reg.register_path("no_colon_here")
    with pytest.raises(ImportError):
        reg.register_path("agentsft.no_such_module:fn")
    with pytest.raises(AttributeError):
        reg.register_path(f"{__name__}:no_such_function")


@pytest.mark.parametrize("arguments, fragment", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object, got array"),
    ('"text"', "must be a JSON object, got string"),
    ({}, "missing required argument 'value'"),
    ({"value": "3"}, "'value' must be number, got string"),
    ({"value": True}, "'value' must be number, got boolean"),
    ({"value": 1, "factor": 1.5}, "'factor' must be integer, got number"),
    ({"value": 1, "colour": "red"}, "unexpected argument 'colour'"),
])
def test_validate_bad_arguments(registry: ToolRegistry, arguments: object, fragment: str) -> None:
    args, problem = registry.validate("scale", arguments)  # type: ignore[arg-type]
    assert args is None and fragment in problem
    outcome = registry.call("scale", arguments)  # type: ignore[arg-type]
    assert not outcome.ok and outcome.error == "bad_arguments" and outcome.content.startswith("error: ")


def test_validate_good_arguments(registry: ToolRegistry) -> None:
    assert registry.validate("scale", '{"value": 2, "factor": 3.0}') == ({"value": 2, "factor": 3.0}, "")
    assert registry.validate("pick", {"options": ["a"]}) == ({"options": ["a"]}, "")
    assert registry.validate("pick", {"options": ["a", 1]})[1] == "'options[1]' must be string, got integer"


def test_enum_and_nested_validation() -> None:
    reg = ToolRegistry()
    reg.register(lambda unit, point: unit, name="convert", schema={"name": "convert", "parameters": {
        "type": "object", "additionalProperties": False, "required": ["unit", "point"],
        "properties": {"unit": {"type": "string", "enum": ["cm", "in"]},
                       "point": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}}}})
    assert reg.call("convert", {"unit": "cm", "point": {"x": 1}}).content == "cm"
    assert "must be one of" in reg.validate("convert", {"unit": "km", "point": {"x": 1}})[1]
    assert reg.validate("convert", {"unit": "cm", "point": {}})[1] == "missing required argument 'point.x'"


def test_unknown_tool(registry: ToolRegistry) -> None:
    outcome = registry.call("nope", "{}")
    assert outcome == ToolOutcome(False, outcome.content, "unknown_tool")
    assert outcome.content.startswith("error: unknown tool 'nope'")
    assert registry.validate("nope", {}) == (None, "unknown tool 'nope'")


def test_tool_that_raises(registry: ToolRegistry) -> None:
    outcome = registry.call("explode", {"message": "boom"})
    assert outcome == ToolOutcome(False, "error: RuntimeError: boom", "tool_error")


def test_tool_that_hangs_times_out(registry: ToolRegistry) -> None:
    start = time.perf_counter()
    outcome = registry.call("slow", {"seconds": 2})
    assert time.perf_counter() - start < 1.0
    assert not outcome.ok and outcome.error == "timeout" and "timed out" in outcome.content
    assert registry.call("slow", {"seconds": 0}) == ToolOutcome(True, "done")


def test_default_registry_calculator() -> None:
    reg = default_registry()
    assert reg.names() == ["calculator"] and reg.is_reexecutable("calculator")
    assert reg.schema("calculator")["function"]["parameters"]["required"] == ["expression"]
    assert reg.call("calculator", '{"expression": "150*20%"}') == ToolOutcome(True, "30")
    assert reg.call("calculator", {"expression": "sqrt(8)"}).content == "2*sqrt(2) ≈ 2.82842712474619"
    hostile = reg.call("calculator", {"expression": "__import__('os').system('true')"})
    assert hostile.ok is False and hostile.error == "tool_error"
    assert hostile.content == "error: character '_' (U+005F LOW LINE) is not allowed"
    assert reg.call("calculator", {"expression": "1/0"}) == ToolOutcome(False, "error: division by zero",
                                                                         "tool_error")
    assert reg.call("calculator", {"expression": 12}).error == "bad_arguments"
    assert reg.call("calculator", {"expr": "1"}).error == "bad_arguments"
