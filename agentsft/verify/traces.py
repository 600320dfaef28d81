"""Check one tool-use trace (the neutral form of ``agentsft.io.toolformats``) against a tool registry.

``verify_trace`` runs, in order, and stops at the first failure:

(a) structure: roles sane, every tool call named with JSON-string arguments that parse to an object, every tool
    turn answering an earlier call id, every call answered before a later assistant turn (TRACE_UNPARSABLE);
    no tool call at all (TOOL_NOT_USED);
(b) every call names a tool of the trace's ``tools`` list or of the registry (TOOL_UNKNOWN) with arguments valid
    against its schema (TOOL_ARGS_INVALID; the registry's schema wins for its tools);
(c) every call of a re-executable registry tool is run again: a failing run is TOOL_ERROR (a hostile expression
    lands here); a recorded result that differs is TOOL_RESULT_MISMATCH (``results_agree``). Tools only the trace
    lists are checked for structure and listed in ``checks["not_reexecuted"]``: visible, not a reject;
(d) the final answer (the last assistant turn without tool calls, after the last call): every number it states
    must be supported (``numbers.supported``) by a tool result, or be an input: a number of a user turn or of
    the call arguments, or an intermediate value of an arithmetic argument (``35-3*4.5`` supports 13.5).
    An unsupported number is ANSWER_UNSUPPORTED; numbers none of which a tool result supports are
    TOOL_NOT_USED ("the final answer ignores the tool"). Soft numbers (ordinals, list markers, small
    Chinese-numeral counts such as 两步) are not checked; a digit is always checked, small or not ("答案是7"
    must be supported like any other number). No final answer (xLAM rows) leaves ``checks["final"] = "n/a"``;
(e) with a ``reference`` expression: its value, from the registry's calculator, must support a number of the
    final answer (REFERENCE_MISMATCH).
"""

from __future__ import annotations

import ast
import json
import operator
import re
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..schema import Reason
from .grounding import MARKUP, trivial_call, ungrounded_number
from ..text import strip_think
from .numbers import extract_numbers, result_values, supported
from .results import RESULT_REL_TOL, _result_numbers, results_agree
from .textcalls import parse_text_tool_calls

__all__ = ["TraceCheck", "verify_trace", "results_agree", "parse_text_tool_calls", "message_text"]

ANSWER_REL_TOL = 1e-6  # a stated number vs a tool result (see numbers.supported)
ROUNDING_REL = 0.01  # a rounded number the question did not ask for must stay within 1 % of the result


@dataclass
class TraceCheck:
    """The verdict on one trace. ``checks`` is the small machine-readable summary stored on the sample;
    ``timings`` (seconds per phase: structure, reexec, numbers) is for benchmarks, not for storage."""

    ok: bool
    reason: Reason | None = None
    detail: str = ""
    checks: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


class _Reject(Exception):
    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


# --------------------------------------------------------------------------- helpers


def message_text(content: Any) -> str:
    """A message's content as text (string, null, or a list of text parts)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return str(content)


@dataclass
class _Call:
    index: int  # message index of the assistant turn
    id: str
    name: str
    arguments: dict[str, Any]
    observation: str | None = None


# --------------------------------------------------------------------------- (a) structure


def _parse_call(raw: Any, where: str) -> tuple[str, str, dict[str, Any]]:
    if not isinstance(raw, dict):
        raise _Reject(Reason.TRACE_UNPARSABLE, f"{where} is not an object")
    fn = raw.get("function")
    if not isinstance(fn, dict) or not isinstance(fn.get("name"), str) or not fn["name"].strip():
        raise _Reject(Reason.TRACE_UNPARSABLE, f"{where} has no function name")
    call_id = raw.get("id")
    if not isinstance(call_id, str) or not call_id:
        raise _Reject(Reason.TRACE_UNPARSABLE, f"{where} has no id")
    args = fn.get("arguments")
    if not isinstance(args, str):
        raise _Reject(Reason.TRACE_UNPARSABLE, f"{where} arguments are not a JSON string")
    try:
        parsed = json.loads(args) if args.strip() else {}
    except (json.JSONDecodeError, RecursionError) as e:
        raise _Reject(Reason.TRACE_UNPARSABLE, f"{where} ({fn['name']}) arguments are not valid JSON: {getattr(e, 'msg', 'nested too deeply')}")
    if not isinstance(parsed, dict):
        raise _Reject(Reason.TRACE_UNPARSABLE, f"{where} ({fn['name']}) arguments are not a JSON object")
    return call_id, fn["name"], parsed


def _check_roles(messages: Any) -> None:
    if not isinstance(messages, list) or not messages:
        raise _Reject(Reason.TRACE_UNPARSABLE, "the trace has no messages")
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict) or msg.get("role") not in ("system", "user", "assistant", "tool"):
            raise _Reject(Reason.TRACE_UNPARSABLE, f"messages[{i}] has no valid role")
        if msg["role"] == "system" and i != 0:
            raise _Reject(Reason.TRACE_UNPARSABLE, f"messages[{i}] is a system turn after the start")
    first = 1 if messages[0]["role"] == "system" else 0
    if first >= len(messages) or messages[first]["role"] != "user":
        raise _Reject(Reason.TRACE_UNPARSABLE, "the trace does not start with a user turn")


def _structure(messages: list[dict[str, Any]]) -> list[_Call]:
    """The trace's calls in order, with their recorded observations. Raises _Reject."""
    _check_roles(messages)
    calls: list[_Call] = []
    by_id: dict[str, _Call] = {}
    for i, msg in enumerate(messages):
        role = msg["role"]
        if role == "assistant":
            raw_calls = msg.get("tool_calls") or []
            if not isinstance(raw_calls, list):
                raise _Reject(Reason.TRACE_UNPARSABLE, f"messages[{i}].tool_calls is not a list")
            if not raw_calls and not message_text(msg.get("content")).strip():
                raise _Reject(Reason.TRACE_UNPARSABLE, f"messages[{i}] is an empty assistant turn")
            pending = [c.id for c in calls if c.observation is None]
            if pending:
                raise _Reject(Reason.TRACE_UNPARSABLE, f"tool call {pending[0]} has no result before messages[{i}]")
            for k, raw in enumerate(raw_calls):
                call_id, name, args = _parse_call(raw, f"messages[{i}].tool_calls[{k}]")
                if call_id in by_id:
                    raise _Reject(Reason.TRACE_UNPARSABLE, f"tool call id {call_id!r} is used twice")
                by_id[call_id] = _Call(i, call_id, name, args)
                calls.append(by_id[call_id])
        elif role == "tool":
            call = by_id.get(msg.get("tool_call_id"))  # type: ignore[arg-type]
            if call is None:
                raise _Reject(Reason.TRACE_UNPARSABLE,
                              f"messages[{i}] answers no earlier tool call (tool_call_id {msg.get('tool_call_id')!r})")
            if call.observation is not None:
                raise _Reject(Reason.TRACE_UNPARSABLE, f"tool call {call.id} is answered twice")
            call.observation = message_text(msg.get("content"))
    if not calls:
        raise _Reject(Reason.TOOL_NOT_USED, "the trace makes no tool call")
    return calls


# --------------------------------------------------------------------------- (b) names and arguments

_JSON_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "integer": (int,), "number": (int, float),
                                             "boolean": (bool,), "array": (list,), "object": (dict,),
                                             "null": (type(None),)}


def _type_ok(value: Any, kind: Any) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    for k in kinds:
        types = _JSON_TYPES.get(k) if isinstance(k, str) else None
        if types is None:
            return True  # a type we do not know: no constraint
        if isinstance(value, bool) and k not in ("boolean",):
            continue
        if isinstance(value, types) or (k == "integer" and isinstance(value, float) and value.is_integer()):
            return True
    return False


def schema_errors(arguments: dict[str, Any], parameters: Any) -> str:
    """A short reason why ``arguments`` fail a JSON-schema ``parameters`` object ("" when they pass). Checks the
    subset tool schemas use: required properties, property types and enums, ``additionalProperties: false``."""
    if not isinstance(parameters, dict):
        return ""
    props = parameters.get("properties") if isinstance(parameters.get("properties"), dict) else {}
    for name in parameters.get("required") or []:
        if name not in arguments:
            return f"required argument {name!r} is missing"
    for name, value in arguments.items():
        spec = props.get(name)
        if spec is None:
            if parameters.get("additionalProperties") is False:
                return f"unexpected argument {name!r}"
            continue
        if isinstance(spec, dict) and "type" in spec and not _type_ok(value, spec["type"]):
            return f"argument {name!r} should be {spec['type']}, got {type(value).__name__}"
        if isinstance(spec, dict) and isinstance(spec.get("enum"), list) and value not in spec["enum"]:
            return f"argument {name!r} is not one of {spec['enum']}"
    return ""


def _trace_tools(tools: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for tool in tools or []:
        fn = tool.get("function", tool) if isinstance(tool, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            out[fn["name"]] = fn
    return out


def _check_names_and_args(calls: list[_Call], declared: dict[str, dict[str, Any]], registry: Any) -> None:
    for call in calls:
        in_registry = registry is not None and registry.has(call.name)
        if not in_registry and call.name not in declared:
            raise _Reject(Reason.TOOL_UNKNOWN, f"call {call.id} names unknown tool {call.name!r}")
        if in_registry:
            parsed, err = registry.validate(call.name, call.arguments)
            if parsed is None:
                raise _Reject(Reason.TOOL_ARGS_INVALID, f"call {call.id} ({call.name}): {err}")
            call.arguments = parsed
        else:
            err = schema_errors(call.arguments, declared[call.name].get("parameters"))
            if err:
                raise _Reject(Reason.TOOL_ARGS_INVALID, f"call {call.id} ({call.name}): {err}")


# --------------------------------------------------------------------------- (c) re-execution

def _reexecute(calls: list[_Call], registry: Any, checks: dict[str, Any]) -> list[str]:
    """Run again every re-executable registry call; returns the fresh result texts."""
    fresh: list[str] = []
    for call in calls:
        if registry is None or not registry.has(call.name) or not registry.is_reexecutable(call.name):
            checks["not_reexecuted"].append(call.name)
            continue
        try:
            outcome = registry.call(call.name, call.arguments)
        except Exception as e:  # a registry should report failures, but never let one crash a whole file
            raise _Reject(Reason.TOOL_ERROR, f"call {call.id} ({call.name}) raised {type(e).__name__}") from None
        checks["reexecuted"] += 1
        if not outcome.ok:
            raise _Reject(Reason.TOOL_ERROR, f"call {call.id} ({call.name}) failed when run again: "
                                             f"{outcome.error}: {outcome.content}"[:300])
        if call.observation is not None and not results_agree(call.observation, outcome.content):
            raise _Reject(Reason.TOOL_RESULT_MISMATCH, f"call {call.id} ({call.name}) recorded "
                                                       f"{call.observation[:80]!r}, a fresh run gives "
                                                       f"{outcome.content[:80]!r}")
        fresh.append(outcome.content)
    return fresh


# --------------------------------------------------------------------------- (d) the final answer

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _subvalues(node: ast.AST, out: list[Fraction]) -> Fraction | None:
    """Fold an arithmetic expression with Fractions, collecting the value of every sub-expression."""
    value: Fraction | None = None
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        value = Fraction(str(node.value))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _subvalues(node.operand, out)
        value = None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    elif isinstance(node, ast.BinOp):
        left, right = _subvalues(node.left, out), _subvalues(node.right, out)
        if left is not None and right is not None:
            if type(node.op) in _OPS and not (isinstance(node.op, ast.Div) and right == 0):
                value = _OPS[type(node.op)](left, right)
            elif isinstance(node.op, ast.Pow) and right.denominator == 1 and abs(right) <= 64 and \
                    abs(left.numerator) < 10**12 and (left != 0 or right >= 0):
                value = left ** int(right)
    if value is not None:
        out.append(value)
    return value


def _input_values(messages: list[dict[str, Any]], calls: list[_Call]) -> list[Fraction]:
    """Numbers the trace takes as given: user turns, call arguments and the intermediate values of arithmetic
    arguments."""
    values: list[Fraction] = []
    for msg in messages:
        if msg["role"] == "user":
            values.extend(result_values(message_text(msg.get("content"))))
    for call in calls:
        for arg in call.arguments.values():
            if isinstance(arg, (int, float)) and not isinstance(arg, bool):
                values.append(Fraction(str(arg)))
            elif isinstance(arg, str) and len(arg) <= 500:
                values.extend(result_values(arg))
                expr = arg.replace("×", "*").replace("÷", "/").replace("^", "**")
                try:
                    _subvalues(ast.parse(expr, mode="eval").body, values)
                except (SyntaxError, ValueError, OverflowError, ZeroDivisionError, RecursionError):
                    pass
    return values


def _final_answer(messages: list[dict[str, Any]], calls: list[_Call]) -> str | None:
    last_call = max(call.index for call in calls)
    for msg in reversed(messages[last_call + 1:]):
        if msg["role"] == "assistant" and not msg.get("tool_calls"):
            return strip_think(message_text(msg.get("content")))
    return None


_ASKS_ROUNDING = re.compile(
    r"保留[^，。,.;；]{0,6}?(?:小数|整数|位)|精确到|取整|四舍五入|约等于|大约|大概|估算|"
    r"\bround(?:ed|ing)?\b|decimal places?|\bnearest\b|significant (?:digits|figures)|\bapproximately\b|\bestimate",
    re.I)


def asks_for_rounding(messages: list[dict[str, Any]]) -> bool:
    """True when a user turn asks for a rounded answer (保留两位小数, 精确到, "to the nearest", "round")."""
    return any(m.get("role") == "user" and _ASKS_ROUNDING.search(message_text(m.get("content")))
               for m in messages)


# A yes/no answer to a comparison or a check ("Is 391 equal to 17*23?" "Yes.") needs no number.
_POLAR = re.compile(r"\b(?:yes|no|true|false|correct|incorrect|equal)\b|(?:^|[，,。\s])(?:是的|不是|对|不对|正确|错误|相等|不相等)"
                    r"|^是", re.I)


def _check_answer(final: str, results: list[Fraction], inputs: list[Fraction], checks: dict[str, Any],
                  rounding_rel: float | None = ROUNDING_REL) -> None:
    claims = [n for n in extract_numbers(final) if not n.soft]
    checks["numbers_checked"] = len(claims)
    from_tool = 0
    for claim in claims:
        if supported(claim, results, ANSWER_REL_TOL, rounding_rel):
            from_tool += 1
        elif not supported(claim, inputs, ANSWER_REL_TOL, rounding_rel):
            raise _Reject(Reason.ANSWER_UNSUPPORTED,
                          f"the final answer states {claim.text!r}, which no tool result or input supports")
        checks["numbers_supported"] += 1
    if not claims and results and not _POLAR.search(final):  # no checkable number: a soft one must be a result
        soft = [n for n in extract_numbers(final) if n.soft]
        if not any(supported(n, results, ANSWER_REL_TOL, rounding_rel) for n in soft):
            raise _Reject(Reason.TOOL_NOT_USED, "the final answer states none of the tool's results")
        return
    if claims and not from_tool:
        raise _Reject(Reason.TOOL_NOT_USED, "the final answer ignores the tool: none of its numbers "
                                            f"({', '.join(c.text for c in claims[:5])}) is a tool result")


def _check_reference(final: str, reference: str, registry: Any, checks: dict[str, Any]) -> None:
    outcome = registry.call("calculator", {"expression": reference}) if registry is not None else None
    if outcome is None or not outcome.ok:
        checks["reference_ok"] = False
        raise _Reject(Reason.REFERENCE_MISMATCH, f"the reference {reference!r} could not be computed")
    values = _result_numbers(outcome.content)
    ok = any(supported(n, values, ANSWER_REL_TOL) for n in extract_numbers(final))
    checks["reference_ok"] = ok
    if not ok:
        raise _Reject(Reason.REFERENCE_MISMATCH,
                      f"no number of the final answer matches the reference {reference!r} = {outcome.content[:60]}")


# --------------------------------------------------------------------------- entry point


def _check_grounding(messages: list[dict[str, Any]], checks: dict[str, Any]) -> None:
    idle = trivial_call(messages)
    if idle is not None:
        raise _Reject(Reason.TOOL_NOT_USED, f"call {idle} computes nothing (its expression is a bare number)")
    found = ungrounded_number(messages, message_text)
    checks["args_grounded"] = found is None
    if found is not None:
        raise _Reject(Reason.TOOL_ARGS_UNGROUNDED, f"call {found[0]} uses {found[1]}, which is in no user turn, "
                                                   "earlier tool result or unit constant")


def verify_trace(trace: dict[str, Any], registry: Any, *, reference: str | None = None,
                 ground_args: bool = True) -> TraceCheck:
    """Check one neutral-form trace ``{"messages": [...], "tools": [...]}`` (see the module docstring).
    ``ground_args``: every number of a calculator expression must come from the question, an earlier tool
    result or a unit constant (``grounding.py``)."""
    checks: dict[str, Any] = {"calls": 0, "reexecuted": 0, "not_reexecuted": [], "numbers_checked": 0,
                              "numbers_supported": 0, "final": "n/a", "reference_ok": None}
    timings = {"structure": 0.0, "reexec": 0.0, "numbers": 0.0}
    t0 = time.perf_counter()
    try:
        messages = trace.get("messages") if isinstance(trace, dict) else None
        calls = _structure(messages)  # type: ignore[arg-type]
        checks["calls"] = len(calls)
        _check_names_and_args(calls, _trace_tools(trace.get("tools")), registry)
        t1 = time.perf_counter()
        timings["structure"] = t1 - t0
        fresh = _reexecute(calls, registry, checks)
        if ground_args:
            _check_grounding(messages, checks)  # type: ignore[arg-type]
        t2 = time.perf_counter()
        timings["reexec"] = t2 - t1
        final = _final_answer(messages, calls)  # type: ignore[arg-type]
        if final is not None and MARKUP.search(final):
            raise _Reject(Reason.TRACE_UNPARSABLE, "the final answer holds tool-protocol markup (<tool_call>, "
                                                   "<tool_response>) instead of an answer")
        if final is not None:
            checks["final"] = "checked"
            results = [v for text in fresh + [c.observation for c in calls if c.observation is not None]
                       for v in _result_numbers(text)]
            rounding = None if asks_for_rounding(messages) else ROUNDING_REL
            _check_answer(final, results, _input_values(messages, calls), checks, rounding)  # type: ignore[arg-type]
            if reference is not None:
                _check_reference(final, reference, registry, checks)
        timings["numbers"] = time.perf_counter() - t2
    except _Reject as r:
        return TraceCheck(False, r.reason, r.detail, checks, timings)
    return TraceCheck(True, None, "", checks, timings)
