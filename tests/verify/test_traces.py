"""Tests of agentsft.verify.traces: one neutral trace checked against a tool registry (table-driven)."""

from __future__ import annotations

import ast
import json
import operator
from dataclasses import dataclass
from fractions import Fraction

import pytest

from agentsft.schema import Reason
from agentsft.tools.registry import default_registry
from agentsft.verify.traces import parse_text_tool_calls, results_agree, verify_trace

# --------------------------------------------------------------------------- a registry


@dataclass(frozen=True)
class Outcome:
    ok: bool
    content: str
    error: str = ""


class FakeRegistry:
    """The ToolRegistry API with a small exact calculator: verify_trace needs only that API."""

    _ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

    def names(self):
        return ["calculator"]

    def has(self, name):
        return name == "calculator"

    def is_reexecutable(self, name):
        return name == "calculator"

    def validate(self, name, arguments):
        args = json.loads(arguments) if isinstance(arguments, str) else arguments
        if not isinstance(args, dict) or set(args) != {"expression"} or not isinstance(args["expression"], str):
            return None, "expected exactly one string argument 'expression'"
        return args, ""

    def _eval(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return Fraction(str(node.value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._eval(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in self._ops:
            return self._ops[type(node.op)](self._eval(node.left), self._eval(node.right))
        raise ValueError("unsupported expression")

    def call(self, name, arguments):
        args, err = self.validate(name, arguments)
        if args is None:
            return Outcome(False, f"error: {err}", "bad_arguments")
        try:
            value = self._eval(ast.parse(args["expression"], mode="eval").body)
        except (ValueError, SyntaxError, ZeroDivisionError) as e:
            return Outcome(False, f"error: {e}", "tool_error")
        if value.denominator == 1:
            return Outcome(True, str(value.numerator))
        return Outcome(True, f"{value.numerator}/{value.denominator} ≈ {float(value):.15g}")


@pytest.fixture(scope="module")
def registry():
    return default_registry()


# --------------------------------------------------------------------------- trace builders

CALC = {"type": "function", "function": {"name": "calculator", "description": "Evaluate an arithmetic expression",
                                         "parameters": {"type": "object", "properties": {"expression": {"type": "string"}},
                                                        "required": ["expression"]}}}


def call(i: int, expression: str | None = None, name: str = "calculator", raw: str | None = None) -> dict:
    args = raw if raw is not None else json.dumps({"expression": expression}, ensure_ascii=False)
    return {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": args}}


def trace(question: str, steps: list[tuple[dict, str]], final: str | None, tools=(CALC,)) -> dict:
    messages = [{"role": "system", "content": "You can use tools."}, {"role": "user", "content": question}]
    for tool_call, observation in steps:
        messages.append({"role": "assistant", "content": None, "tool_calls": [tool_call]})
        messages.append({"role": "tool", "tool_call_id": tool_call["id"], "content": observation})
    if final is not None:
        messages.append({"role": "assistant", "content": final})
    return {"messages": messages, "tools": list(tools)}


def fresh(registry, expression: str) -> str:
    return registry.call("calculator", {"expression": expression}).content


PENS = "Tom has $35 and buys 3 pens at $4.50 each. How much money is left?"


def good_cases(registry) -> dict[str, dict]:
    r = lambda e: fresh(registry, e)  # noqa: E731
    return {
        "en money": trace(PENS, [(call(0, "35-3*4.5"), r("35-3*4.5"))], "Tom has $21.50 left."),
        "en with steps": trace(PENS, [(call(0, "35-3*4.5"), r("35-3*4.5"))],
                               "3 pens cost 3 × $4.50 = $13.50, so $35 − $13.50 = $21.50 is left."),
        "zh 万": trace("每月存2500元，存6个月一共存多少钱？", [(call(0, "2500*6"), r("2500*6"))], "答案是1.5万元。"),
        "zh percent": trace("班里有40人，其中8人戴眼镜，戴眼镜的人占多少？", [(call(0, "8/40"), r("8/40"))],
                            "戴眼镜的人约占百分之二十。"),
        "zh third": trace("一块蛋糕平均分给3个人，每人分到几分之几？", [(call(0, "1/3"), r("1/3"))],
                          "每人分到三分之一，约0.33块。"),
        "rounding": trace("Split 10 litres into 3 equal bottles. How much per bottle?",
                          [(call(0, "10/3"), r("10/3"))], "Each bottle holds about 3.33 litres."),
        "thousands": trace("What is 1234 * 1000 + 567?", [(call(0, "1234*1000+567"), r("1234*1000+567"))],
                           "The result is 1,234,567."),
        "two calls": trace("一件衣服原价240元，打八折后再减20元，最后多少钱？",
                           [(call(0, "240*0.8"), r("240*0.8")), (call(1, "192-20"), r("192-20"))],
                           "打八折后是192元，再减20元，最后是172元。"),
        "think block": trace("What is 17*23?", [(call(0, "17*23"), r("17*23"))],
                             "<think>17*23 is about 400</think>17 × 23 = 391."),
        "no numbers": trace("Is 391 equal to 17*23?", [(call(0, "17*23"), r("17*23"))], "Yes, it is."),
    }


def bad_cases(registry) -> list[tuple[str, dict, Reason]]:
    r = lambda e: fresh(registry, e)  # noqa: E731
    return [
        ("tampered observation", trace(PENS, [(call(0, "35-3*4.5"), "22")], "Tom has $22 left."),
         Reason.TOOL_RESULT_MISMATCH),
        ("wrong final number", trace(PENS, [(call(0, "35-3*4.5"), r("35-3*4.5"))], "Tom has $22.50 left."),
         Reason.ANSWER_UNSUPPORTED),
        ("wrong zh final", trace("每月存2500元，存6个月一共存多少钱？", [(call(0, "2500*6"), r("2500*6"))],
                                 "答案是1.6万元。"), Reason.ANSWER_UNSUPPORTED),
        ("small wrong digit", trace("What is 2+5?", [(call(0, "2+5"), r("2+5"))], "It is 8."),
         Reason.ANSWER_UNSUPPORTED),
        ("unknown tool", trace(PENS, [(call(0, "35-3*4.5", name="abacus"), "21.5")], "Tom has $21.50 left."),
         Reason.TOOL_UNKNOWN),
        ("bad JSON arguments", trace(PENS, [(call(0, raw='{"expression": "35-3*4.5"'), "21.5")], "$21.50"),
         Reason.TRACE_UNPARSABLE),
        ("arguments not an object", trace(PENS, [(call(0, raw='"35-3*4.5"'), "21.5")], "$21.50"),
         Reason.TRACE_UNPARSABLE),
        ("arguments fail the schema", trace(PENS, [(call(0, raw='{"expr": "35-3*4.5"}'), "21.5")], "$21.50"),
         Reason.TOOL_ARGS_INVALID),
        ("answer ignores the tool", trace(PENS, [(call(0, "35-3*4.5"), r("35-3*4.5"))],
                                          "Tom had $35 and bought 3 pens at $4.50 each."), Reason.TOOL_NOT_USED),
        ("hostile argument", trace(PENS, [(call(0, "__import__('os').system('x')"), "0")], "Tom has $0 left."),
         Reason.TOOL_ERROR),
        ("no tool call", trace(PENS, [], "Tom has $21.50 left."), Reason.TOOL_NOT_USED),
        ("observation answers nothing", {"messages": [{"role": "user", "content": "1+1?"},
                                                      {"role": "tool", "tool_call_id": "x", "content": "2"},
                                                      {"role": "assistant", "content": "2"}], "tools": [CALC]},
         Reason.TRACE_UNPARSABLE),
        ("call never answered", {"messages": [{"role": "user", "content": "1+1?"},
                                              {"role": "assistant", "content": None, "tool_calls": [call(0, "1+1")]},
                                              {"role": "assistant", "content": "2"}], "tools": [CALC]},
         Reason.TRACE_UNPARSABLE),
        ("starts with the assistant", {"messages": [{"role": "assistant", "content": "hi"}]},
         Reason.TRACE_UNPARSABLE),
    ]


def test_good_traces_are_kept(registry):
    for name, tr in good_cases(registry).items():
        check = verify_trace(tr, registry)
        assert check.ok, (name, check.reason, check.detail)
        assert check.checks["calls"] >= 1 and check.checks["reexecuted"] == check.checks["calls"], name
        assert check.checks["numbers_supported"] == check.checks["numbers_checked"], name


@pytest.mark.parametrize("index", range(14))
def test_bad_traces_are_rejected_with_their_code(registry, index):
    name, tr, reason = bad_cases(registry)[index]
    check = verify_trace(tr, registry)
    assert not check.ok, name
    assert check.reason is reason, (name, check.reason, check.detail)
    assert check.detail and "\n" not in check.detail


def test_wrong_number_is_named_in_the_detail(registry):
    tr = trace(PENS, [(call(0, "35-3*4.5"), fresh(registry, "35-3*4.5"))], "Tom has $22.50 left.")
    assert "22.50" in verify_trace(tr, registry).detail


def test_unknown_user_tool_is_kept_but_listed(registry):
    weather = {"type": "function", "function": {"name": "get_weather", "description": "Weather of a city",
                                                "parameters": {"type": "object",
                                                               "properties": {"city": {"type": "string"}},
                                                               "required": ["city"]}}}
    tr = trace("What is the temperature in Paris?", [(call(0, name="get_weather", raw='{"city": "Paris"}'),
                                                      '{"temp_c": 21}')], "It is 21°C in Paris.", tools=(weather,))
    check = verify_trace(tr, registry)
    assert check.ok, check.detail
    assert check.checks["not_reexecuted"] == ["get_weather"] and check.checks["reexecuted"] == 0
    bad = trace("Temperature?", [(call(0, name="get_weather", raw='{"town": "Paris"}'), "21")], "21", (weather,))
    assert verify_trace(bad, registry).reason is Reason.TOOL_ARGS_INVALID


def test_xlam_style_trace_has_no_final_answer(registry):
    tr = {"messages": [{"role": "user", "content": "What is 6*7?"},
                       {"role": "assistant", "content": None, "tool_calls": [call(0, "6*7")]}], "tools": [CALC]}
    check = verify_trace(tr, registry)
    assert check.ok and check.checks["final"] == "n/a" and check.checks["reexecuted"] == 1
    hostile = {"messages": [tr["messages"][0], {"role": "assistant", "content": None,
                                                 "tool_calls": [call(0, "__import__('os').system('x')")]}]}
    assert verify_trace(hostile, registry).reason is Reason.TOOL_ERROR


def test_reference(registry):
    tr = trace(PENS, [(call(0, "35-3*4.5"), fresh(registry, "35-3*4.5"))], "Tom has $21.50 left.")
    assert verify_trace(tr, registry, reference="35 - 3*4.5").ok
    check = verify_trace(tr, registry, reference="35 - 2*4.5")
    assert check.reason is Reason.REFERENCE_MISMATCH and check.checks["reference_ok"] is False


def test_parallel_calls(registry):
    calls = [call(0, "2*3"), call(1, "4*5")]
    tr = {"messages": [{"role": "user", "content": "2*3 and 4*5?"},
                       {"role": "assistant", "content": None, "tool_calls": calls},
                       {"role": "tool", "tool_call_id": "call_1", "content": fresh(registry, "4*5")},
                       {"role": "tool", "tool_call_id": "call_0", "content": fresh(registry, "2*3")},
                       {"role": "assistant", "content": "6 and 20."}], "tools": [CALC]}
    assert verify_trace(tr, registry).ok


@pytest.mark.parametrize("recorded, fresh_text, agree", [
    ("21.5", "21.5", True),
    (" 21.5 ", "21.5", True),
    ("21.5", "43/2 ≈ 21.5", True),
    ("21.5000000000000", "21.5", True),
    ("1/3", "1/3 ≈ 0.333333333333333", True),
    ("0.333333333333333", "1/3 ≈ 0.333333333333333", True),   # a decimal may approximate 1/3
    ("0.3333", "1/3 ≈ 0.333333333333333", False),
    ("1000000000001", "1000000000000", False),                 # both exact: no tolerance
    ("21.6", "21.5", False),
    ('{"area": 15}', '{"area": 15}', True),
    ('{"area": 15.0}', '{"area": 15}', True),
    ('{"area": 16}', '{"area": 15}', False),
    ("sunny", "rainy", False),
])
def test_results_agree(recorded, fresh_text, agree):
    assert results_agree(recorded, fresh_text) is agree


# --------------------------------------------------------------------------- text tool calls


def test_parse_text_tool_calls():
    text = ('Let me compute.\n<tool_call>\n{"name": "calculator", "arguments": {"expression": "2+2"}}\n</tool_call>'
            '<tool_call>{"name": "calculator", "arguments": "{\\"expression\\": \\"3*3\\"}"}</tool_call> done')
    calls, rest = parse_text_tool_calls(text)
    assert [c["id"] for c in calls] == ["call_0", "call_1"]
    assert [json.loads(c["function"]["arguments"]) for c in calls] == [{"expression": "2+2"}, {"expression": "3*3"}]
    assert rest == "Let me compute.\n done"
    assert parse_text_tool_calls("no calls here") == ([], "no calls here")
    calls, _ = parse_text_tool_calls('<tool_call>{"name": "calculator", "arguments": {}}</tool_call>', start=5)
    assert calls[0]["id"] == "call_5"


@pytest.mark.parametrize("text", ["<tool_call>{not json}</tool_call>", '<tool_call>{"arguments": {}}</tool_call>',
                                  '<tool_call>{"name": "c", "arguments": "[1]"}</tool_call>',
                                  '<tool_call>{"name": "c", "arguments": {}}'])
def test_parse_text_tool_calls_rejects(text):
    with pytest.raises(ValueError):
        parse_text_tool_calls(text)


def test_any_object_with_the_registry_api_works():
    fake = FakeRegistry()
    for name, tr in good_cases(fake).items():
        assert verify_trace(tr, fake).ok, name
    assert [verify_trace(tr, fake).reason for _, tr, _ in bad_cases(fake)] == [r for _, _, r in bad_cases(fake)]


def test_without_a_registry_nothing_is_reexecuted():
    tr = trace("What is 6*7?", [(call(0, "6*7"), "42")], "42.")
    check = verify_trace(tr, None)
    assert check.ok and check.checks["not_reexecuted"] == ["calculator"]


def test_an_unasked_rounding_is_unsupported_but_an_asked_one_is_kept():
    from agentsft.tools.registry import default_registry
    from agentsft.verify.traces import verify_trace

    def trace(question, answer):
        return {"messages": [
            {"role": "user", "content": question},
            {"role": "assistant", "content": "", "tool_calls": [{"id": "c0", "type": "function", "function": {
                "name": "calculator", "arguments": "{\"expression\": \"3*4.5\"}"}}]},
            {"role": "tool", "tool_call_id": "c0", "content": "27/2 ≈ 13.5"},
            {"role": "assistant", "content": answer}]}

    reg = default_registry()
    assert verify_trace(trace("3支笔每支4.5元，一共多少钱？", "一共14元。"), reg).reason.value == "answer_unsupported"
    assert verify_trace(trace("3支笔每支4.5元，一共多少钱？（结果保留整数）", "约14元。"), reg).ok
    assert verify_trace(trace("3 pens at 4.5 each, to the nearest dollar?", "About 14 dollars."), reg).ok


def test_grounding_of_calculator_arguments():
    from agentsft.verify.grounding import discounts, ungrounded_number

    def calls(question, *exprs):
        msgs = [{"role": "user", "content": question}]
        for i, e in enumerate(exprs):
            msgs += [{"role": "assistant", "tool_calls": [{"id": f"c{i}", "type": "function", "function": {
                "name": "calculator", "arguments": json.dumps({"expression": e})}}]},
                     {"role": "tool", "tool_call_id": f"c{i}", "content": "777"}]
        return ungrounded_number(msgs, lambda c: c or "")

    assert calls("一支笔2.5元，买7支一共多少元？", "2.5 * 7") is None
    assert calls("一支笔2.5元，买7支一共多少元？", "12 * 7") == ("c0", "12")
    assert calls("每月存500元，存一年共多少元？", "500 * 12") is None
    assert calls("A 240 yuan coat is 20% off. Price?", "240 * (1 - 0.2)") is None
    assert calls("原价240元，打八折后再减20元", "240 * 0.8 - 20") is None
    assert calls("3 items at 4 dollars, then add the tool's result", "3 * 4", "777 + 1") is None
    assert calls("3 items at 4 dollars", "3 * 4.25") == ("c0", "4.25")
    assert discounts("打七五折") == [Fraction(3, 4), Fraction(1, 4)] and Fraction(17, 20) in discounts("8.5折")


def test_a_call_that_computes_nothing_and_markup_in_the_answer_are_rejected():
    from agentsft.tools.registry import default_registry
    from agentsft.verify.traces import verify_trace

    def trace(expr, result, answer):
        return {"messages": [
            {"role": "user", "content": "一支笔2.5元，买7支一共多少元？"},
            {"role": "assistant", "content": "", "tool_calls": [{"id": "c0", "type": "function", "function": {
                "name": "calculator", "arguments": json.dumps({"expression": expr})}}]},
            {"role": "tool", "tool_call_id": "c0", "content": result},
            {"role": "assistant", "content": answer}]}

    reg = default_registry()
    idle = verify_trace(trace("2.5", "5/2 ≈ 2.5", "2.5元。"), reg)
    assert idle.reason.value == "tool_not_used" and "computes nothing" in idle.detail
    markup = verify_trace(trace("2.5 * 7", "35/2 ≈ 17.5", "<tool_response>35/2 ≈ 17.5</tool_response>"), reg)
    assert markup.reason.value == "trace_unparsable"
    assert verify_trace(trace("2.5 * 7", "35/2 ≈ 17.5", "一共17.5元。"), reg).ok
    assert verify_trace(trace("sqrt(49)", "7", "一共7元。"), reg).reason.value != "tool_not_used"


def test_an_answer_without_the_result_and_deeply_nested_json_are_rejects_not_passes_or_crashes():
    from agentsft.tools.registry import default_registry
    from agentsft.verify.run import verify_record
    from agentsft.verify.traces import verify_trace

    def trace(question, expr, result, answer):
        return {"messages": [
            {"role": "user", "content": question},
            {"role": "assistant", "content": "", "tool_calls": [{"id": "c0", "type": "function", "function": {
                "name": "calculator", "arguments": json.dumps({"expression": expr})}}]},
            {"role": "tool", "tool_call_id": "c0", "content": result},
            {"role": "assistant", "content": answer}]}

    reg = default_registry()
    assert verify_trace(trace("12 boxes of 7?", "12*7", "84", "The answer is ninety."), reg).reason.value == "tool_not_used"
    assert verify_trace(trace("12 boxes of 7?", "12*7", "84", "It is large."), reg).reason.value == "tool_not_used"
    assert verify_trace(trace("3加5等于几？", "3+5", "8", "等于九。"), reg).reason.value == "tool_not_used"
    assert verify_trace(trace("3加5等于几？", "3+5", "8", "等于八。"), reg).ok
    deep = "[" * 5000
    rec = {"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "", "tool_calls": [
        {"id": "a", "type": "function", "function": {"name": "calculator", "arguments": deep}}]}]}
    assert verify_record(rec, "auto", reg)[1].reason.value == "trace_unparsable"
    sharegpt = {"conversations": [{"from": "human", "value": "x"}, {"from": "function_call", "value": deep}]}
    assert verify_record(sharegpt, "auto", reg)[1].reason.value == "trace_unparsable"
    assert not reg.call("calculator", deep).ok and not reg.call(["x"], "{}").ok


def test_growth_and_discount_factors_of_stated_percents_are_grounded():
    from agentsft.verify.grounding import ungrounded_number

    def call(question, expr):
        msgs = [{"role": "user", "content": question}, {"role": "assistant", "tool_calls": [{"id": "c0", "type": "function",
                "function": {"name": "calculator", "arguments": json.dumps({"expression": expr})}}]}]
        return ungrounded_number(msgs, lambda c: c or "")

    assert call("Sales of 1,200,000 grow by 10% next year. New sales?", "1200000*1.1") is None
    assert call("1000 dollars at 5% a year for 3 years, compounded yearly?", "1000*1.05^3") is None
    assert call("A 1000 dollar TV is 15% off. Price?", "1000*0.85") is None
    assert call("A 1000 dollar TV is 15% off. Price?", "1000*0.8") == ("c0", "0.8")
