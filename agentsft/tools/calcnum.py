"""Guarded arithmetic on sympy numbers for the calculator.

Values are sympy numbers: exact Integer / Rational (bounded by MAX_RESULT_DIGITS), small exact symbolic values
(``2*sqrt(2)``, ``pi/2``, ``log(3)``), or 30-digit Floats (the fallback once a value is too large to keep exact).
Every operation checks its operands *before* calling sympy (zero divisors, domains, size estimates) and its result
after (``settle``), so nothing slow or unbounded is ever started.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import islice

import sympy
from sympy import Expr, Float, Integer, Rational
from sympy.core.evalf import PrecisionExhausted

from agentsft.tools.calclimits import (APPROX_DIGITS, MAX_IRRATIONAL_INTPART, MAX_RESULT_DIGITS,
                                       MAX_ROOT_DEGREE, MAX_SYMBOLIC_DIGITS, MAX_SYMBOLIC_NODES, CalcError)

_LOG10_2 = math.log10(2)
_UNDEFINED = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


def digits(n: int) -> int:
    """Decimal digits of |n|, estimated from the bit length (never converts a huge int to str)."""
    return int(abs(n).bit_length() * _LOG10_2) + 1


def rational_digits(value: Rational) -> int:
    return max(digits(value.p), digits(value.q))


def approx(value: Expr) -> Expr:
    """A real approximation of ``value`` good to ~30 significant digits (the value itself when rational).

    A symbolic value that evalf cannot tell from zero (``log(8)/log(2) - 3``) approximates to exactly 0.
    """
    return value if value.is_Rational else _approx_symbolic(value)


@lru_cache(maxsize=1024)  # the same operand is checked by several guards; symbolic values are small (<= 40 nodes)
def _approx_symbolic(value: Expr) -> Expr:
    try:
        result = value.evalf(APPROX_DIGITS, strict=True)
    except PrecisionExhausted:
        return Integer(0)
    if not (result.is_Float or result.is_Rational):
        raise CalcError("the result is not a real number")
    return result


def magnitude(value: Expr) -> float:
    """log10 |value| (0 for zero), computed without overflow."""
    a = approx(value)
    if a == 0:
        return 0.0
    if a.is_Rational:
        return _log10_int(abs(a.p)) - _log10_int(a.q)
    mantissa, exponent = sympy.Abs(a)._mpf_[1], sympy.Abs(a)._mpf_[2]
    return _log10_int(mantissa) + exponent * _LOG10_2


def _log10_int(n: int) -> float:
    shift = max(n.bit_length() - 60, 0)
    return math.log10(n >> shift) + shift * _LOG10_2


def size(value: Expr) -> float:
    """Digits needed to hold ``value``: its magnitude, or the widest rational inside it, whichever is larger."""
    widest = max((_log10_int(max(abs(r.p), r.q)) for r in value.atoms(Rational) if r != 0), default=0.0)
    return max(abs(magnitude(value)), widest)


def to_float(value: Expr) -> Expr:
    """The 30-digit Float for ``value`` (checked real and within range)."""
    if value.is_Rational:
        return value.evalf(APPROX_DIGITS)  # binary conversion (Float(value) would go through str)
    result = approx(value)
    return result if result.is_Float else Float(result, APPROX_DIGITS)


def symbolic_operand(value: Expr) -> Expr:
    """``value`` made safe to enter an irrational operation: a rational too wide for sympy becomes a Float."""
    if value.is_Rational and rational_digits(value) > MAX_SYMBOLIC_DIGITS:
        return to_float(value)
    return value


def mixable(*values: Expr) -> tuple[Expr, ...]:
    """Operands of one binary operation; wide rationals become Floats when the other side is not rational."""
    if all(v.is_Rational for v in values):
        return values
    return tuple(symbolic_operand(v) for v in values)


def settle(value: Expr) -> Expr:
    """Check a freshly computed value (finite, real, within MAX_RESULT_DIGITS) and keep it small."""
    if value.is_Rational:
        if rational_digits(value) > MAX_RESULT_DIGITS:
            raise CalcError(f"the result is too large (more than {MAX_RESULT_DIGITS} digits)")
        return value
    if any(value.has(u) for u in _UNDEFINED):
        raise CalcError("the result is undefined (division by zero or a pole)")
    if value.has(sympy.I):
        raise CalcError("the result is not a real number")
    if any(rational_digits(r) > MAX_SYMBOLIC_DIGITS for r in value.atoms(Rational)):
        value = to_float(value)
    if abs(magnitude(value)) > MAX_RESULT_DIGITS:
        raise CalcError(f"the result is too large (beyond 10**±{MAX_RESULT_DIGITS})")
    if approx(value) == 0:
        return Integer(0)
    if value.has(Float) or sum(1 for _ in islice(sympy.preorder_traversal(value), MAX_SYMBOLIC_NODES + 1)) \
            > MAX_SYMBOLIC_NODES:
        return to_float(value)
    return value


def add(a: Expr, b: Expr) -> Expr:
    a, b = mixable(a, b)
    return settle(a + b)


def sub(a: Expr, b: Expr) -> Expr:
    a, b = mixable(a, b)
    return settle(a - b)


def mul(a: Expr, b: Expr) -> Expr:
    a, b = mixable(a, b)
    return settle(a * b)


def div(a: Expr, b: Expr) -> Expr:
    if approx(b) == 0:
        raise CalcError("division by zero")
    a, b = mixable(a, b)
    return settle(a / b)


def floordiv(a: Expr, b: Expr) -> Expr:
    return floor(div(a, b))


def mod(a: Expr, b: Expr) -> Expr:
    """Python's modulo (the sign follows the divisor): a - b*floor(a/b)."""
    if approx(b) == 0:
        raise CalcError("modulo by zero")
    return sub(a, mul(b, floordiv(a, b)))


def neg(a: Expr) -> Expr:
    return settle(-a)


def floor(x: Expr) -> Expr:
    return _integer_part(x, sympy.floor)


def ceil(x: Expr) -> Expr:
    return _integer_part(x, sympy.ceiling)


def _integer_part(x: Expr, fn) -> Expr:
    if x.is_Rational:
        return Integer(fn(x))
    if abs(approx(x)) > MAX_IRRATIONAL_INTPART:
        raise CalcError("the integer part of an irrational value is only computed for |x| <= 1e50")
    result = fn(x)
    if not result.is_Integer:
        raise CalcError("could not determine the integer part")
    return result


def power(a: Expr, b: Expr) -> Expr:
    """a**b, refused before computing when the result would exceed MAX_RESULT_DIGITS."""
    fa, fb = approx(a), approx(b)
    if fa == 0:
        if fb < 0:
            raise CalcError("division by zero (zero to a negative power)")
        return Integer(1) if fb == 0 else Integer(0)
    if fb == 0:
        return Integer(1)
    exact_result = a.is_Rational and b.is_Integer
    if not (a.is_Rational and abs(a) == 1):
        width = max(size(a), abs(magnitude(a)))
        digits_log = magnitude(b) + math.log10(width) if width else -math.inf
        if digits_log > math.log10(MAX_RESULT_DIGITS):
            raise CalcError(f"the result is too large (more than {MAX_RESULT_DIGITS} digits)")
        if not exact_result and (width == 0 or digits_log > math.log10(MAX_SYMBOLIC_DIGITS)):
            a = to_float(a)  # an irrational result this wide (or a symbolic +-1) is computed in floats
    if fa < 0 and not b.is_Integer:
        return _negative_base_power(a, b)
    if not exact_result:
        a, b = symbolic_operand(a), symbolic_operand(b)
        if not b.is_Rational or _root_degree(a) * b.q > MAX_ROOT_DEGREE:
            a = to_float(a)
    return settle(sympy.Pow(a, b))


def _root_degree(value: Expr) -> int:
    """The largest root degree q of a ``x**(p/q)`` inside ``value`` (1 if none)."""
    return max((p.exp.q for p in value.atoms(sympy.Pow) if p.exp.is_Rational), default=1)


def _negative_base_power(a: Expr, b: Expr) -> Expr:
    """Real roots of negative numbers: (-8)**(1/3) = -2, (-8)**(2/3) = 4; even roots are not real."""
    if not b.is_Rational or b.q % 2 == 0:
        raise CalcError("a negative number to a fractional power is not a real number")
    magnitude_part = power(neg(a), b)
    return neg(magnitude_part) if b.p % 2 else magnitude_part
