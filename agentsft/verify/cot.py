"""Verification of a reasoning chain: every arithmetic step recomputed, the final answer read and checked
against the chain's own last result.

``check_chain(text)`` decides, in this order, and stops at the first failure:

1. COT_STEP_WRONG: some arithmetic claim (``cot_steps``: GSM8K annotations ``<<48/2=24>>``, inline
   ``a op b = c`` and chains ``a = b = c``, ``≈``) is false when recomputed by the calculator — even when the final
   answer is right. ``detail`` names the first false step and its line;
2. COT_NO_ANSWER: no final answer can be read (``answers.final_answer``: after ``</think>``, ``答案：…``,
   ``#### …``, ``\\boxed{…}``, ``The answer is …``, a choice letter, or a concluding line);
3. COT_FINAL_MISMATCH: the final answer is a number and the chain's last result (the value of its last checked
   claim, in text order) is a number, and they clearly differ. Not a mismatch: the same number or one the other
   rounded at the answer's shown precision (``same_number``: 53608.49 for 53608.486, 75% for 75); the last result
   rounded to a whole number, floor or ceiling (a question that asks how many buses); the last result times or
   divided by 100 (0.25 dollars answered as 25 cents, 0.75 as 75 %); a number stated between the last checked
   claim and the final-answer line (``… 20/4 = $5 each … Lee earned $558.\\n#### 558``); with no final-answer
   marker (the answer read from a concluding line), any number of that line that states the last result. A choice
   letter or a text answer is never a mismatch; a chain with no checked claim and no ``= number`` has no last
   result.

Steps that cannot be read are not failures; ``steps_total`` counts the arithmetic claims found (annotations and
relation signs with numbers on both sides and an operator), ``steps_checked`` those recomputed, ``steps_share``
is checked / total (0.0 when the chain states no claim: such a chain passes unless its final answer is missing).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from ..schema import Reason
from .answers import Answer, answer_region, final_answer, parse_answer, same_answer, same_number, marked_segment
from .cot_steps import ANNOTATION, Claim, ClaimScan, find_claims, strip_annotations
from .numbers import Num, extract_numbers

__all__ = ["Answer", "ChainCheck", "check_chain", "final_answer", "is_reasoning", "parse_answer", "same_answer"]


@dataclass
class ChainCheck:
    """The verdict on one reasoning chain."""

    ok: bool
    reason: Reason | None
    detail: str
    answer: Answer | None
    steps_total: int
    steps_checked: int
    steps_share: float
    last_result: Fraction | None

    def to_dict(self) -> dict[str, object]:
        """The small machine-readable summary stored on a sample."""
        return {"ok": self.ok, "reason": self.reason.value if self.reason else None, "detail": self.detail,
                "answer": self.answer.key if self.answer else None, "steps_total": self.steps_total,
                "steps_checked": self.steps_checked, "steps_share": round(self.steps_share, 4),
                "last_result": None if self.last_result is None else str(self.last_result)}


def _fmt(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value} ≈ {float(value):.6g}"


def _wrong_step(claims: list[Claim]) -> str | None:
    bad = next((c for c in claims if c.ok is False), None)
    if bad is None:
        return None
    left = "" if bad.lhs_value is None else f" (recomputed: {_fmt(bad.lhs_value)})"
    return f"line {bad.line}: step `{bad.text}` is false{left}"


def _exact(value: Fraction) -> Num:
    return Num(text=str(value), start=0, end=0, value=value, shown=value, step=None)


def _agrees(answer: Answer, last: Fraction) -> bool:
    """The answer states the last result, up to rounding the question may have asked for."""
    num = answer.num or _exact(answer.value)
    if same_number(num, _exact(last)):
        return True
    value = answer.value
    if value.denominator == 1 and value in (math.floor(last), math.ceil(last), round(last)):
        return True
    return any(same_number(num, _exact(last * f)) for f in (Fraction(100), Fraction(1, 100)))


def _answer_line_start(clean: str, answer: Answer) -> int:
    """Where the final-answer line starts in the annotation-free text (its end when not found)."""
    at = clean.rfind(answer.text) if answer.text else -1
    return clean.rfind("\n", 0, at) + 1 if at >= 0 else len(clean)


def _stated_after(clean: str, start: int, end: int, answer: Answer) -> bool:
    """The answer's number is stated between ``start`` and the final-answer line (``end``)."""
    body = clean[start:max(end, start)]
    return any(not n.soft and n.value == answer.value for n in extract_numbers(body))


def _line_agrees(clean: str, start: int, value: Fraction) -> bool:
    """Some number of the concluding line the answer was read from (no final-answer marker: "So she needs 5
    boxes for 3 days.") states the last result."""
    line = clean[start:].split("\n", 1)[0]
    return any(not n.soft and _agrees(Answer(n.text, str(n.value), n.value, n), value) for n in extract_numbers(line))


def _last_result(scan: ClaimScan, before: int) -> tuple[int, Fraction, str] | None:
    """(position, value, what) of the chain's last result before the final-answer line: the last checked claim,
    or a later ``= number`` (the last number of the last step: ``p = $1000`` after algebra that was not read)."""
    checked = [c for c in scan.claims if c.ok and c.pos < before and c.rhs_value is not None]
    best = (checked[-1].pos, checked[-1].rhs_value, f"line {checked[-1].line}: `{checked[-1].text}`") \
        if checked else None
    later = [(pos, v) for pos, v in scan.stated if pos < before and (best is None or pos > best[0])]
    if later:
        return later[-1][0], later[-1][1], "the last `= number` of the chain"
    return best


def _final_mismatch(text: str, scan: ClaimScan, answer: Answer) -> tuple[str | None, Fraction | None]:
    """(detail of a mismatch or None, the chain's last result)."""
    clean, _ = strip_annotations(text)
    end = _answer_line_start(clean, answer)
    last = _last_result(scan, end)
    if last is None:
        return None, None
    pos, value, what = last
    if answer.value is None or _agrees(answer, value) or _stated_after(clean, pos, end, answer):
        return None, value
    if marked_segment(answer_region(clean)) is None and _line_agrees(clean, end, value):
        return None, value
    return f"final answer {answer.text!r} disagrees with the chain's last result {_fmt(value)} ({what})", value


def check_chain(text: str) -> ChainCheck:
    """Check one reasoning chain (see the module docstring)."""
    text = text or ""
    scan = find_claims(text)
    share = scan.checked / scan.total if scan.total else 0.0
    answer = final_answer(ANNOTATION.sub("", text))
    checked = [c for c in scan.claims if c.ok]
    last = checked[-1].rhs_value if checked else None

    def verdict(reason: Reason | None, detail: str = "", last_result: Fraction | None = last) -> ChainCheck:
        return ChainCheck(reason is None, reason, detail, answer, scan.total, scan.checked, share, last_result)

    wrong = _wrong_step(scan.claims)
    if wrong:
        return verdict(Reason.COT_STEP_WRONG, wrong)
    if answer is None:
        return verdict(Reason.COT_NO_ANSWER, "no final answer could be read (答案：… / #### … / after </think>)")
    mismatch, last = _final_mismatch(text, scan, answer)
    if mismatch:
        return verdict(Reason.COT_FINAL_MISMATCH, mismatch, last)
    return verdict(None, "", last)


_THINK = re.compile(r"<think>", re.I)


def is_reasoning(text: str) -> bool:
    """Whether a text looks like a reasoning chain worth checking: a ``<think>`` block, a final-answer marker,
    a calculator annotation, or at least one arithmetic claim."""
    if not text or not text.strip():
        return False
    if _THINK.search(text) or ANNOTATION.search(text) or marked_segment(answer_region(text)) is not None:
        return True
    return find_claims(text).total > 0
