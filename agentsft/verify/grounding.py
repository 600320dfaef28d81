"""Are a trace's calculator arguments grounded? Every number an expression uses must come from the question,
from an earlier tool result, or be a small integer or a common unit constant.

A weak model often calls the tool correctly on the wrong numbers — copying a demo's ``12`` into ``12 * 7`` for a
question about 2.5 and 7 — and then states the tool's result faithfully: the trace is self-consistent and wrong.
This check catches the numbers that came from nowhere. It cannot catch a wrong operation on the right numbers.
"""

from __future__ import annotations

import json
import re
import unicodedata
from fractions import Fraction
from typing import Any

from .numbers import extract_numbers, result_values

# Always allowed: small integers (counts, exponents, halving), percent and metric factors, 万 and 亿.
CONSTANTS = frozenset(Fraction(v) for v in (*range(0, 11), 100, 1000, 10000, 100000000, "0.5", "0.1", "0.01"))
# Allowed when the question speaks of their unit (a demo's 12 copied into "12 * 7" for pens is not).
_TIME = r"月|年|month|year|annual|monthly"
CONTEXT_CONSTANTS: dict[int, re.Pattern[str]] = {
    value: re.compile(pattern, re.I) for value, pattern in (
        (12, _TIME + r"|dozen|打|inch|英寸|foot|feet|英尺"), (24, r"天|日|day|hour|小时|时"),
        (30, r"月|天|month|day"), (31, r"月|天|month|day"), (52, r"周|星期|week|年|year"),
        (60, r"分|秒|小时|时|minute|second|hour"), (360, r"度|角|degree|angle|年|year"),
        (365, _TIME + r"|天|day"), (366, _TIME + r"|天|day"), (3600, r"秒|小时|second|hour"))}
_ZH_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_DISCOUNT = re.compile(r"([〇一二三四五六七八九\d](?:\.\d|[〇一二三四五六七八九\d])?)\s*折")
_LITERAL = re.compile(r"(?<![A-Za-z_\d.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def literals(expression: str) -> list[tuple[str, Fraction]]:
    """The numeric literals of an expression (after NFKC: full-width digits count), with their values."""
    text = unicodedata.normalize("NFKC", expression).replace(",", "")
    out = []
    for m in _LITERAL.finditer(text):
        try:
            out.append((m.group(), Fraction(m.group())))
        except (ValueError, ZeroDivisionError):
            continue
    return out


def discounts(text: str) -> list[Fraction]:
    """Chinese discounts as multipliers: 八折 0.8, 七五折 0.75, 8.5折 0.85, 9折 0.9."""
    out = []
    for m in _DISCOUNT.finditer(text):
        body = "".join(str(_ZH_DIGIT.get(ch, ch)) for ch in m.group(1))
        value = Fraction(body) / (10 if "." in body or len(body) == 1 else 100)
        out += [value, 1 - value]
    return out


def growth_factors(text: str) -> list[Fraction]:
    """1 ± p for every percent p stated: 5% interest is a factor 1.05, 15% off is 0.85."""
    return [1 + sign * n.value for n in extract_numbers(text) if n.percent for sign in (1, -1)]


def call_expression(call: dict[str, Any]) -> str | None:
    """The string ``expression`` argument of one OpenAI tool call (the calculator's), or None."""
    try:
        args = json.loads((call.get("function") or {}).get("arguments") or "{}")
    except (ValueError, RecursionError):
        return None
    expr = args.get("expression") if isinstance(args, dict) else None
    return expr if isinstance(expr, str) else None


def _calls(msg: dict[str, Any]) -> list[dict[str, Any]]:
    return (msg.get("tool_calls") or []) if msg.get("role") == "assistant" else []


def ungrounded_number(messages: list[dict[str, Any]], text_of) -> tuple[str, str] | None:
    """The first (call id, number) whose number is in no user turn, earlier tool result or constant; None if all
    are grounded. Only string ``expression`` arguments (the calculator's) are checked."""
    known: set[Fraction] = set(CONSTANTS)
    question = " ".join(text_of(m.get("content")) for m in messages if m.get("role") == "user")
    known.update(Fraction(v) for v, unit in CONTEXT_CONSTANTS.items() if unit.search(question))
    for msg in messages:
        role = msg.get("role")
        if role in ("user", "tool"):
            text = text_of(msg.get("content"))
            known.update(result_values(text))
            known.update(discounts(text))
            known.update(growth_factors(text))
        for call in _calls(msg):
            for raw, value in literals(call_expression(call) or ""):
                if value not in known and value / 100 not in known and value * 100 not in known:
                    return str(call.get("id", "?")), raw
    return None


_OPERATION = re.compile(r"[-+*/%^×÷]|[a-z]{2,}\s*\(", re.I)
MARKUP = re.compile(r"</?tool_(?:call|response)>")


def computes(expression: str) -> bool:
    """True when an expression does some arithmetic (an operator or a function), not just state a number."""
    return bool(_OPERATION.search(expression.lstrip("+-")))


def trivial_call(messages: list[dict[str, Any]]) -> str | None:
    """The id of a calculator call whose expression computes nothing (a bare number such as ``2.5``)."""
    for msg in messages:
        for call in _calls(msg):
            expr = call_expression(call)
            if expr is not None and not computes(expr):
                return str(call.get("id", "?"))
    return None
