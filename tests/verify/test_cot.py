"""Tests of agentsft.verify.cot (check_chain) and agentsft.verify.cot_steps (the arithmetic claims)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from agentsft.schema import Reason
from agentsft.verify.cot import check_chain, is_reasoning
from agentsft.verify.cot_steps import find_claims

GSM8K = ("Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n"
         "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72")

# --------------------------------------------------------------------------- whole chains

KEPT = [
    # visible numbered steps ending in 答案：… (zh)
    ("1. 每支笔 13.6元 × 2.35 = 31.96元。\n2. 31.96 + 8.04 = 40。\n答案：40", "40"),
    # visible steps ending in #### (en)
    ("Step 1: 12 × 3 = 36 apples.\nStep 2: 36 - 8 = 28.\n#### 28", "28"),
    # <think> then the answer
    ("<think>先算单价：120 ÷ 4 = 30（元）。再算 5 本：30 × 5 = 150（元）。</think>\n答案：150元", "150"),
    ("<think>3 * 4 = 12, 12 + 5 = 17</think>\nThe answer is 17.", "17"),
    # GSM8K annotations
    (GSM8K, "72"),
    # chained equalities, percent of, currency and units
    ("Total = 2 + 3 + 5 = 10 = 5 × 2 dollars.\nSo the answer is 10.", "10"),
    ("50% of 80 = 40, and $48 / 2 = $24, so 40 + 24 = 64.\nAnswer: 64", "64"),
    ("共 1.5万 × 2 = 3万 元。\n答案：3万元", "30000"),
    ("三分之一 × 9 = 3，所以答案是 3。", "3"),
    ("百分之二十 × 200 = 40\n答：二十三加十七等于40，共40人。", "40"),
    # rounding at the shown precision, approximations
    ("10 / 3 = 3.33 per person\n#### 3.33", "333/100"),
    ("22 / 7 ≈ 3.14\n答案：约3.14", "157/50"),
    ("1000 / 3 ≈ 333\n答案：333", "333"),
    # the question asked for whole buses: the answer rounds the last result up
    ("45 / 10 = 4.5 buses, so we need 5 buses.\n#### 5", "5"),
    # cents from dollars
    ("The grocery store is .50-.25 = $0.25 more expensive per can\n#### 25", "25"),
    # multiple choice: never a final mismatch
    ("3 + 4 = 7，对应选项 B。\n故选B", "B"),
    # no arithmetic claim at all: kept on its final answer
    ("Paris is the capital of France.\nThe answer is Paris.", "paris"),
    # algebra that cannot be read: not a failure
    ("Let x be the number. 4 * x + 600 = 10000, so 4 * x = 9400 and x = 2350.\n#### 2350", "2350"),
    # non-claims: dates, times, ratios, list numbers
    ("On 2024-05-01 at 3:45 the ratio was 3:2.\n1. 6 × 2 = 12\n2. 12 + 1 = 13\n答案：13", "13"),
    # no marker: the concluding line's last number is the answer, another number of it states the last result
    ("15 / 3 = 5\nSo she needs 5 boxes for 3 days.", "3"),
    # a run-on chain: 20 - 5 = 15 - 3 = 12 reads as 20 - 5 = 15, 15 - 3 = 12
    ("She has 20 - 5 = 15 - 3 = 12 left.\n#### 12", "12"),
]


@pytest.mark.parametrize("text, key", KEPT)
def test_correct_chains_are_kept(text, key):
    check = check_chain(text)
    assert check.ok, check.detail
    assert check.reason is None and check.answer is not None and check.answer.key == key


REJECTED = [
    # a wrong middle step with the right final answer
    ("Step 1: 12 × 3 = 38 apples.\nStep 2: 36 - 8 = 28.\n#### 28", Reason.COT_STEP_WRONG, "12 × 3 = 38"),
    ("<think>先算 3 × 4 = 13，再算 12 + 5 = 17。</think>\n答案：17", Reason.COT_STEP_WRONG, "3 × 4 = 13"),
    ("Natalia sold 48/2 = <<48/2=25>>25 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips.\n#### 72",
     Reason.COT_STEP_WRONG, "48/2"),
    ("2 + 2 = 5\n答案：5", Reason.COT_STEP_WRONG, "2 + 2 = 5"),
    ("10 / 3 = 3\n#### 3", Reason.COT_STEP_WRONG, "10 / 3 = 3"),
    ("13.6元 × 2.35 = 31.9元\n答案：31.9元", Reason.COT_STEP_WRONG, "31.9"),
    ("Total = 2 + 3 + 5 = 10 = 11.\n#### 11", Reason.COT_STEP_WRONG, "10 = 11"),
    ("50% of 80 = 45\n#### 45", Reason.COT_STEP_WRONG, "50% of 80 = 45"),
    ("1.5万 × 2 = 4万\n答案：4万", Reason.COT_STEP_WRONG, "4万"),
    # final answer != last result
    ("12 × 3 = 36\n36 - 8 = 28\n#### 29", Reason.COT_FINAL_MISMATCH, "28"),
    ("<think>120 ÷ 4 = 30，30 × 5 = 150</think>\n答案：160元", Reason.COT_FINAL_MISMATCH, "150"),
    ("Let x be it. x = 847 / 7 = 121\n#### 120", Reason.COT_FINAL_MISMATCH, "121"),
    ("15 / 3 = 5\nSo she needs 6 boxes.", Reason.COT_FINAL_MISMATCH, "5"),
    # no final answer
    ("12 × 3 = 36\n36 - 8 = 28", Reason.COT_NO_ANSWER, ""),
    ("<think>12 × 3 = 36, answer 36", Reason.COT_NO_ANSWER, ""),
]


@pytest.mark.parametrize("text, reason, needle", REJECTED)
def test_bad_chains_are_rejected(text, reason, needle):
    check = check_chain(text)
    assert not check.ok
    assert check.reason is reason, check.detail
    assert needle in check.detail


def test_step_counts_and_last_result():
    check = check_chain(GSM8K)
    assert (check.steps_total, check.steps_checked, check.steps_share) == (2, 2, 1.0)
    assert check.last_result == Fraction(72)
    none = check_chain("Paris.\nThe answer is Paris.")
    assert (none.steps_total, none.steps_checked, none.steps_share, none.last_result) == (0, 0, 0.0, None)
    partial = check_chain("S + 30 = 50 and 3 + 4 = 7\n#### 7")
    assert (partial.steps_total, partial.steps_checked) == (2, 1) and partial.steps_share == 0.5
    assert check.to_dict()["steps_share"] == 1.0


# --------------------------------------------------------------------------- single claims


@pytest.mark.parametrize("text, expected", [
    ("2 + 2 = 4", [True]),
    ("2 + 2 = 5", [False]),
    ("a + b = c + d = e: 2 + 3 = 1 + 4 = 5", [True, True]),
    ("2 + 3 = 1 + 5 = 6", [False, True]),
    ("3 × 4 = 12", [True]),
    ("3 x 4 = 12", [True]),
    ("3x4 = 12", [True]),
    ("12 ÷ 4 = 3", [True]),
    ("３＋４＝７", [True]),
    ("2 · 3 = 6", [True]),
    ("20 − 13 = 7", [True]),
    ("20 – 13 = 7", [True]),
    ("1/3 = 0.33", [True]),
    ("1/3 = 0.3333", [True]),
    ("2/3 = 0.66", [False]),                       # not a rounding of 0.666…
    ("10/3 ≈ 3", [True]),
    ("10/3 = 约3.3", [True]),
    ("$48 / 2 = $24", [True]),
    ("¥1,200 × 3 = ¥3,600", [True]),
    ("5 snakes/jaguar * 6 jaguars = 30 snakes", [True]),
    ("13.6元 × 2.35 = 31.96元", [True]),
    ("25% * 28 = 7", [True]),
    ("(75/100)*100 = 75%", [True]),
    ("100% - 40% = 60%", [True]),
    ("50% of 80 = 40", [True]),
    ("3/4 of 20 = 15", [True]),
    ("1.5万 + 5000 = 2万", [True]),
    ("三分之一 × 6 = 2", [True]),
    ("百分之二十 × 50 = 10", [True]),
    ("二十三 + 七 = 三十", [True]),
    ("3 × 4 等于 12", [True]),
    ("12 加 8 等于 20", [True]),
    ("$1000-($150+$300+$250) = $300", [True]),
    ("(8*4)-5 = 27", [True]),
    ("1/2 * 1/2 = 1/4", [True]),
    ("-5 + 3 = -2", [True]),
    ("22,500*20=$450,000", [True]),
    # LaTeX and Markdown around the arithmetic
    ("$3 \\times 4 = 12$", [True]),
    ("$3 \\times 4 = 13$", [False]),
    ("\\frac{1}{2} \\cdot 8 = 4", [True]),
    ("10 \\div 4 = 2.5", [True]),
    ("22/7 \\approx 3.14", [True]),
    ("**12 + 5 = 17**", [True]),
    ("**答案：** 3 × 4 = 12", [True]),
    ("2**3 = 8", [True]),
])
def test_claims(text, expected):
    scan = find_claims(text)
    assert [c.ok for c in scan.claims] == expected, [(c.text, c.ok) for c in scan.claims]


@pytest.mark.parametrize("text", [
    "x = 5",
    "1 hour = 60 minutes",
    "The meeting is on 2024-05-01 at 3:45.",
    "The ratio is 3:2 and pages 1-2 are blank.",
    "Call 555-1234 or 010-12345678.",
    "1. First\n2. Second\n3. Third",
    "<<12=12>>12",
    "if a >= 3 and b <= 4 and c != 5 then a == b",
    "3,5 + 1 = 4,5",                   # a decimal comma is not read
])
def test_non_claims_are_not_flagged(text):
    scan = find_claims(text)
    assert all(c.ok is not False for c in scan.claims)
    assert scan.checked == 0


@pytest.mark.parametrize("text", [
    "2x + 3 = 7",                      # an equation with an unknown
    "x + 3 = 7",
    "S + 143 = 200 - 16",              # the left side starts with an unknown
    "All the ships had S + 2S + 4S = 7S = 847 people",
    "3p = $3000",
    "2 * 2S = 4S people",
    "The 1st turn + 8 meters after the 2nd turn = 10",
    "86(2)=172",                       # implicit multiplication is not read
    "8 x 1 1/2 = 12 dinner rolls",     # a mixed number is not read
    "half is 1 1/2 = 1.5",
])
def test_unreadable_claims_are_not_failures(text):
    scan = find_claims(text)
    assert all(c.ok is None for c in scan.claims if c.lhs_value is None or "S" in c.text or "x" in c.text)
    assert not any(c.ok is False for c in scan.claims)


def test_annotation_and_visible_claim_count_once():
    scan = find_claims("He saved 95 + 15 = <<95+15=110>>110 dollars")
    assert (scan.total, scan.checked) == (1, 1)
    assert sorted(c.annotation for c in scan.claims) == [False, True] and all(c.ok for c in scan.claims)


def test_claims_are_never_evaluated_as_code():
    scan = find_claims("<<__import__('os').system('echo hi')=0>>0\n#### 0")
    assert all(c.ok is None for c in scan.claims)
    assert check_chain("<<__import__('os').system('x')=0>>0\n#### 0").reason is not Reason.COT_STEP_WRONG


@pytest.mark.parametrize("text, expected", [
    ("<think>hm</think>ok", True),
    ("答案：5", True),
    ("3 + 4 = 7", True),
    (GSM8K, True),
    ("x", False),
    ("Hello, how can I help you today?", False),
])
def test_is_reasoning(text, expected):
    assert is_reasoning(text) is expected
