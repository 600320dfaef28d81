"""The numbers a text states, read exactly (``fractions.Fraction``), and when a tool result supports one.

``extract_numbers`` reads, in Chinese and English text:

* Arabic numbers: ``42``, ``-3``, ``3.50``, ``.5``, thousands separators ``1,234,567.5`` (ASCII comma only: a
  full-width ``，`` separates clauses in Chinese and is never read as a separator), fractions ``3/4`` and
  ``\\frac{1}{3}``, scientific ``1.2e3`` / ``1.2×10^3``, percents ``20%`` / ``5‰``, Chinese scales ``1.5万``
  ``3亿`` ``2.5千`` ``5百万`` and tenths ``3成``. Currency signs and units around a number are ignored
  (``¥1,200元``, ``$3.50``, ``3.5 kg``, ``12 km/h``, ``0.5倍``; ``2.5千克`` is 2.5).
* Chinese numerals: ``二十三``, ``一百零五``, ``两千三百``, ``三万五千``, ``三点五``, ``一九八四``, ``负三``,
  percents ``百分之二十`` (``百分之二十五点五``), fractions ``三分之一`` / ``3分之1``, tenths ``七成``.
* Not read: clock times (``10:30``) and ISO dates (``2024-03-05``, ``2024/3/5``); numbers glued to a Latin
  letter on their left (``H2O``, ``MP3``, ``COVID-19``, ``v1.2``) except after a currency code (``USD100``);
  words that start with a numeral but are no number (``一直``, ``十分``, ``一些``, ``统一``, ``万一``...: the novelty
  gate's list ``novelty/data/zh_not_numbers.txt`` plus a few idioms below); runs made only of unit characters
  (``百``, ``千万``) except ``十``; English number words (``three``).

Each ``Num`` keeps the matched text and span, the exact ``value`` and the number as written before its percent
sign or scale (``shown``: ``20`` for ``20%``, ``1.5`` for ``1.5万``) with the unit of its last written digit
(``step``), which is what rounding is judged against. ``soft`` marks numbers that carry no claim: ordinals
(``第3``), list markers at a line start (``1.``, ``(2)``) and small Chinese-numeral counts (一...十, 两: ``两步``,
``三个``); a checker may ignore them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterable

__all__ = ["Num", "extract_numbers", "supported", "as_fraction", "result_values"]


@dataclass(frozen=True)
class Num:
    """One number stated in a text. ``value == shown * scale``; ``step`` is the unit of the last digit written
    (in ``shown`` units), ``None`` for exact forms (``3/4``, ``三分之一``)."""

    text: str
    start: int
    end: int
    value: Fraction
    shown: Fraction
    scale: Fraction = Fraction(1)
    step: Fraction | None = Fraction(1)
    percent: bool = False
    soft: bool = False

    @property
    def value_step(self) -> Fraction | None:
        """The rounding unit of ``value`` (``step * scale``)."""
        return None if self.step is None else self.step * self.scale


# --------------------------------------------------------------------------- character table

# Length-preserving: spans found in the translated text are spans of the original.
_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({ord("％"): ord("%"), ord("．"): ord("."), ord("－"): ord("-"), ord("−"): ord("-"),
                   ord("／"): ord("/"), ord("＋"): ord("+"), ord("："): ord(":"), ord("＄"): ord("$"),
                   ord("﹣"): ord("-"), ord("–"): ord("-")})
_MASK = "\x00"

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10**4, "亿": 10**8}
_ZH_NUM = "零〇一二两三四五六七八九十百千万亿"
_ZH_DIGIT_CHARS = "零〇一二两三四五六七八九"
#: Idioms and words with numerals that are no number, beyond the novelty gate's list.
_EXTRA_NOT_NUMBERS = ("一成不变 三心二意 一五一十 七上八下 乱七八糟 七嘴八舌 十字 百姓 万事 万物 万里 一方面 一部分 "
                      "一一 之一 九九乘法 一心一意 两者 两边 两岸 一把手 千米 千克 千瓦 千卡").split()
_CURRENCY_CODES = ("RMB", "CNY", "USD", "US", "EUR", "HKD", "JPY", "GBP", "NT", "HK", "Rs", "SGD", "AUD", "CAD")

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_ARABIC = re.compile(
    rf"(?P<sign>[-+]?)(?P<body>{_NUMBER})"
    r"(?:/(?P<den>\d+)(?![\d.]|/\d))?"
    r"(?P<exp>[eE][+-]?\d+(?![A-Za-z]))?"
    r"(?:\s*[×xX*]\s*10\s*(?:\^|\*\*)\s*(?P<pow>[+-]?\d+))?"
    r"(?P<suffix>\s*\\?[%‰]|(?:万亿|千亿|百亿|十亿|千万|百万|十万|万|亿)|千(?![米克瓦卡焦伏帕赫])"
    r"|百(?![分])|成(?!不变|为|了|功|绩|本|熟|长|员))?"
)
_DATE_TIME = re.compile(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?")
_ZH_RUN = re.compile(f"负?[{_ZH_NUM}]+(?:点[{_ZH_DIGIT_CHARS}]+)?(?:成(?!不变|为|了|功|绩|本|熟|长|员))?")
_ZH_PART = f"(?:[{_ZH_NUM}]+(?:点[{_ZH_DIGIT_CHARS}]+)?|\\d+(?:\\.\\d+)?)"
_ZH_PERCENT = re.compile(f"(?P<neg>负)?百分之(?P<num>{_ZH_PART})")
_ZH_FRACTION = re.compile(f"(?P<neg>负)?(?P<den>{_ZH_PART})分之(?P<num>{_ZH_PART})")
_LATEX_FRACTION = re.compile(r"(?P<neg>-)?\\[dt]?frac\s*\{\s*(?P<num>\d+(?:\.\d+)?)\s*\}\s*\{\s*(?P<den>\d+(?:\.\d+)?)\s*\}")
_SUFFIX_SCALE = {"%": Fraction(1, 100), "‰": Fraction(1, 1000), "成": Fraction(1, 10), "万": Fraction(10**4),
                 "亿": Fraction(10**8), "千": Fraction(1000), "百": Fraction(100), "十万": Fraction(10**5),
                 "百万": Fraction(10**6), "千万": Fraction(10**7), "十亿": Fraction(10**9),
                 "百亿": Fraction(10**10), "千亿": Fraction(10**11), "万亿": Fraction(10**12)}
_LIST_MARKER = re.compile(r"^[ \t]*[(（]?\d{1,2}(?:\.(?!\d)|[)）、])", re.M)


@lru_cache(maxsize=1)
def _not_number_words() -> re.Pattern[str]:
    """Words that start with (or contain) a numeral but are no number, longest first."""
    words: set[str] = set(_EXTRA_NOT_NUMBERS)
    try:
        from agentsft.novelty.vocab import word_list

        words.update(word_list("zh_not_numbers.txt"))
    except (ImportError, OSError):  # pragma: no cover - the data file ships with the package
        pass
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


# --------------------------------------------------------------------------- Chinese numerals


def zh_integer(run: str) -> int | None:
    """A Chinese integer numeral (``二十三`` 23, ``一百零五`` 105, ``一亿二千万``, ``一九八四`` 1984); None if invalid."""
    if not run:
        return None
    if all(ch in _ZH_DIGITS for ch in run):  # read digit by digit (一九八四, 二〇二四)
        return int("".join(str(_ZH_DIGITS[ch]) for ch in run))
    total, section, digit = 0, 0, None
    for ch in run:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10**4 if (section or digit) else 10**4
            section, digit = 0, None
        elif ch == "亿":
            total = (total + section + (digit or 0)) * 10**8 if (total or section or digit) else 10**8
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _zh_decimal(part: str) -> tuple[Fraction, Fraction] | None:
    """(value, step) of ``三点五`` / ``二十`` / ``12.5`` (Arabic digits allowed)."""
    if part and part[0].isdigit():
        return Fraction(part), _step_of(part)
    whole, _, frac = part.partition("点")
    value = zh_integer(whole)
    if value is None:
        return None
    if not frac:
        return Fraction(value), Fraction(1)
    digits = "".join(str(_ZH_DIGITS[ch]) for ch in frac)
    return Fraction(f"{value}.{digits}"), Fraction(1, 10 ** len(digits))


def _step_of(body: str) -> Fraction:
    """The unit of the last written digit of a plain decimal (``3.50`` -> 1/100)."""
    _, _, frac = body.partition(".")
    return Fraction(1, 10 ** len(frac))


# --------------------------------------------------------------------------- scanning


def _sign_ok(text: str, i: int) -> bool:
    """A ``-``/``+`` at ``i`` is a sign (not a minus between two terms or a hyphen in a word)."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in ")]}._")


def _glued_to_letter(text: str, i: int) -> bool:
    """The number starting at ``i`` follows a Latin letter (H2O, MP3, COVID-19), and no currency code."""
    j = i
    if j > 0 and text[j - 1] == "-":
        j -= 1
    if j == 0 or not (text[j - 1].isascii() and text[j - 1].isalpha()):
        return False
    return not any(text[:j].endswith(code) and (j - len(code) == 0 or not text[j - len(code) - 1].isalpha())
                   for code in _CURRENCY_CODES)


def _arabic(text: str, m: re.Match[str], soft: bool) -> Num | None:
    start = m.start()
    sign = m.group("sign")
    if sign and not _sign_ok(text, start):
        start += 1
        sign = ""
    if _glued_to_letter(text, start) or (start > 0 and text[start - 1] == "^"):
        return None
    body = m.group("body").replace(",", "")
    shown = Fraction(body)
    step: Fraction | None = _step_of(body)
    if m.group("den"):
        den = int(m.group("den"))
        if den == 0 or "." in body:
            return None
        shown, step = shown / den, None
    power = int(m.group("exp")[1:]) if m.group("exp") else 0
    power += int(m.group("pow")) if m.group("pow") else 0
    if power:
        shown *= Fraction(10) ** power
        step = None if step is None else step * Fraction(10) ** power
    if sign == "-":
        shown = -shown
    suffix = (m.group("suffix") or "").strip().lstrip("\\")
    scale = _SUFFIX_SCALE.get(suffix, Fraction(1))
    end = m.end() if suffix else m.end("pow") if m.group("pow") else m.end("exp") if m.group("exp") else \
        m.end("den") if m.group("den") else m.end("body")
    return Num(text=text[start:end], start=start, end=end, value=shown * scale, shown=shown, scale=scale,
               step=step, percent=suffix in ("%", "‰"), soft=soft)


def _zh_run(text: str, m: re.Match[str], soft_ok: bool) -> Num | None:
    run = m.group()
    neg = run.startswith("负")
    core = run[1:] if neg else run
    tenth = core.endswith("成")
    core = core[:-1] if tenth else core
    whole = core.partition("点")[0]
    if not any(ch in _ZH_DIGITS for ch in whole) and not whole.startswith("十"):
        return None  # 百, 千万, 万: a unit word alone is rarely a number
    read = _zh_decimal(core)
    if read is None:
        return None
    shown, step = read
    if neg:
        shown = -shown
    scale = Fraction(1, 10) if tenth else Fraction(1)
    small_count = not tenth and step == 1 and 0 <= shown <= 10
    return Num(text=run, start=m.start(), end=m.end(), value=shown * scale, shown=shown, scale=scale, step=step,
               soft=soft_ok and small_count)


def _zh_special(m: re.Match[str], percent: bool) -> Num | None:
    num = _zh_decimal(m.group("num"))
    if num is None:
        return None
    sign = -1 if m.group("neg") else 1
    if percent:
        shown, step = num
        return Num(text=m.group(), start=m.start(), end=m.end(), value=sign * shown / 100, shown=sign * shown,
                   scale=Fraction(1, 100), step=step, percent=True)
    den = _zh_decimal(m.group("den"))
    if den is None or den[0] == 0:
        return None
    value = sign * num[0] / den[0]
    return Num(text=m.group(), start=m.start(), end=m.end(), value=value, shown=value, step=None)


def _mask(chars: list[str], start: int, end: int) -> None:
    chars[start:end] = _MASK * (end - start)


def _soft_positions(text: str) -> set[int]:
    """Starts of numbers that are ordinals (第3) or list markers (``1.`` at a line start)."""
    soft = {m.start() + len(m.group()) - len(m.group().lstrip(" \t(（")) for m in _LIST_MARKER.finditer(text)}
    soft.update(i + 1 for i, ch in enumerate(text) if ch == "第")
    return soft


def extract_numbers(text: str) -> list[Num]:
    """Every number ``text`` states, in order of appearance (see the module docstring for what is read)."""
    return list(_extract(text)) if text else []


@lru_cache(maxsize=8192)
def _extract(text: str) -> tuple[Num, ...]:
    """``extract_numbers``, cached: a recorded tool result and its fresh re-run are usually the same text."""
    work = text.translate(_FULLWIDTH)
    chars = list(work)
    soft_at = _soft_positions(work)
    found: list[Num] = []
    for m in _DATE_TIME.finditer(work):
        _mask(chars, m.start(), m.end())
    for pattern, percent in ((_ZH_PERCENT, True), (_ZH_FRACTION, False), (_LATEX_FRACTION, False)):
        for m in pattern.finditer("".join(chars)):
            num = _zh_special(m, percent)
            if num is not None:
                found.append(num)
                _mask(chars, m.start(), m.end())
    masked = "".join(chars)
    for m in _ARABIC.finditer(masked):
        num = _arabic(masked, m, soft=m.start() in soft_at or m.start("body") in soft_at)
        if num is not None:
            found.append(num)
        _mask(chars, m.start(), m.end())
    masked = "".join(chars)
    for m in _not_number_words().finditer(masked):
        _mask(chars, m.start(), m.end())
    masked = "".join(chars)
    for m in _ZH_RUN.finditer(masked):
        num = _zh_run(masked, m, soft_ok=True)
        if num is not None:
            found.append(num if m.start() not in soft_at else _soften(num))
    found.sort(key=lambda n: n.start)
    return tuple(_with_text(n, text) for n in found)


def _soften(num: Num) -> Num:
    return Num(num.text, num.start, num.end, num.value, num.shown, num.scale, num.step, num.percent, True)


def _with_text(num: Num, text: str) -> Num:
    """The same number with its text taken from the original (untranslated) string."""
    return Num(text[num.start:num.end], num.start, num.end, num.value, num.shown, num.scale, num.step,
               num.percent, num.soft)


# --------------------------------------------------------------------------- support


def as_fraction(value: Any) -> Fraction | None:
    """A result value as an exact Fraction (Fraction, int, float, Decimal, str, a ``Num``, or a sympy number);
    None when it is not a finite real number."""
    if isinstance(value, Num):
        return value.value
    if isinstance(value, bool):
        return None
    if isinstance(value, (Fraction, int)):
        return Fraction(value)
    try:
        if isinstance(value, float):
            return Fraction(value) if value == value and value not in (float("inf"), float("-inf")) else None
        if hasattr(value, "p") and hasattr(value, "q"):  # sympy Rational / Integer
            return Fraction(int(value.p), int(value.q))
        if hasattr(value, "is_real") and value.is_real:  # other sympy numbers (Float, sqrt(2)...)
            return Fraction(str(value.evalf(30)))
        return Fraction(str(value))
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None


def _close(a: Fraction, b: Fraction, rel_tol: float) -> bool:
    if a == b:
        return True
    return abs(a - b) <= Fraction(rel_tol) * max(abs(a), abs(b))


def _matches(claimed: Fraction, step: Fraction | None, result: Fraction, rel_tol: float,
             rounding_rel: float | None = None) -> bool:
    if _close(claimed, result, rel_tol):
        return True
    if step is None or abs(result - claimed) > step / 2:
        return False
    return rounding_rel is None or abs(result - claimed) <= Fraction(rounding_rel) * abs(result)


def supported(claim: Num, results: Iterable[Any], rel_tol: float = 1e-6, rounding_rel: float | None = None) -> bool:
    """True when some result supports the stated number ``claim``.

    The rule, for each result ``r`` (compared by magnitude: "a loss of 200" states -200 as 200):

    1. exact: ``claim.value == r`` (``3/4`` and ``0.75`` are the same number);
    2. relative tolerance: ``|claim.value - r| <= rel_tol * max(|claim.value|, |r|)``, for results that are
       themselves rounded decimals (``1/3`` against ``0.333333333333333``);
    3. rounding to what the claim shows: ``|r - claim.value| <= step/2`` where ``step`` is the unit of the claim's
       last written digit (``0.33`` has step 0.01, so ``r = 1/3`` supports it; ``1.5万`` has step 1000, so 15321
       supports it; ``12`` has step 1, so 12.4 supports it but 13 does not). Exact forms (``3/4``, ``三分之一``)
       have no step: only 1. and 2. apply;
    4. as written: for a percent or a scaled number the number before its sign or scale is tried the same way
       (result 20 supports ``20%`` like result 0.2 does; result 1.5 supports ``1.5万``).

    ``rounding_rel`` bounds rule 3 when the question did not ask for a precision: the rounded claim must also
    be within that relative distance of the result (with 0.01, 33.3% and 0.33 stand for 1/3 and 53608 for
    53608.486, but 14 does not stand for 13.5 nor 12 for 12.4).
    """
    readings = [(abs(claim.value), claim.value_step)]
    if claim.scale != 1:
        readings.append((abs(claim.shown), claim.step))
    for raw in results:
        r = as_fraction(raw)
        if r is None:
            continue
        r = abs(r)
        if any(_matches(value, step, r, rel_tol, rounding_rel) for value, step in readings):
            return True
    return False


def result_values(text: str) -> list[Fraction]:
    """The values a tool result text states, for ``supported``: each number's value, and also the number as
    written when it carries a percent sign or a scale."""
    out: list[Fraction] = []
    for num in extract_numbers(text):
        out.append(num.value)
        if num.scale != 1:
            out.append(num.shown)
    return out
