"""Tests of agentsft.verify.numbers: reading the numbers a text states, and when a result supports one."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from agentsft.verify.numbers import extract_numbers, result_values, supported, zh_integer


def values(text: str, soft: bool = False) -> list[F]:
    return [n.value for n in extract_numbers(text) if soft or not n.soft]


def texts(text: str) -> list[str]:
    return [n.text for n in extract_numbers(text)]


@pytest.mark.parametrize("text, expected", [
    ("42", [F(42)]),
    ("the answer is 3.50", [F("3.5")]),
    ("1,234,567 and 1,234.5", [F(1234567), F("1234.5")]),
    ("-3 degrees", [F(-3)]),
    ("35-13.5=21.5", [F(35), F("13.5"), F("21.5")]),
    ("3/4 of it", [F(3, 4)]),
    ("20% off", [F(1, 5)]),
    (r"$20\%$ off", [F(1, 5)]),
    ("5‰", [F(1, 200)]),
    ("1.2e3 or 1.2×10^3", [F(1200), F(1200)]),
    ("¥1,200元", [F(1200)]),
    ("$3.50", [F("3.5")]),
    ("3.5 kg at 12 km/h", [F("3.5"), F(12)]),
    ("答案是1.5万元", [F(15000)]),
    ("3亿人", [F(300000000)]),
    ("2.5千", [F(2500)]),
    ("5百万", [F(5000000)]),
    ("约占百分之二十", [F(1, 5)]),
    ("百分之二十五点五", [F("0.255")]),
    ("三分之一", [F(1, 3)]),
    ("3分之1", [F(1, 3)]),
    ("3成", [F(3, 10)]),
    ("七成", [F(7, 10)]),
    ("二十三", [F(23)]),
    ("一百零五", [F(105)]),
    ("两千三百", [F(2300)]),
    ("三万五千", [F(35000)]),
    ("十万元", [F(100000)]),
    ("三点五", [F("3.5")]),
    ("负三", [F(-3)]),
    ("0.5倍", [F(1, 2)]),
    ("１２３", [F(123)]),  # full-width digits
    ("每人分到 $\\frac{1}{3}$ 块", [F(1, 3)]),
    ("小明买了2.5千克苹果", [F("2.5")]),
])
def test_extract_values(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text", ["一直", "十分", "一些", "一样", "统一", "万一", "第一", "一成不变", "原因之一",
                                  "H2O", "MP3", "COVID-19", "v1.2", "10:30", "2024-03-05", "三明治"])
def test_not_numbers(text):
    assert values(text) == []


def test_full_width_comma_is_no_thousands_separator():
    assert values("共1，234") == [F(1), F(234)]


def test_currency_code_before_a_number_is_read():
    assert values("USD100 or RMB300") == [F(100), F(300)]


def test_spans_point_into_the_original_text():
    text = "合计：１，２００元，即1.5万的8%"
    for num in extract_numbers(text):
        assert text[num.start:num.end] == num.text
    assert texts("答案是1.5万元，约占百分之二十") == ["1.5万", "百分之二十"]


def test_soft_numbers():
    nums = extract_numbers("1. 先算\n2) 再算 第3步，分两步，共12元")
    assert [(n.text, n.soft) for n in nums] == [("1", True), ("2", True), ("3", True), ("两", True), ("12", False)]


def test_list_marker_does_not_soften_a_decimal():
    assert [n.soft for n in extract_numbers("1.5万元")] == [False]


def test_zh_integer():
    assert zh_integer("一亿二千万") == 120_000_000
    assert zh_integer("一万亿") == 10**12
    assert zh_integer("一九八四") == 1984
    assert zh_integer("十五") == 15


# --------------------------------------------------------------------------- supported


def claim(text: str):
    (num,) = [n for n in extract_numbers(text) if not n.soft]
    return num


@pytest.mark.parametrize("text, result, ok", [
    ("21.5", F("21.5"), True),
    ("21.5", F(43, 2), True),
    ("22", F("21.5"), True),       # rounding to the integer shown
    ("22", F(23), False),
    ("0.33", F(1, 3), True),
    ("0.333", F(1, 3), True),
    ("0.34", F(1, 3), False),
    ("33.3%", F(1, 3), True),
    ("20%", F(1, 5), True),
    ("20%", F(20), True),          # the number as written
    ("21%", F(1, 5), False),
    ("1/3", F("0.333333333333333"), True),  # within rel_tol of a rounded decimal result
    ("3/4", F("0.75"), True),
    ("1.5万", F(15000), True),
    ("1.5万", F(15321), True),      # step 1000
    ("1.5万", F(16000), False),
    ("1.5万", F("1.5"), True),      # computed in units of 万
    ("百分之二十", F(1, 5), True),
    ("三分之一", F(1, 3), True),
    ("三分之一", F("0.33"), False),  # an exact form is not a rounding
    ("1,234,567", F(1234567), True),
    ("亏损200元", F(-200), True),     # by magnitude
    ("12", F("12.4"), True),
    ("12", F(13), False),
])
def test_supported(text, result, ok):
    assert supported(claim(text), [result]) is ok


def test_supported_accepts_other_number_types():
    assert supported(claim("0.5"), [0.5])
    assert supported(claim("3"), [3])
    assert not supported(claim("3"), ["not a number", None])


def test_result_values():
    assert result_values("1/3 ≈ 0.333333333333333") == [F(1, 3), F("0.333333333333333")]
    assert F(20) in result_values("20%") and F(1, 5) in result_values("20%")


def test_rounding_bound_when_the_question_does_not_ask_for_rounding():
    from fractions import Fraction

    from agentsft.verify.numbers import extract_numbers, supported

    def ok(text, result):
        return supported(extract_numbers(text)[0], [Fraction(result)], 1e-6, 0.01)

    assert ok("0.33", Fraction(1, 3)) and ok("33.3%", Fraction(1, 3)) and ok("53608", "53608.486")
    assert not ok("14", "13.5") and not ok("12", "12.4") and not ok("0.1", "0.14")
