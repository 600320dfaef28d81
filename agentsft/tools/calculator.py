"""The ``calculator`` tool: exact arithmetic (sympy) behind a whitelist parser. Never evaluates Python.

``calculate("150*20%")`` → CalcResult(ok=True, exact="30", decimal="30"); ``calculator("sqrt(8)")`` →
``"2*sqrt(2) ≈ 2.82842712474619"``; ``calculator("1/0")`` → ``"error: division by zero"``.

Pipeline: calcnorm.normalize (NFKC, ×÷−, full-width forms, character whitelist, thousands separators, ``^``,
postfix percent — the rules are in its docstring) → calcparse.evaluate (``ast.parse`` in eval mode, a whitelist
walk building sympy numbers; decimal literals are exact rationals) → calcnum / calcfuncs (every operation checks
domains and sizes before it runs) → CalcResult with an exact and a 15-digit decimal form.

Limits (calclimits, re-exported here): MAX_EXPRESSION_LENGTH 500 characters, MAX_NODES 300, MAX_DEPTH 40,
MAX_LITERAL_DIGITS 100 and |exponent| <= MAX_LITERAL_EXPONENT 100 per literal, MAX_RESULT_DIGITS 10,000 for every
intermediate (a**b is refused from the estimate |b|·log10|a| before computing, so 9**9**9**9 never starts),
factorial <= 1000, comb/perm k <= 1000, exact roots x**(p/q) only for q <= 1000 (else floats), |x| <= 1e15 for
sin/cos/tan (sin(10**100) is refused), |x| <= 23025 for exp. Results that are not real numbers (sqrt(-1), log(-1),
asin(2), (-1)**0.5) are errors; odd roots of negative numbers are real ((-8)**(1/3) = -2). Typical inputs take
well under a millisecond and the worst accepted ones a few hundred (evals/TOOLS.md); nothing here raises: any
failure is CalcResult(ok=False, error=...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from sympy import Expr, Rational
from sympy.printing.str import StrPrinter

from agentsft.tools import calcnum as num
from agentsft.tools.calclimits import (APPROX_DIGITS, DECIMAL_DIGITS, MAX_DEPTH, MAX_EXACT_CHARS,
                                       MAX_EXP_ARG, MAX_EXPRESSION_LENGTH, MAX_FACTORIAL, MAX_LITERAL_DIGITS,
                                       MAX_LITERAL_EXPONENT, MAX_NODES, MAX_RESULT_DIGITS, MAX_TRIG_ARG, CalcError)
from agentsft.tools.calcnorm import normalize
from agentsft.tools.calcparse import evaluate

__all__ = ["CALCULATOR_SCHEMA", "CalcError", "CalcResult", "calculate", "calculator", "MAX_DEPTH",
           "MAX_EXPRESSION_LENGTH", "MAX_EXP_ARG", "MAX_FACTORIAL", "MAX_LITERAL_DIGITS", "MAX_LITERAL_EXPONENT",
           "MAX_NODES", "MAX_RESULT_DIGITS", "MAX_TRIG_ARG"]

_CONTEXT = Context(prec=DECIMAL_DIGITS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CalcResult:
    """One evaluation: ``exact`` and ``decimal`` forms when ok, else a human ``error`` message."""

    ok: bool
    exact: str = ""      # sympy form of the exact value: "3/4", "12", "2*sqrt(2)", "pi/2"; the decimal if long
    decimal: str = ""    # 15 significant digits, trailing zeros stripped: "0.75", "2.82842712474619", "1e+20"
    error: str = ""      # e.g. "division by zero", "name 'os' is not allowed"
    _value: Any = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        """The tool's answer: the exact form, with ``≈ decimal`` when the two differ; ``error: ...`` on failure."""
        if not self.ok:
            return "error: " + self.error
        return self.exact if self.exact == self.decimal else f"{self.exact} ≈ {self.decimal}"

    @property
    def value(self) -> Expr | None:
        """The sympy number (exact, or a 30-digit Float when it had to be approximated); None on error."""
        return self._value


def calculate(expression: str) -> CalcResult:
    """Evaluate ``expression``; never raises, never executes code (see the module docstring for the rules)."""
    try:
        value = evaluate(normalize(expression))
        value = num.settle(value)
        return CalcResult(ok=True, exact=_exact_text(value), decimal=decimal_text(value), _value=value)
    except CalcError as e:
        return CalcResult(ok=False, error=str(e))
    except (RecursionError, MemoryError):
        return CalcResult(ok=False, error="expression is too complex")
    except Exception as e:  # a sympy internal failure must not escape the tool either
        return CalcResult(ok=False, error=f"could not evaluate the expression ({type(e).__name__})")


def calculator(expression: str) -> str:
    """The tool function: ``calculate(expression).text``."""
    return calculate(expression).text


class _Printer(StrPrinter):
    """sympy's str form, with Euler's number written ``e`` (the calculator's own spelling)."""

    def _print_Exp1(self, expr: Expr) -> str:
        return "e"


def _exact_text(value: Expr) -> str:
    if value.is_Float or any(num.rational_digits(r) > MAX_EXACT_CHARS for r in value.atoms(Rational)):
        return decimal_text(value)
    text = _Printer().doprint(value)
    return text if len(text) <= MAX_EXACT_CHARS else decimal_text(value)


def decimal_text(value: Expr) -> str:
    """15 significant digits, half-up, trailing zeros stripped; positional for 1e-6 <= |x| < 1e15."""
    if value.is_Rational:
        d = _CONTEXT.divide(Decimal(value.p), Decimal(value.q))
    else:
        d = _CONTEXT.plus(Decimal(str(value.evalf(APPROX_DIGITS))))
    return format_decimal(d)


def format_decimal(d: Decimal) -> str:
    if d.is_zero():
        return "0"
    d = d.normalize(_CONTEXT)
    if Decimal("1e-6") <= abs(d) < Decimal("1e15"):
        return format(d, "f")
    sign, digits, exponent = d.as_tuple()
    mantissa = "".join(map(str, digits))
    power = exponent + len(digits) - 1
    body = mantissa[0] + ("." + mantissa[1:] if len(mantissa) > 1 else "")
    return f"{'-' if sign else ''}{body}e{'+' if power >= 0 else '-'}{abs(power):02d}"


CALCULATOR_SCHEMA: dict = {
    "type": "function",
    "function": {
        "name": "calculator",
        "description": (
            "Exact arithmetic calculator. Evaluates one expression and returns its exact value and a 15-digit "
            "decimal, e.g. '2*sqrt(2) ≈ 2.82842712474619', or 'error: ...'. Supports + - * / // (floor division) "
            "% (modulo; a % right after a number is a percent: 200*15% = 30) ** or ^, parentheses, sqrt, cbrt, "
            "abs, round(x) / round(x, n), floor, ceil, log(x) (natural) / log(x, base), ln, log10, log2, exp, sin, "
            "cos, tan, asin, acos, atan (radians), factorial, gcd, lcm, min, max, comb, perm, and the constants "
            "pi and e. Decimals are exact (0.1 + 0.2 = 3/10). No variables, no units, no implicit multiplication."
        ),
        "parameters": {
            "type": "object",
            "properties": {
                "expression": {
                    "type": "string",
                    "description": ("The arithmetic expression, e.g. '(1+2)*3', '150*20%', 'sqrt(8)', "
                                    "'round(2.675, 2)', 'log(8, 2)'. Full-width digits and × ÷ are accepted."),
                },
            },
            "required": ["expression"],
            "additionalProperties": False,
        },
    },
}
