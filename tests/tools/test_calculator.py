"""Calculator results: exact and decimal forms, the percent / thousands / Unicode rules, the tool string."""

from __future__ import annotations

import pytest
import sympy

from agentsft.tools.calculator import CALCULATOR_SCHEMA, CalcResult, calculate, calculator

# expression, exact form, decimal form
EXACT = [
    ("1/3+1/6", "1/2", "0.5"),
    ("1 + 2 * 3 - 4 / 5", "31/5", "6.2"),
    ("0.1+0.2", "3/10", "0.3"),
    ("1/3*3", "1", "1"),
    ("150*20%", "30", "30"),
    ("15%", "3/20", "0.15"),
    ("50% * 80", "40", "40"),
    ("200 * 15%", "30", "30"),
    ("(10+10)%", "1/5", "0.2"),
    ("sqrt(16)%", "1/25", "0.04"),
    ("17 % 5", "2", "2"),
    ("-7 % 3", "2", "2"),
    ("7 % (-3)", "-2", "-2"),
    ("7 // 2", "3", "3"),
    ("-7 // 2", "-4", "-4"),
    ("2**10", "1024", "1024"),
    ("2^10", "1024", "1024"),
    ("4**0.5", "2", "2"),
    ("8**(1/3)", "2", "2"),
    ("(-8)**(1/3)", "-2", "-2"),
    ("cbrt(-27)", "-3", "-3"),
    ("3²", "9", "9"),
    ("10⁻³", "1/1000", "0.001"),
    ("sqrt(8)", "2*sqrt(2)", "2.82842712474619"),
    ("√2", "sqrt(2)", "1.4142135623731"),
    ("１２×３", "36", "36"),
    ("（１２＋３）÷５", "3", "3"),
    ("10÷4", "5/2", "2.5"),
    ("6 − 2", "4", "4"),
    ("3·4", "12", "12"),
    ("２０％", "1/5", "0.2"),
    ("ｓｑｒｔ(４)", "2", "2"),
    ("½+¼", "3/4", "0.75"),
    ("1,234,567.5 + 0.5", "1234568", "1234568"),
    ("１，２３４＋１", "1235", "1235"),
    ("gcd(12,345)", "3", "3"),
    ("round(2.675, 2)", "67/25", "2.68"),
    ("round(2.5)", "3", "3"),
    ("round(-2.5)", "-3", "-3"),
    ("round(1234, -2)", "1200", "1200"),
    ("round(pi, 3)", "1571/500", "3.142"),
    ("log(8, 2)", "3", "3"),
    ("log10(1000)", "3", "3"),
    ("log2(1024)", "10", "10"),
    ("ln(e**3)", "3", "3"),
    ("log(e)", "1", "1"),
    ("factorial(10)", "3628800", "3628800"),
    ("gcd(12, 18)", "6", "6"),
    ("lcm(4, 6)", "12", "12"),
    ("lcm(2, 3, 4, 5)", "60", "60"),
    ("comb(10, 3)", "120", "120"),
    ("perm(5, 2)", "20", "20"),
    ("min(3, 1/2, 2)", "1/2", "0.5"),
    ("max(1, sqrt(2), 1.4)", "sqrt(2)", "1.4142135623731"),
    ("abs(-3.5)", "7/2", "3.5"),
    ("floor(10/3)", "3", "3"),
    ("ceil(2.1)", "3", "3"),
    ("pi", "pi", "3.14159265358979"),
    ("π/2", "pi/2", "1.5707963267949"),
    ("PI*2", "2*pi", "6.28318530717959"),
    ("e", "e", "2.71828182845905"),
    ("e**2", "exp(2)", "7.38905609893065"),
    ("sin(pi/6)", "1/2", "0.5"),
    ("cos(0)", "1", "1"),
    ("asin(1)", "pi/2", "1.5707963267949"),
    ("atan(1)*4", "pi", "3.14159265358979"),
    ("1e3", "1000", "1000"),
    ("1.5e-3", "3/2000", "0.0015"),
    ("1e-7", "1/10000000", "1e-07"),
    ("0**0", "1", "1"),
    ("-0.0", "0", "0"),
    ("log(8)/log(2) - 3", "0", "0"),
    ("2**100", "1267650600228229401496703205376", "1.26765060022823e+30"),
    ("10**15", "1000000000000000", "1e+15"),
    ("10**15 - 1", "999999999999999", "999999999999999"),
    ("1/7", "1/7", "0.142857142857143"),
]


@pytest.mark.parametrize("expression, exact, decimal", EXACT)
def test_exact_and_decimal_forms(expression: str, exact: str, decimal: str) -> None:
    result = calculate(expression)
    assert result.ok, result.error
    assert (result.exact, result.decimal) == (exact, decimal)
    assert result.error == ""
    assert isinstance(result.value, sympy.Expr)


def test_text_forms() -> None:
    assert calculate("12").text == "12"
    assert calculate("3/4").text == "3/4 ≈ 0.75"
    assert calculate("sqrt(8)").text == "2*sqrt(2) ≈ 2.82842712474619"
    assert calculate("1/0").text == "error: division by zero"
    assert calculator("2+2") == "4"
    assert calculator("0.1+0.2") == "3/10 ≈ 0.3"
    assert calculator("log(0)").startswith("error: ")


def test_long_exact_forms_fall_back_to_the_decimal() -> None:
    big = calculate("factorial(100)")  # 158 digits
    assert big.ok and big.exact == big.decimal == "9.33262154439442e+157"
    assert big.text == "9.33262154439442e+157"
    assert big.value == sympy.factorial(100)  # the value itself stays exact
    many = calculate("sin(1)+sin(2)+sin(3)+sin(4)+sin(5)+sin(6)+sin(7)+sin(8)+sin(9)")
    assert many.ok and many.exact == many.decimal


def test_large_but_allowed_values() -> None:
    assert calculate("factorial(1000)").decimal == "4.02387260077094e+2567"
    assert calculate("2**33000").ok
    assert calculate("sqrt(10**9999 + 1)").decimal == "3.16227766016838e+4999"
    assert calculate("exp(-23025)").decimal == "2.34182359615271e-10000"


def test_exact_forms_parse_back_to_the_same_value() -> None:
    for expression in ("sqrt(8)", "pi/2", "e**2", "2**(1/3)", "log(3)", "1/7", "-3/4", "asin(1/3)"):
        first = calculate(expression)
        again = calculate(first.exact)
        assert again.ok and sympy.simplify(again.value - first.value) == 0, expression


def test_percent_versus_modulo() -> None:
    assert calculate("50%").exact == "1/2"
    assert calculate("50 % 8").exact == "2"             # an operand follows: modulo
    assert calculate("50% - 10").exact == "-19/2"       # a binary operator follows: percent
    assert calculate("200 + 10%").exact == "2001/10"    # percent is plain /100, no "add 10%" magic
    assert calculate("max(10%, 5%)").exact == "1/10"    # before ',' and ')'


def test_thousands_separators_only_outside_calls() -> None:
    assert calculate("1,000 * 2").exact == "2000"
    assert calculate("max(1,000)").exact == "1"            # max(1, 0): inside a call a comma separates arguments
    assert not calculate("1,23").ok                          # not the grouping pattern: a tuple
    assert not calculate("sqrt(1,000,000)").ok


def test_result_object() -> None:
    result = calculate("3/4")
    assert isinstance(result, CalcResult) and result.value == sympy.Rational(3, 4)
    failed = calculate("1/0")
    assert failed.value is None and failed.exact == failed.decimal == ""


def test_schema_shape() -> None:
    function = CALCULATOR_SCHEMA["function"]
    assert CALCULATOR_SCHEMA["type"] == "function" and function["name"] == "calculator"
    parameters = function["parameters"]
    assert parameters["required"] == ["expression"] and parameters["additionalProperties"] is False
    assert parameters["properties"]["expression"]["type"] == "string"


HEAVY_BUT_VALID = [
    "sqrt(10**9999 + 1)",                       # exact sqrt would factor a 10,000-digit integer (minutes)
    "(1/400)**(1/1000007)",                     # exact root extraction is linear in the root degree
    "2.5e-3^(10**99+7)^-1",
    "(10**99*sqrt(3))**99",                     # a 9,800-digit coefficient next to sqrt(3)
    "10**9999 * pi",
    "sqrt(" * 38 + "0.0025" + ")" * 38,
    "tan(" * 38 + "1" + ")" * 38,
    "exp(sin(" * 19 + "1" + "))" * 19,
    "+".join(f"sqrt({n})" for n in range(2, 58)),
    "floor(sqrt(2) * 10**49)",
    "(cos(1)**2 + sin(1)**2)**(10**3)",
]


@pytest.mark.parametrize("expression", HEAVY_BUT_VALID, ids=[e[:40] for e in HEAVY_BUT_VALID])
def test_heavy_valid_expressions_stay_fast(expression: str) -> None:
    import time

    start = time.perf_counter()
    result = calculate(expression)
    assert result.ok, result.error
    assert time.perf_counter() - start < 1.0
