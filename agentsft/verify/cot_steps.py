"""The arithmetic claims of a reasoning chain, each recomputed with the calculator.

A claim is either

* a GSM8K calculator annotation ``<<48/2=24>>``: its left side is recomputed by ``calculate`` (the calculator's
  whitelist parser; nothing is evaluated as code) and compared with its right side;
* an inline relation ``a op b = c`` (also ``≈``, ``＝``, ``等于``, ``约等于``), read line by line. The left side is
  the longest run of numbers joined by operators that ends at the sign: ``+ - * / × ÷ · ⋅ x ^`` and their
  full-width forms, ``−`` ``–``, ``plus`` ``minus`` ``times`` ``multiplied by`` ``divided by``, ``加`` ``减``
  ``乘`` ``乘以`` ``除以``, and ``of`` after a percent or a fraction (``50% of 80``); parentheses, currency signs
  (``$ ¥ € £``) and units (up to four words or a run of CJK characters: ``5 snakes/jaguar * 6 jaguars``,
  ``13.6元 × 2.35``) may stand between them. The right side is one number, or numbers joined by symbolic
  operators only (``1/2 * 1/2 = 1/4``). In a chain ``a = b = c`` every sign is its own claim (``a = b``, ``b = c``).

Numbers are read by ``numbers.extract_numbers`` (decimals, fractions, percents, thousands separators, Chinese
numerals and scales: ``1.5万``, ``百分之二十``, ``二十三``); each enters the expression as its exact value.

Not claims (never checked, never failures): a side that holds a number glued to letters (``2S``, ``3p``, ``4th``,
``7x``: variables and ordinals; unit abbreviations such as ``10ml`` ``5kg`` and ``2x16`` are fine), a side cut off
by a dangling operator (``S + 143 = …``, ``x + 3 = 7``), a decimal comma (``3,5 + 1 = 4,5``), a mixed
number (``8 x 1 1/2 = 12``: not read), a left side without an operator (``x = 5``,
``1 hour = 60 minutes``, ``<<12=12>>``), unbalanced parentheses, ``<=`` ``>=`` ``!=`` ``==``. Dates, clock times
and ratios (``2024-05-01``, ``3:45``, ``3:2``) are not read as numbers or are not joined by an operator; a list
marker (``1.``, ``2)``) is never joined to what follows. Relation signs that could hold a claim but could not be
read are counted (``ChainCheck.steps_total``), not failed.

``claim_holds``: exact equality; or, when the right side is a single number written with decimals
(``1/3 = 0.33``, ``2/3 = 0.667``) or the relation is approximate (``≈``, ``约``, ``about``: ``22/7 ≈ 3``), the
left value rounds to it at its shown precision (|left − right| ≤ half a unit of its last digit); a percent on the
right also stands for its written number (``(75/100)*100 = 75%``). So ``2 + 2 = 5`` and ``10/3 = 3`` fail, while
``10/3 ≈ 3`` and ``10/3 = 3.33`` hold.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from ..tools.calculator import calculate
from .numbers import Num, as_fraction, extract_numbers

__all__ = ["Claim", "ClaimScan", "find_claims", "strip_annotations", "ANNOTATION"]

ANNOTATION = re.compile(r"<<(?P<lhs>[^<>=\n]*)=(?P<rhs>[^<>=\n]*)>>")
MAX_GAP = 80  # characters between two numbers of one expression

_REL = re.compile(r"约等于|等于|≈|≒|≃|=|＝")
_APPROX_SIGNS = ("约等于", "≈", "≒", "≃")
_CUR = r"[$¥￥€£]"
_NB = r"(?<![a-z'’])"  # word start (letters only: "2x16" has an operator x)
_NE = r"(?![a-z'’])"
_SYM = r"\*\*|[-+*/×÷·⋅∗^−–]"
_WORD_OPS = {"plus": "+", "minus": "-", "times": "*", "multiplied by": "*", "divided by": "/", "x": "*",
             "of": "*", "加": "+", "加上": "+", "减": "-", "减去": "-", "乘": "*", "乘以": "*", "除以": "/"}
_OP = (rf"(?P<op>{_SYM}|{_NB}(?:plus|minus|times|multiplied by|divided by|x|of){_NE}"
       r"|加上|减去|乘以|除以|加|减|乘)")
_STOP = "x|of|plus|minus|times|multiplied|divided|by|and|or|is|are|was|were|equals|so|then|because|than|to|" \
        "from|which|that|for|with|if|the|a|an|it|he|she|they|we|you|i"
_UNIT = rf"(?:/\s*)?(?!(?:{_STOP}){_NE})[a-z][a-z'’.]*|(?:(?![加减乘除等约])[\u4e00-\u9fff])+|°[cf]?"
_UNITS = rf"(?:(?:{_UNIT})\s*){{1,4}}"
_LINK = re.compile(rf"\s*(?P<close>(?:\)\s*)*)(?:{_UNITS})?(?P<close2>(?:\)\s*)*){_OP}\s*(?P<open>(?:\(\s*)*){_CUR}?\s*")
_RLINK = re.compile(rf"\s*(?P<close>(?:\)\s*)*)(?P<op>{_SYM}|{_NB}x{_NE})\s*(?P<open>(?:\(\s*)*){_CUR}?\s*")
_LHS_END = re.compile(rf"\s*(?P<close>(?:\)\s*)*)(?:{_UNITS})?(?P<close2>(?:\)\s*)*)")
_RHS_START = re.compile(rf"\s*(?P<approx>约|大约|about|approximately|approx\.?|around|roughly|~)?\s*"
                        rf"(?P<open>(?:\(\s*)*){_CUR}?\s*")
_DANGLING = re.compile(rf"(?:{_SYM}|{_NB}(?:plus|minus|times|by|x|of)|[加减乘除])\s*$")
_RHS_GOES_ON = re.compile(rf"\s*(?:\)\s*)*(?:(?:{_SYM})\s*[\w(]|{_NB}(?:of|x|times|plus|minus){_NE}\s*[\d(.$¥])")
_CANDIDATE_OP = re.compile(rf"[-+*/×÷·⋅∗^−–%]|{_NB}(?:x|plus|minus|times|of){_NE}|加|减|乘|除")
_NUMERAL = re.compile(r"[\d０-９零〇一二两三四五六七八九十百千万亿]")
_TIMES_X = re.compile(r"(?<=\d)\s?[xX]\s?(?=\d)")  # 2x16, 3 X4: a times sign (extract_numbers drops x4)
_LATEX_OPS = re.compile(r"\\(times|div|cdot|approx|neq|leq|geq)(?![A-Za-z])")
_LATEX_OP_SIGNS = {"times": "×", "div": "÷", "cdot": "·", "approx": "≈", "neq": "≠", "leq": "≤", "geq": "≥"}
_BOLD = re.compile(r"\*\*(?![ \t]*[\d(])|(?<![\d)])(?<![\d)][ \t])\*\*")  # ** that is no power: Markdown bold
_COMMA_DECIMAL_END = re.compile(r"\d,$")  # "3,5 + 1": a decimal comma, not read
_UNIT_ABBR = {"ml", "mL", "l", "L", "kg", "g", "mg", "km", "m", "cm", "mm", "ft", "in", "lb", "lbs", "oz", "h",
              "hr", "hrs", "min", "mins", "s", "sec", "secs", "mph", "kph", "kmh", "GB", "MB", "KB", "TB", "gb", "mb",
              "kb", "yd", "yds", "mi", "pm", "am", "PM", "AM", "C", "F", "K", "W", "kW", "kWh", "V", "Hz"}  # case kept
_OPS_ASCII = str.maketrans({"×": "*", "÷": "/", "·": "*", "⋅": "*", "∗": "*", "−": "-", "–": "-", "^": "**"})


@dataclass(frozen=True)
class Claim:
    """One arithmetic claim of a chain. ``ok`` is None when it could not be read or computed (not a failure)."""

    text: str
    pos: int                        # where it ends in the annotation-free text (for "the last result")
    line: int                       # 1-based line of the annotation-free text
    ok: bool | None
    lhs_value: Fraction | None = None
    rhs_value: Fraction | None = None
    annotation: bool = False


@dataclass
class ClaimScan:
    """The claims of a chain in text order; ``total`` arithmetic claims found, ``checked`` of them recomputed (a
    visible claim and its annotation count once)."""

    claims: list[Claim]
    total: int
    checked: int
    stated: list[tuple[int, Fraction]] = field(default_factory=list)  # (sign position, number right after it)


@dataclass
class _Side:
    expr: str
    has_op: bool
    start: int
    end: int
    single: Num | None          # the number, when the side is one number
    approx: bool = False
    first: Num | None = None    # the first number of a right side


# --------------------------------------------------------------------------- small helpers


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _full(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.fullmatch(_norm(text)) if len(text) <= MAX_GAP else None


def _glued(line: str, num: Num) -> bool:
    """A number glued to letters on its right that are no unit (``2S``, ``4th``, ``7x``): a variable."""
    m = re.match(r"[A-Za-z]+", line[num.end:])
    if not m:
        return False
    word = m.group()
    if word in ("x", "X"):
        return not line[num.end + 1:num.end + 2].strip(" ").isdigit()
    return word not in _UNIT_ABBR


def _plain(line: str) -> str:
    """A line with LaTeX operators as symbols (``\\times`` ``\\div`` ``\\cdot``), Markdown bold markers blanked
    and ``2x16`` written ``2×16`` (extract_numbers drops a number glued to a letter on its left); the length is
    kept, so positions stay those of the text."""
    line = _LATEX_OPS.sub(lambda m: _LATEX_OP_SIGNS[m.group(1)].ljust(len(m.group())), line)
    line = _BOLD.sub("  ", line)
    return _TIMES_X.sub(lambda m: m.group().replace("x", "×").replace("X", "×"), line)


def _mixed(before: str, num: Num) -> bool:
    """``num`` is the fraction of a mixed number (``1 1/2``): an integer and one space right before it."""
    return num.step is None and "/" in num.text and bool(re.search(r"(?<![\d.,])\d+ $", before))


def _literal(num: Num) -> str:
    v = num.value
    return f"({v.numerator})" if v.denominator == 1 else f"({v.numerator}/{v.denominator})"


def _op(m: re.Match[str]) -> str:
    op = _norm(m.group("op")).translate(_OPS_ASCII).strip()
    return _WORD_OPS.get(op, op)


def _of_ok(m: re.Match[str], left: Num) -> bool:
    """``of`` is an operator only after a percent or a fraction (``50% of 80``, ``3/4 of 20``)."""
    return _norm(m.group("op")).strip() != "of" or left.percent or left.step is None


def _balanced(expr: str) -> bool:
    depth = 0
    for ch in expr:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@lru_cache(maxsize=4096)
def _value(expr: str) -> Fraction | None:
    """The exact value of a calculator expression, or None when it cannot be computed."""
    result = calculate(expr)
    return as_fraction(result.value) if result.ok else None


# --------------------------------------------------------------------------- the two sides of a sign


def _lhs(line: str, nums: list[Num], glued: list[bool], rel_start: int) -> _Side | None:
    """The expression that ends at a relation sign, or None when it cannot be read."""
    before = [i for i, n in enumerate(nums) if n.end <= rel_start]
    if not before or glued[before[-1]]:
        return None
    k = before[-1]
    tail = _full(_LHS_END, line[nums[k].end:rel_start])
    if tail is None:
        return None
    expr = _literal(nums[k]) + ")" * (tail.group("close") + tail.group("close2")).count(")")
    j = k
    while j > 0 and not glued[j - 1]:
        m = _full(_LINK, line[nums[j - 1].end:nums[j].start])
        if m is None or not _of_ok(m, nums[j - 1]):
            break
        closed = (m.group("close") + m.group("close2")).count(")")
        expr = _literal(nums[j - 1]) + ")" * closed + _op(m) + "(" * m.group("open").count("(") + expr
        j -= 1
    head = line[nums[j - 1].end if j > 0 else 0:nums[j].start]
    lead = head.rstrip(" \t($¥￥€£")
    if _DANGLING.search(_norm(lead)) or (j > 0 and glued[j - 1] and not lead.strip()) \
            or _COMMA_DECIMAL_END.search(lead) or _mixed(line[:nums[j].start], nums[j]):
        return None
    expr = "(" * head[len(lead):].count("(") + expr
    if not _balanced(expr):
        return None
    has_op = j < k or (nums[k].step is None and "/" in nums[k].text)
    return _Side(expr, has_op, nums[j].start, rel_start, nums[k] if j == k else None)


def _rhs(line: str, nums: list[Num], glued: list[bool], rel_end: int, stop: int) -> _Side | None:
    """The expression that starts after a relation sign (up to ``stop``, the next sign), or None."""
    after = [i for i, n in enumerate(nums) if n.start >= rel_end and n.end <= stop]
    if not after or glued[after[0]]:
        return None
    k = after[0]
    start = _full(_RHS_START, line[rel_end:nums[k].start])
    if start is None:
        return None
    expr = "(" * start.group("open").count("(") + _literal(nums[k])
    j = k
    while j + 1 < len(nums) and nums[j + 1].end <= stop and not glued[j + 1]:
        m = _full(_RLINK, line[nums[j].end:nums[j + 1].start])
        if m is None:
            break
        expr += ")" * m.group("close").count(")") + _op(m) + "(" * m.group("open").count("(") + _literal(nums[j + 1])
        j += 1
    rest = line[nums[j].end:stop]
    following = nums[j + 1] if j + 1 < len(nums) else None
    if _RHS_GOES_ON.match(_norm(rest)) or rest.startswith(",") and rest[1:2].isdigit() \
            or following is not None and _mixed(line[:following.start], following):
        return None  # "= 5 + x", "= 3 + 2S": the right side goes on with something that is no number
    closing = rest[:len(rest) - len(rest.lstrip(" )"))].count(")")
    expr += ")" * min(closing, expr.count("(") - expr.count(")"))
    if not _balanced(expr):
        return None
    has_op = j > k or (nums[k].step is None and "/" in nums[k].text)
    return _Side(expr, has_op, nums[k].start, nums[j].end, nums[k] if j == k else None,
                 approx=bool(start.group("approx")), first=nums[k])


# --------------------------------------------------------------------------- comparing


def _rounds_to(value: Fraction, num: Num, approx: bool) -> bool:
    """``value`` written as ``num``: exact, or rounded at its shown precision (decimals, or any with ``≈``)."""
    readings = [(num.value, num.value_step)]
    if num.percent:
        readings.append((num.shown, num.step))
    for target, step in readings:
        if value == target:
            return True
        if step is not None and (approx or step < 1) and abs(value - target) * 2 <= step:
            return True
    return False


def _holds(lhs_value: Fraction, rhs: _Side, approx: bool) -> tuple[bool | None, Fraction | None]:
    """(holds, right value) of one claim; holds None when the right side cannot be computed.

    A run-on chain ``20 - 5 = 15 - 3 = 12`` (the right side starts with the left's value and goes on computing)
    holds when its first number is the left value: it is read ``20 - 5 = 15``, then ``15 - 3 = 12``."""
    if rhs.single is not None and not rhs.has_op:
        return _rounds_to(lhs_value, rhs.single, approx or rhs.approx), rhs.single.value
    rhs_value = _value(rhs.expr)
    if rhs_value is None:
        return None, None
    if approx or rhs.approx:
        holds = abs(lhs_value - rhs_value) <= abs(rhs_value) / 100
    else:
        holds = lhs_value == rhs_value
    if not holds and rhs.first is not None and _rounds_to(lhs_value, rhs.first, approx or rhs.approx):
        return True, rhs.first.value
    return holds, rhs_value


# --------------------------------------------------------------------------- finding the claims


def strip_annotations(text: str) -> tuple[str, list[tuple[int, re.Match[str]]]]:
    """The text without its ``<<a=b>>`` annotations, and (position in that text, match) of each."""
    out, found, last, removed = [], [], 0, 0
    for m in ANNOTATION.finditer(text):
        out.append(text[last:m.start()])
        found.append((m.start() - removed, m))
        removed += m.end() - m.start()
        last = m.end()
    out.append(text[last:])
    return "".join(out), found


def _annotation_claim(pos: int, line: int, m: re.Match[str]) -> Claim | None:
    """The claim of one annotation; None when it is no claim (no operator on its left: ``<<12=12>>``)."""
    lhs, rhs = m.group("lhs").strip(), m.group("rhs").strip()
    if not re.search(r"[-+*/^%(]", lhs[1:]):
        return None
    nums = extract_numbers(rhs)
    lhs_value = _value(lhs)
    if lhs_value is None or len(nums) != 1 or nums[0].text.strip() != rhs.lstrip("$¥ "):
        return Claim(m.group(), pos, line, None, annotation=True)
    ok = _rounds_to(lhs_value, nums[0], approx=False)
    return Claim(m.group(), pos, line, ok, lhs_value, nums[0].value, annotation=True)


def _signs(line: str) -> list[re.Match[str]]:
    """Relation signs of a line, without ``<=``, ``>=``, ``!=``, ``==``."""
    out = []
    for m in _REL.finditer(line):
        prev, nxt = line[m.start() - 1:m.start()], line[m.end():m.end() + 1]
        if prev in "<>!=≤≥" and prev or nxt == "=":
            continue
        out.append(m)
    return out


def _is_candidate(line: str, left: str, right: str) -> bool:
    """A relation sign that could hold an arithmetic claim: numbers on both sides and an operator near it."""
    return bool(_NUMERAL.search(left) and _NUMERAL.search(right) and _CANDIDATE_OP.search(_norm(left + right)))


def _stated(line: str, offset: int) -> list[tuple[int, Fraction]]:
    """(position, value) of every relation sign of a line followed directly by a number (``p = $1000``)."""
    out = []
    nums = extract_numbers(line)
    for sign in _signs(line):
        first = next((n for n in nums if n.start >= sign.end()), None)
        if first is not None and _full(_RHS_START, line[sign.end():first.start]) and not _glued(line, first):
            out.append((offset + sign.start(), first.value))
    return out


def _line_claims(line: str, offset: int, line_no: int) -> tuple[list[Claim], int, list[tuple[int, int]]]:
    """(claims read, candidates seen, (sign, end) spans of the claims) of one line of annotation-free text."""
    signs = _signs(line)
    if not signs:
        return [], 0, []
    nums = extract_numbers(line)
    glued = [_glued(line, n) for n in nums]
    claims, candidates, spans = [], 0, []
    chained = False  # the previous sign of the line held a claim that was read: "5 + 3 = 8 = 9" checks 8 = 9
    for i, sign in enumerate(signs):
        prev_end = signs[i - 1].end() if i else 0
        stop = signs[i + 1].start() if i + 1 < len(signs) else len(line)
        left, right = line[prev_end:sign.start()], line[sign.end():stop]
        if not (_is_candidate(line, left, right) or chained and _NUMERAL.search(right)):
            chained = False
            continue
        candidates += 1
        approx = sign.group() in _APPROX_SIGNS
        lhs = _lhs(line, nums, glued, sign.start())
        rhs = _rhs(line, nums, glued, sign.end(), stop)
        text = " ".join(line[(lhs.start if lhs else prev_end):(rhs.end if rhs else stop)].split())
        spans.append((offset + sign.start(), offset + (rhs.end if rhs else stop)))
        if lhs is None or rhs is None or not (lhs.has_op or chained):
            claims.append(Claim(text, offset + sign.start(), line_no, None))
            chained = rhs is not None and lhs is not None
            continue
        lhs_value = _value(lhs.expr)
        ok, rhs_value = (None, None) if lhs_value is None else _holds(lhs_value, rhs, approx)
        claims.append(Claim(text, offset + rhs.end, line_no, ok, lhs_value, rhs_value))
        chained = ok is not None
    return claims, candidates, spans


def find_claims(text: str) -> ClaimScan:
    """Every arithmetic claim of ``text`` (see the module docstring). A visible claim and the annotation written
    right after its sign (``48/2 = <<48/2=24>>24``) are one claim: both are checked, it counts once."""
    clean, annotations = strip_annotations(text or "")
    claims: list[Claim] = []
    spans: list[tuple[int, int, Claim]] = []
    stated: list[tuple[int, Fraction]] = []
    total, offset = 0, 0
    for line_no, raw in enumerate(clean.split("\n"), start=1):
        line = _plain(raw)
        stated.extend(_stated(line, offset))
        found, candidates, found_spans = _line_claims(line, offset, line_no)
        claims.extend(found)
        total += candidates
        spans.extend((lo, hi, c) for (lo, hi), c in zip(found_spans, found))
        offset += len(line) + 1
    checked = sum(c.ok is not None for c in claims)
    line_starts = [0] + [i + 1 for i, ch in enumerate(clean) if ch == "\n"]
    for pos, m in annotations:
        claim = _annotation_claim(pos, sum(1 for s in line_starts if s <= pos), m)
        if claim is None:
            continue
        claims.append(claim)
        twin = next((c for lo, hi, c in spans if lo <= pos <= hi), None)
        total += twin is None
        checked += claim.ok is not None and (twin is None or twin.ok is None)
    claims.sort(key=lambda c: (c.pos, c.annotation))
    return ClaimScan(claims, total, checked, stated)
