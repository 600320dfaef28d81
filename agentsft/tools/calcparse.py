"""Whitelist evaluation of a normalised expression: ``ast.parse(..., mode="eval")`` and a walk that builds sympy
numbers node by node. Nothing is ever executed: the tree is only read, and only these nodes are accepted:

* numbers: decimal int / float literals, read from their source text as exact rationals (``0.1`` = 1/10,
  ``1.5e-3`` = 3/2000); hex / octal / binary / complex literals, ``True`` and ``...`` are refused;
* ``+x`` ``-x``; ``a + b``, ``-``, ``*``, ``/``, ``//``, ``%`` (modulo), ``**``;
* the names in calcfuncs.CONSTANTS and calls ``f(a, b)`` of calcfuncs.FUNCTIONS (names case-insensitive,
  positional arguments only).

Everything else (attributes, subscripts, other names, comparisons, boolean operators, lambdas, comprehensions,
strings, tuples, keyword or starred arguments...) is a CalcError naming what was refused.
"""

from __future__ import annotations

import ast
import re

from sympy import Expr, Integer, Rational

from agentsft.tools import calcnum as num
from agentsft.tools.calcfuncs import CONSTANTS, FUNCTIONS
from agentsft.tools.calclimits import (MAX_DEPTH, MAX_LITERAL_DIGITS, MAX_LITERAL_EXPONENT, MAX_NODES,
                                       CalcError)

_LITERAL = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
_BINARY = {ast.Add: num.add, ast.Sub: num.sub, ast.Mult: num.mul, ast.Div: num.div, ast.FloorDiv: num.floordiv,
           ast.Mod: num.mod, ast.Pow: num.power}
_REFUSED = {  # node type -> what it is called in the error message "<what> not allowed"
    ast.Attribute: "attribute access is", ast.Subscript: "subscripts are", ast.Lambda: "lambda is",
    ast.ListComp: "comprehensions are", ast.SetComp: "comprehensions are", ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "comprehensions are", ast.Compare: "comparisons are", ast.BoolOp: "boolean operators are",
    ast.IfExp: "conditional expressions are", ast.NamedExpr: "assignment expressions are",
    ast.Starred: "starred arguments are", ast.JoinedStr: "f-strings are", ast.FormattedValue: "f-strings are",
    ast.Tuple: "tuples are", ast.List: "lists are", ast.Dict: "dicts are", ast.Set: "sets are",
    ast.Await: "await is", ast.Yield: "yield is", ast.YieldFrom: "yield is",
}
_OPERATORS = {ast.MatMult: "'@'", ast.LShift: "'<<'", ast.RShift: "'>>'", ast.BitOr: "'|'",
              ast.BitXor: "'^' (xor)", ast.BitAnd: "'&'", ast.Not: "'not'", ast.Invert: "'~'"}


def evaluate(text: str) -> Expr:
    """The value of a normalised expression (calcnorm.normalize), or CalcError."""
    tree = _parse(text)
    nodes = sum(1 for node in ast.walk(tree) if isinstance(node, ast.expr))
    if nodes > MAX_NODES:
        raise CalcError(f"expression is too complex ({nodes} parts; the limit is {MAX_NODES})")
    return _Walker(text).walk(tree.body, 1)


def _parse(text: str) -> ast.Expression:
    try:
        return ast.parse(text, mode="eval")
    except SyntaxError as e:
        hint = " (write * for multiplication, e.g. 2*pi)" if re.search(r"[\d)]\s*[A-Za-z(]", text) else ""
        raise CalcError(f"syntax error: {e.msg}{hint}") from None
    except (RecursionError, MemoryError, ValueError):
        raise CalcError("expression is too complex to parse") from None


def _short(name: str) -> str:
    return name if len(name) <= 30 else name[:30] + "..."


class _Walker:
    """Evaluates one parsed tree; ``source`` is kept to read number literals exactly."""

    def __init__(self, source: str) -> None:
        self.source = source

    def walk(self, node: ast.AST, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise CalcError(f"expression is nested too deeply (the limit is {MAX_DEPTH} levels)")
        if isinstance(node, ast.BinOp):
            return self._chain(node, depth)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, depth)
        if isinstance(node, ast.Constant):
            return self._literal(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        what = _REFUSED.get(type(node), repr(type(node).__name__) + " is")
        hint = " (',' only separates function arguments)" if isinstance(node, ast.Tuple) else ""
        raise CalcError(f"{what} not allowed{hint}")

    def _chain(self, node: ast.BinOp, depth: int) -> Expr:
        """A left-leaning run of binary operators (1+2-3*4...) evaluated iteratively, as one nesting level."""
        steps: list[tuple[ast.operator, ast.expr]] = []
        current: ast.expr = node
        while isinstance(current, ast.BinOp):
            steps.append((current.op, current.right))
            current = current.left
        value = self.walk(current, depth + 1)
        for op, right in reversed(steps):
            fn = _BINARY.get(type(op))
            if fn is None:
                raise CalcError(f"operator {_OPERATORS.get(type(op), type(op).__name__)} is not allowed")
            value = fn(value, self.walk(right, depth + 1))
        return value

    def _unary(self, node: ast.UnaryOp, depth: int) -> Expr:
        if isinstance(node.op, ast.UAdd):
            return self.walk(node.operand, depth + 1)
        if isinstance(node.op, ast.USub):
            return num.neg(self.walk(node.operand, depth + 1))
        raise CalcError(f"operator {_OPERATORS.get(type(node.op), type(node.op).__name__)} is not allowed")

    def _literal(self, node: ast.Constant) -> Expr:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise CalcError(f"{value!r} is not allowed")
        if isinstance(value, (str, bytes)):
            raise CalcError("strings are not allowed")
        if isinstance(value, complex):
            raise CalcError("complex numbers are not allowed")
        if not isinstance(value, (int, float)):
            raise CalcError(f"constant of type {type(value).__name__} is not allowed")
        return _exact_number(ast.get_source_segment(self.source, node) or "")

    def _name(self, node: ast.Name) -> Expr:
        key = node.id.lower()
        if key in CONSTANTS:
            return CONSTANTS[key]
        if key in FUNCTIONS:
            raise CalcError(f"function '{node.id}' must be called with arguments, e.g. {key}(2)")
        raise CalcError(f"name '{_short(node.id)}' is not allowed")

    def _call(self, node: ast.Call, depth: int) -> Expr:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise CalcError("attribute access is not allowed")
            raise CalcError("only named functions can be called (write * for multiplication)")
        key = node.func.id.lower()
        if key not in FUNCTIONS:
            raise CalcError(f"function '{_short(node.func.id)}' is not allowed")
        if node.keywords:
            raise CalcError("keyword arguments are not allowed")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise CalcError("starred arguments are not allowed")
        low, high, fn = FUNCTIONS[key]
        if not low <= len(node.args) <= high:
            want = str(low) if low == high else f"{low} to {high}"
            raise CalcError(f"{key}() takes {want} argument{'s' if high > 1 else ''} ({len(node.args)} given)")
        return fn(*(self.walk(arg, depth + 1) for arg in node.args))


def _exact_number(text: str) -> Expr:
    """A decimal literal's exact value: '0.1' -> 1/10, '1e3' -> 1000; never via float."""
    match = _LITERAL.fullmatch(text)
    if not match or not (match.group(1) or match.group(2)):
        raise CalcError(f"only decimal numbers are allowed, not {_short(text)!r}")
    whole, frac, exp = match.group(1), match.group(2) or "", match.group(3) or "0"
    if len(whole) + len(frac) > MAX_LITERAL_DIGITS:
        raise CalcError(f"a number may have at most {MAX_LITERAL_DIGITS} digits")
    if len(exp.lstrip("+-")) > 4 or abs(int(exp)) > MAX_LITERAL_EXPONENT:
        raise CalcError(f"a number's exponent must be between -{MAX_LITERAL_EXPONENT} and {MAX_LITERAL_EXPONENT}")
    mantissa = int(whole + frac or "0")
    shift = int(exp) - len(frac)
    return Integer(mantissa * 10**shift) if shift >= 0 else Rational(mantissa, 10**-shift)
