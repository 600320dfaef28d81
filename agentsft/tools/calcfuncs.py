"""The calculator's whitelisted functions, each checking its domain and size limits before calling sympy.

Angles are radians. ``round`` rounds halves away from zero on the exact value (``round(2.675, 2)`` = 2.68 and
``round(2.5)`` = 3, unlike Python's float ``round``); ``round(x)`` is an integer, ``round(x, n)`` a rational with
n decimals (n may be negative: ``round(1234, -2)`` = 1200). ``cbrt`` and odd roots of negative numbers are real
(``cbrt(-8)`` = -2). ``log(x)`` is natural, ``log(x, b)`` is base b.
"""

from __future__ import annotations

import math
from typing import Callable

import sympy
from sympy import Expr, Integer, Rational

from agentsft.tools import calcnum as num
from agentsft.tools.calclimits import (MAX_ARGS, MAX_COMB_K, MAX_COMB_N, MAX_EXP_ARG, MAX_FACTORIAL,
                                       MAX_ROUND_PLACES, MAX_TRIG_ARG, CalcError)


def _sqrt(x: Expr) -> Expr:
    if num.approx(x) < 0:
        raise CalcError("the square root of a negative number is not a real number")
    return num.power(x, Rational(1, 2))


def _cbrt(x: Expr) -> Expr:
    return num.power(x, Rational(1, 3))


def _abs(x: Expr) -> Expr:
    return num.settle(sympy.Abs(x))


def _positive(x: Expr, what: str) -> Expr:
    a = num.approx(x)
    if a == 0:
        raise CalcError(f"{what} of zero is undefined")
    if a < 0:
        raise CalcError(f"{what} of a negative number is not a real number")
    return num.symbolic_operand(x)


def _log(x: Expr, base: Expr | None = None) -> Expr:
    x = _positive(x, "the logarithm")
    if base is None:
        return num.settle(sympy.log(x))
    base = _positive(base, "a logarithm base")
    if num.approx(base) == 1:
        raise CalcError("a logarithm to base 1 is undefined")
    return num.settle(sympy.log(x, base))


def _exp(x: Expr) -> Expr:
    if abs(num.approx(x)) > MAX_EXP_ARG:
        raise CalcError(f"exp(x) is only computed for |x| <= {MAX_EXP_ARG} (the result would exceed 10**9999)")
    return num.settle(sympy.exp(x))


def _trig(fn: Callable[[Expr], Expr]) -> Callable[[Expr], Expr]:
    def apply(x: Expr) -> Expr:
        if abs(num.approx(x)) > MAX_TRIG_ARG:
            raise CalcError(f"{fn.__name__}(x) is only computed for |x| <= 1e15")
        return num.settle(fn(num.symbolic_operand(x)))
    return apply


def _inverse_trig(fn: Callable[[Expr], Expr]) -> Callable[[Expr], Expr]:
    def apply(x: Expr) -> Expr:
        if abs(num.approx(x)) > 1:
            raise CalcError(f"{fn.__name__}(x) needs -1 <= x <= 1 (otherwise it is not a real number)")
        return num.settle(fn(num.symbolic_operand(x)))
    return apply


def _atan(x: Expr) -> Expr:
    return num.settle(sympy.atan(num.symbolic_operand(x)))


def _whole(x: Expr, what: str, low: int, high: int) -> int:
    """x as a Python int in [low, high], or CalcError naming the function."""
    if not x.is_Integer or not low <= x <= high:
        raise CalcError(f"{what} needs whole numbers between {low} and {high}")
    return int(x)


def _factorial(x: Expr) -> Expr:
    return Integer(math.factorial(_whole(x, "factorial", 0, MAX_FACTORIAL)))


def _integers(values: tuple[Expr, ...], what: str) -> list[int]:
    if not all(v.is_Integer for v in values):
        raise CalcError(f"{what} needs whole numbers")
    return [int(v) for v in values]


def _gcd(*values: Expr) -> Expr:
    return num.settle(Integer(math.gcd(*_integers(values, "gcd"))))


def _lcm(*values: Expr) -> Expr:
    ints = _integers(values, "lcm")
    result = 1
    for n in ints:
        result = math.lcm(result, n)
        num.settle(Integer(result))  # refuse as soon as it grows past the limit
    return Integer(result)


def _extreme(values: tuple[Expr, ...], pick_max: bool) -> Expr:
    best = values[0]
    for v in values[1:]:
        if (num.approx(v) > num.approx(best)) if pick_max else (num.approx(v) < num.approx(best)):
            best = v
    return best


def _min(*values: Expr) -> Expr:
    return _extreme(values, pick_max=False)


def _max(*values: Expr) -> Expr:
    return _extreme(values, pick_max=True)


def _round(x: Expr, places: Expr | None = None) -> Expr:
    n = 0 if places is None else _whole(places, "round(x, n)", -MAX_ROUND_PLACES, MAX_ROUND_PLACES)
    scale = Integer(10) ** abs(n)
    scaled = num.mul(x, scale) if n >= 0 else num.div(x, scale)
    sign = -1 if num.approx(scaled) < 0 else 1
    whole = num.floor(num.add(num.settle(abs(scaled)), Rational(1, 2))) * sign
    return num.settle(whole / scale if n >= 0 else whole * scale)


def _floor(x: Expr) -> Expr:
    return num.floor(x)


def _ceil(x: Expr) -> Expr:
    return num.ceil(x)


def _comb(n: Expr, k: Expr) -> Expr:
    nn = _whole(n, "comb", 0, MAX_COMB_N)
    kk = _whole(k, "comb", 0, MAX_COMB_N)
    if min(kk, max(nn - kk, 0)) > MAX_COMB_K:
        raise CalcError(f"comb(n, k) is only computed for min(k, n-k) <= {MAX_COMB_K}")
    return num.settle(Integer(math.comb(nn, kk)))


def _perm(n: Expr, k: Expr) -> Expr:
    nn = _whole(n, "perm", 0, MAX_COMB_N)
    kk = _whole(k, "perm", 0, MAX_COMB_K)
    return num.settle(Integer(math.perm(nn, kk)))


#: name -> (min args, max args, implementation). Names are matched case-insensitively.
FUNCTIONS: dict[str, tuple[int, int, Callable[..., Expr]]] = {
    "sqrt": (1, 1, _sqrt), "cbrt": (1, 1, _cbrt), "abs": (1, 1, _abs), "round": (1, 2, _round),
    "floor": (1, 1, _floor), "ceil": (1, 1, _ceil), "log": (1, 2, _log), "ln": (1, 1, _log),
    "log10": (1, 1, lambda x: _log(x, Integer(10))), "log2": (1, 1, lambda x: _log(x, Integer(2))),
    "exp": (1, 1, _exp), "sin": (1, 1, _trig(sympy.sin)), "cos": (1, 1, _trig(sympy.cos)),
    "tan": (1, 1, _trig(sympy.tan)), "asin": (1, 1, _inverse_trig(sympy.asin)),
    "acos": (1, 1, _inverse_trig(sympy.acos)), "atan": (1, 1, _atan), "factorial": (1, 1, _factorial),
    "gcd": (2, MAX_ARGS, _gcd), "lcm": (2, MAX_ARGS, _lcm), "min": (1, MAX_ARGS, _min),
    "max": (1, MAX_ARGS, _max), "comb": (2, 2, _comb), "perm": (2, 2, _perm),
}

#: name -> value of the whitelisted constants (``π`` is rewritten to ``pi`` before parsing).
CONSTANTS: dict[str, Expr] = {"pi": sympy.pi, "e": sympy.E}
