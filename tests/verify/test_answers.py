"""Tests of agentsft.verify.answers: reading and comparing final answers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from agentsft.verify.answers import Answer, final_answer, parse_answer, same_answer


@pytest.mark.parametrize("text, key", [
    # final-answer lines
    ("Natalia sold 48+24 = 72 clips.\n#### 72", "72"),
    ("#### 1,234", "1234"),
    ("步骤略。\n答案：17", "17"),
    ("答案是 1.5万元。", "15000"),
    ("最终答案：三分之一", "1/3"),
    ("所以\n答：小明一共有二十三个苹果。", "23"),
    ("The answer is 3/4.", "3/4"),
    ("Final answer: 0.75", "3/4"),
    ("Answer: 20%", "1/5"),
    ("答案：百分之二十", "1/5"),
    ("So the total is \\boxed{42}.", "42"),
    ("\\boxed{\\frac{1}{3}}", "1/3"),
    ("The answer is $1,200.50.", "2401/2"),
    ("答案：x = 5", "5"),
    ("答案：-3", "-3"),
    # after </think>
    ("<think>3 × 4 = 12</think>\n12", "12"),
    ("<think>先算 3 × 4 = 12，再加 5。</think>\n答案：17", "17"),
    ("<think>\n答案：99\n</think>\n最终结果是 17 个。", "17"),
    # multiple choice
    ("故选B。", "B"),
    ("答案是 (C)", "C"),
    ("Answer: D", "D"),
    ("The answer is (A).", "A"),
    ("答案：C. 15", "C"),
    # a concluding line without a marker
    ("3 + 4 = 7\nSo she has 7 apples left.", "7"),
    ("因此，一共需要 36 元。", "36"),
    # a text answer
    ("答案：不能。", "不能"),
    ("The answer is Yes!", "yes"),
])
def test_final_answer_keys(text, key):
    answer = final_answer(text)
    assert answer is not None, text
    assert answer.key == key


@pytest.mark.parametrize("text", [
    "",
    "   ",
    "<think>3 × 4 = 12, so the answer is 12",        # unclosed think: nothing visible
    "We multiply the numbers and add them.",         # no marker, no conclusion number
    "#### Step 1\nFirst we read the question.",      # a Markdown heading is no answer
])
def test_no_final_answer(text):
    assert final_answer(text) is None


def test_answer_fields():
    answer = final_answer("答案：1.5万元")
    assert answer == Answer(text="1.5万元", key="15000", value=Fraction(15000))
    assert answer.num is not None and answer.num.step == Fraction(1, 10)
    assert final_answer("选B").value is None and final_answer("选B").is_choice
    assert not final_answer("答案：不能").is_choice


def test_a_word_starting_with_a_capital_is_no_choice():
    assert parse_answer("A total of 15 apples").key == "15"


@pytest.mark.parametrize("a, b, same", [
    ("15000", "1.5万", True),
    ("0.75", "3/4", True),
    ("四分之三", "75%", True),
    ("20%", "0.2", True),
    ("53608.49", "53608.486", True),         # rounded at the reference's shown precision
    ("0.33", "1/3", True),
    ("75%", "75", True),                      # a percent's written number
    ("12", "12.4", False),                    # an integer is no rounding of 12.4 (3 % off)
    ("5", "-5", False),
    ("72", "73", False),
    ("B", "(B)", True),
    ("B", "C", False),
    ("B", "2", False),
    ("yes", "Yes.", True),
])
def test_same_answer(a, b, same):
    assert same_answer(parse_answer(a), b) is same
    assert same_answer(parse_answer(a), parse_answer(b)) is same


def test_same_answer_reads_a_marked_reference():
    assert same_answer(final_answer("答案：72"), "#### 72")
    assert same_answer(final_answer("答案：72"), "<think>…</think>72")
