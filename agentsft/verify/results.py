"""Comparing tool results: a recorded observation against a fresh run, and the numbers a result states.

Results agree when they are equal after collapsing white space; when both are exact numbers, exactly; a decimal
may approximate a value with no finite decimal form (0.333333333333333 for 1/3) within a relative tolerance;
results holding several numbers (JSON, text) agree number by number when their text around the numbers is
the same.
"""

from __future__ import annotations

import re
from fractions import Fraction

from .numbers import Num, extract_numbers, result_values

RESULT_REL_TOL = 1e-9  # recorded vs fresh tool result, for results that are not both exact


def _norm_ws(text: str) -> str:
    return " ".join(text.split())


_APPROX = re.compile(r"\s*(?:≈|~=)\s*")


def _reading(text: str) -> tuple[Fraction, bool, bool] | None:
    """(value, exact, decimal literal) of a result that is one number, or ``exact ≈ decimal``; else None."""
    parts = _APPROX.split(text.strip())
    if len(parts) == 2:
        exact, approx = _single(parts[0]), _single(parts[1])
        if exact is not None:
            return exact[0], True, False
        return (approx[0], False, True) if approx is not None else None
    one = _single(text)
    return one


def _single(text: str) -> tuple[Fraction, bool, bool] | None:
    nums = extract_numbers(text.strip())
    if len(nums) != 1 or nums[0].text != text.strip():
        return None
    num = nums[0]
    decimal = num.step is not None and num.step < 1
    return num.value, True, decimal


def _terminates(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def _agree(a: tuple[Fraction, bool, bool], b: tuple[Fraction, bool, bool], rel_tol: float) -> bool:
    (va, exact_a, dec_a), (vb, exact_b, dec_b) = a, b
    if va == vb:
        return True
    # A decimal literal may only approximate a value that has no finite decimal expansion.
    if exact_a and exact_b and not ((dec_a and not _terminates(vb)) or (dec_b and not _terminates(va))):
        return False
    return abs(va - vb) <= Fraction(rel_tol) * max(abs(va), abs(vb))


def results_agree(recorded: str, fresh: str, rel_tol: float = RESULT_REL_TOL) -> bool:
    """Whether a recorded tool result says what a fresh run says.

    Equal after collapsing white space; else, when both are one number (or ``exact ≈ decimal``): equal exactly
    when both are exact, a decimal literal against a value with no finite decimal expansion (``1/3``) within
    ``rel_tol``; else, when both texts hold the same words around the same count of numbers (JSON results like
    ``{"area": 15}``), number by number by the same rule.
    """
    if _norm_ws(recorded) == _norm_ws(fresh):
        return True
    a, b = _reading(recorded), _reading(fresh)
    if a is not None and b is not None:
        return _agree(a, b, rel_tol)
    na, nb = extract_numbers(recorded), extract_numbers(fresh)
    if not na or len(na) != len(nb) or _skeleton(recorded, na) != _skeleton(fresh, nb):
        return False
    return all(_agree((x.value, True, x.step is not None and x.step < 1),
                      (y.value, True, y.step is not None and y.step < 1), rel_tol) for x, y in zip(na, nb))


def _result_numbers(text: str) -> list[Fraction]:
    """The values a tool result states. For ``exact ≈ decimal`` only the decimal and a plain exact part count
    (the 2 of ``sqrt(2) ≈ 1.414`` is no result)."""
    parts = _APPROX.split(text.strip())
    if len(parts) != 2:
        return result_values(text)
    exact = _single(parts[0])
    return ([exact[0]] if exact else []) + result_values(parts[1])


def _skeleton(text: str, nums: list[Num]) -> str:
    out, pos = [], 0
    for n in nums:
        out.append(text[pos:n.start])
        out.append("#")
        pos = n.end
    out.append(text[pos:])
    return _norm_ws("".join(out))


