"""Hostile calculator inputs: each is refused (ok=False with a message), fast, without raising or side effects."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from agentsft.tools.calculator import calculate, calculator

CANARY = Path("/tmp/agentsft_calc_canary")

HOSTILE: list[object] = [
    # code execution / introspection
    f"__import__('os').system('touch {CANARY}')",
    f"__import__(\"os\").system(\"touch {CANARY}\")",
    "().__class__.__bases__[0].__subclasses__()",
    "(1).__class__",
    "sqrt.__globals__",
    "os.system('ls')",
    "open('/etc/passwd').read()",
    "eval('1+1')",
    "exec('x=1')",
    "compile('1','f','eval')",
    "globals()",
    "getattr(1, 'real')",
    "lambda: 1",
    "(lambda x: x)(1)",
    "[x for x in (1, 2)]",
    "sum(x for x in (1, 2))",
    "{1: 2}",
    "[1, 2]",
    "{1, 2}",
    "(1, 2)",
    "1, 2",
    "x",
    "os",
    "open",
    "sqrt",
    "print(1)",
    "'abc'",
    "b'abc'",
    "f'{1+1}'",
    "*[1]",
    "max(*(1, 2))",
    "round(x=1)",
    "round(2.5, ndigits=1)",
    "1 < 2",
    "1 == 1",
    "1 and 2",
    "not 1",
    "1 if 1 else 2",
    "(y := 3)",
    "...",
    "1j",
    "2 + 3j",
    "True",
    "None",
    "0x10",
    "0b101",
    "0o17",
    "1 @ 2",
    "1 << 2",
    "1 & 2",
    "~1",
    "1_000",
    # size and time bombs
    "9**9**9**9",
    "10**10**10",
    "2**100000",
    "2**2**2**2**2**2",
    "factorial(100000)",
    "factorial(factorial(20))",
    "factorial(-1)",
    "factorial(2.5)",
    "comb(10**9, 10**8)",
    "perm(10**9, 10**6)",
    "lcm(*(1,))",
    "exp(10**6)",
    "exp(exp(exp(10)))",
    "e**(10**6)",
    "pi**(10**6)",
    "sqrt(2)**(10**100)",
    "1.0000001**(10**9)",
    "(10**5000)*(10**5000)*(10**5000)",
    "sin(10**100)",
    "cos(1e100)",
    "1e999",
    "1e-999",
    "1" + "0" * 200,
    "9" * 100_000,
    "(" * 500 + "1" + ")" * 500,
    "-(" * 250 + "1" + ")" * 250,
    "-" * 400 + "1",
    "(" * 240 + "1" + ")" * 240,   # within the length limit: Python's parser refuses > 200 levels
    "-(" * 120 + "1" + ")" * 120,  # within the length limit: our depth limit (40)
    "1+" * 10_000 + "1",
    "1+" * 249 + "1",
    "sqrt(" * 60 + "2" + ")" * 60,
    "1" * 600,
    "1 + " * 150 + "1",
    "round(pi, 10**6)",
    "round(pi*10**60)",
    "floor(pi*10**60)",
    "gcd(" + ", ".join(["1"] * 30) + ")",
    # unicode tricks
    "\u0435",                      # Cyrillic е
    "2*\u0435",
    "\uff4f\uff53",                # full-width "os"
    "\uff45\uff56\uff41\uff4c(1)",  # full-width "eval(1)"
    "s\u0071rt(4)\u200d",          # zero-width joiner
    "1\u200b+1",                   # zero-width space
    "\u202e1+1",                   # RTL override
    "1\u00a0+\u2061 1",            # function application (invisible)
    "\u0440i",                     # Cyrillic р + i
    "٣+١",                          # Arabic-Indic digits
    # empty and non-strings
    "",
    "   ",
    "\n\t",
    None,
    12,
    b"1+1",
    ["1+1"],
    # mathematically undefined
    "1/0",
    "1 // 0",
    "1 % 0",
    "0/0",
    "log(0)",
    "log(-1)",
    "ln(-5)",
    "log(8, 1)",
    "log(8, 0)",
    "sqrt(-1)",
    "(-1)**0.5",
    "(-4)**(1/2)",
    "0**-1",
    "asin(2)",
    "acos(-1.5)",
    "tan(pi/2)",
    "gcd(1.5, 2)",
    "lcm(2, pi)",
    "1/(sqrt(2)-sqrt(2))",
    "1/(log(8)/log(2)-3)",
    # syntax
    "1+",
    "2(3)",
    "2pi",
    "(1+2",
    "1+2)",
    "sqrt()",
    "sqrt(1, 2)",
    "round(1, 2, 3)",
    "max()",
    "%5",
    "1 +* 2",
]


def _id(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@pytest.mark.parametrize("expression", HOSTILE, ids=[_id(v) for v in HOSTILE])
def test_hostile_input_is_refused_quickly(expression: object) -> None:
    CANARY.unlink(missing_ok=True)
    start = time.perf_counter()
    result = calculate(expression)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    assert not result.ok, result
    assert result.error and result.exact == "" and result.value is None
    assert result.text == "error: " + result.error
    assert calculator(expression).startswith("error: ")  # type: ignore[arg-type]
    assert elapsed < 1.0, f"took {elapsed:.3f} s"
    assert not CANARY.exists()


def test_table_is_large_enough() -> None:
    assert len(HOSTILE) >= 60


@pytest.mark.parametrize("expression, fragment", [
    ("os", "name 'os' is not allowed"),
    ("1/0", "division by zero"),
    ("sqrt(-1)", "not a real number"),
    ("9**9**9**9", "too large"),
    ("(1).__class__", "not allowed"),
    ("\u0435", "U+0435"),
    ("1" * 600, "too long"),
    ("-" * 100 + "1", "nested too deeply"),
    ("2pi", "syntax error"),
    ("sqrt(1, 2)", "takes 1 argument"),
    ("round(x=1)", "not allowed"),
    (None, "must be a string"),
])
def test_error_messages_say_why(expression: object, fragment: str) -> None:
    assert fragment in calculate(expression).error  # type: ignore[arg-type]


def test_no_dynamic_evaluation_in_the_calculator_source() -> None:
    """The calculator modules never call eval / exec / sympify / parse_expr / S(...) (ast.parse is the parser)."""
    import re

    import agentsft.tools as package

    forbidden = re.compile(r"(?<![\w.])(eval|exec|sympify|parse_expr|S)\(|import sympify|\.sympify\(")
    sources = sorted(Path(package.__file__).parent.glob("calc*.py"))
    assert len(sources) >= 5
    for source in sources:
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            assert not forbidden.search(line), f"{source.name}:{number}: {line.strip()}"


def test_eval_and_exec_are_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    assert calculate("sqrt(8) + 150*20% + round(2.675, 2)").ok
    for expression in HOSTILE:
        assert not calculate(expression).ok  # type: ignore[arg-type]
