"""Limits of the calculator (module constants) and its one exception.

Every limit exists so that each accepted expression evaluates in milliseconds: the calculator runs in process,
inline, without a killable worker, so "fast" must follow from the input bounds rather than from a timeout.
"""

from __future__ import annotations

#: Characters in the expression, before and after normalisation (rewrites may add a few: the bound after them is 2x).
MAX_EXPRESSION_LENGTH = 500
#: Expression nodes in the parsed tree (numbers, names, operators, calls).
MAX_NODES = 300
#: Nesting depth of the tree; a left-associative chain such as 1+2+3+...+99 counts as one level.
MAX_DEPTH = 40
#: Digits written in one number literal (exponent excluded), and the largest |exponent| of 1e5-style literals.
MAX_LITERAL_DIGITS = 100
MAX_LITERAL_EXPONENT = 100
#: Any exact intermediate or result: at most this many digits in numerator and denominator; any approximate
#: one: magnitude within 10**±MAX_RESULT_DIGITS. a**b is refused *before* it is computed when the estimate
#: |b| * log10(size of a) exceeds it, so 9**9**9**9 never starts.
MAX_RESULT_DIGITS = 10_000
#: Rationals with more digits than this never enter an irrational operation (sqrt, log, sin, fractional power)
#: or mix with a symbolic value: they are turned into a 30-digit float first. (sympy's exact root extraction
#: factors its argument: sqrt of a 10,000-digit integer was measured at 340 s; at 100 digits it is < 5 ms.)
MAX_SYMBOLIC_DIGITS = 100
#: Exact fractional powers x**(p/q) only for q <= MAX_ROOT_DEGREE, nested roots included; beyond, floats.
#: (sympy's exact root extraction is roughly linear in q: (1/400)**(1/1000007) took 11 s.)
MAX_ROOT_DEGREE = 1000
#: A symbolic value with more nodes than this is replaced by its 30-digit approximation.
MAX_SYMBOLIC_NODES = 40
#: factorial(n): 0 <= n <= MAX_FACTORIAL (1000! has 2,568 digits).
MAX_FACTORIAL = 1000
#: comb(n, k) / perm(n, k): n <= MAX_COMB_N and min(k, n-k) (comb) or k (perm) <= MAX_COMB_K.
MAX_COMB_N = 10**9
MAX_COMB_K = 1000
#: Arguments of min / max / gcd / lcm.
MAX_ARGS = 20
#: |x| for sin / cos / tan (argument reduction beyond this gives digits nobody asked for).
MAX_TRIG_ARG = 10**15
#: |x| for exp(x): e**23025 is about 10**9999.
MAX_EXP_ARG = 23_025
#: |n| for round(x, n).
MAX_ROUND_PLACES = 100
#: |x| for floor / ceil / round / // / % of an irrational value (exact integer parts need precision ~ digits).
MAX_IRRATIONAL_INTPART = 10**50
#: Exact forms longer than this are replaced by the decimal form.
MAX_EXACT_CHARS = 60
#: Significant digits of the decimal form, and of the approximations used for checks and float fallbacks.
DECIMAL_DIGITS = 15
APPROX_DIGITS = 30


class CalcError(Exception):
    """An expression the calculator refuses or that has no real value; the message is shown to the user."""
