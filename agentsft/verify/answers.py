"""The final answer of a reasoning chain, normalised for comparison and voting.

``final_answer(text)`` reads, in this order, from the part of ``text`` after the last ``</think>`` (a text with
an unclosed ``<think>`` has no answer; a text without think tags is read whole):

1. the last final-answer marker: ``\\boxed{…}``, a ``#### …`` line (GSM8K), ``最终答案`` / ``答案`` (``是``/``为``,
   ``:``/``：``), ``答：`` at a line start, ``Final answer: …``, ``The answer is …``, ``Answer: …``, a choice
   ``选B`` / ``选项 (C)`` / ``故选D``. The answer is the rest of that line up to the first sentence end
   (``。；！？``, ``. `` before a space, ``，`` / ``, ``); a ``#### …`` line counts only when it starts with a number, a
   sign, a currency sign or a choice letter (``#### Step 1`` is a Markdown heading, no answer);
2. with no marker, the whole text after ``</think>`` when it is short (one line, at most 200 characters);
3. with neither, the last line that states a conclusion (``so``, ``therefore``, ``thus``, ``hence``, ``in total``,
   ``所以``, ``因此``, ``综上``, ``故``, ``总共``, ``一共``): its last number.

An answer segment is read as a choice letter (``B``, ``(C)``, ``C.`` — a capital A-H standing alone), else as its
first number (after the last ``=`` / ``≈`` / ``等于`` when the segment is an equation: ``x = 5``, ``3+4=7``), read by
``numbers.extract_numbers`` (integers, decimals, fractions ``3/4`` ``\\frac{3}{4}`` ``三分之一``, percents ``20%``
``百分之二十``, thousands separators, Chinese numerals ``二十三``, scales ``1.5万``, currency and units), else as
text.

``Answer.key`` — what voting and comparison use:

* a number: its exact value as a fraction string, ``str(Fraction)``: ``"15000"`` for ``1.5万元``, ``"3/4"`` for
  ``0.75`` / ``3/4`` / ``四分之三``, ``"-2"``. A percent is its value: ``20%`` and ``百分之二十`` are ``"1/5"``;
* a choice: the capital letter (``"B"``);
* text: NFKC, lower case, punctuation and spaces removed.

``same_answer(a, b)``: two numbers are the same when equal, or when one is the other rounded at its own shown
precision and within 1 % of it (``53608.49`` and 53608.486; ``0.33`` and ``1/3``; ``1.5万`` and 15321; but not
``12`` and 12.4), or when a percent's written number equals the other (``75%`` and ``75``); signs must agree.
Anything else compares keys.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction

from .numbers import Num, extract_numbers, supported

__all__ = ["Answer", "final_answer", "parse_answer", "same_answer", "same_number", "answer_region", "marked_segment",
           "ROUNDING_REL"]

ROUNDING_REL = 0.01  # a rounded answer must stay within 1 % of the value it stands for
SHORT_ANSWER_CHARS = 200


@dataclass(frozen=True)
class Answer:
    """A final answer: ``text`` as written, ``key`` normalised (see the module docstring), ``value`` when numeric.
    ``num`` keeps the number as read (its shown precision), for rounding-aware comparison."""

    text: str
    key: str
    value: Fraction | None
    num: Num | None = field(default=None, compare=False, repr=False)

    @property
    def is_choice(self) -> bool:
        return self.value is None and len(self.key) == 1 and self.key in "ABCDEFGH"


# --------------------------------------------------------------------------- markers

_THINK_OPEN = re.compile(r"<think>", re.I)
_THINK_CLOSE = re.compile(r"</think>", re.I)
_BOXED = re.compile(r"\\boxed\s*\{")
_MARKERS = [
    re.compile(r"^[ \t]*####[ \t]*(?P<a>[^\n]*)", re.M),
    re.compile(r"(?:最终答案|正确答案|答案)[ \t]*(?:应该是|应为|是|为)?[ \t]*[:：]?[ \t]*(?P<a>[^\n]*)"),
    re.compile(r"(?:^|(?<=[\n。！？!?]))[ \t*]*答[ \t]*[:：][ \t]*(?P<a>[^\n]*)", re.M),
    re.compile(r"\b(?:final answer|the answer|answer)\b[ \t*]*(?:is|:|=|：)[ \t*]*(?P<a>[^\n]*)", re.I),
    re.compile(r"(?:故|应|所以|因此)?选(?:项|择)?[ \t]*(?:是|为)?[ \t]*(?P<a>[(（]?[A-H](?![A-Za-z])[)）]?)"),
]
_GSM8K_START = re.compile(r"[-+$¥￥€£.\d\\(（]|[A-H](?![A-Za-z])")
_SEGMENT_END = re.compile(r"[。；;！？!?，]|\.(?=\s|$)|,\s")
_CHOICE = re.compile(r"^[(（\[]?(?P<c>[A-H])(?:[)）\]]|[.．、:：]|\s*$)")
_CONCLUSION = re.compile(r"\b(?:so|therefore|thus|hence|in total|altogether)\b|所以|因此|综上|故|总共|一共|共计",
                         re.I)
_MARKUP = re.compile(r"\*\*|__|\\\(|\\\)|\\\[|\\\]|\\text\s*\{([^{}]*)\}|\$(?=\s*[-\d.\\])")
_PUNCT = set(string.punctuation) | set("，。、；：？！“”‘’（）《》【】…—·「」『』")


def answer_region(text: str) -> str:
    """The part of ``text`` a final answer is read from: after the last ``</think>``; "" after an unclosed
    ``<think>``; the whole text when there are no think tags."""
    text = text or ""
    closes = list(_THINK_CLOSE.finditer(text))
    if closes:
        return text[closes[-1].end():]
    return "" if _THINK_OPEN.search(text) else text


def _boxed(text: str) -> list[tuple[int, str]]:
    """(position, content) of every ``\\boxed{…}`` (balanced braces)."""
    out = []
    for m in _BOXED.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            out.append((m.start(), text[m.end():i - 1]))
    return out


def _cut(segment: str) -> str:
    """An answer segment up to its first sentence end."""
    m = _SEGMENT_END.search(segment)
    return (segment[:m.start()] if m else segment).strip()


def marked_segment(region: str) -> str | None:
    """The segment after the last final-answer marker of ``region``, or None."""
    found: list[tuple[int, str]] = [(pos, content) for pos, content in _boxed(region)]
    for i, pattern in enumerate(_MARKERS):
        for m in pattern.finditer(region):
            seg = _cut(m.group("a"))
            if i == 0 and not _GSM8K_START.match(seg):
                continue  # "#### Step 1": a Markdown heading, not an answer
            if seg:
                found.append((m.start(), seg))
    if not found:
        return None
    return max(found, key=lambda x: x[0])[1]


def _conclusion(region: str) -> str | None:
    """The last number of the last line that states a conclusion."""
    for line in reversed([ln for ln in region.splitlines() if ln.strip()]):
        if _CONCLUSION.search(line):
            nums = [n for n in extract_numbers(line) if not n.soft]
            return nums[-1].text if nums else None
    return None


def final_answer(text: str) -> Answer | None:
    """The chain's final answer (see the module docstring), or None when none can be read."""
    region = answer_region(text)
    if not region.strip():
        return None
    segment = marked_segment(region)
    if segment is None and _THINK_CLOSE.search(text or "") and "\n" not in region.strip() \
            and len(region.strip()) <= SHORT_ANSWER_CHARS:
        segment = region.strip()
    if segment is None:
        segment = _conclusion(region)
    return parse_answer(segment) if segment else None


# --------------------------------------------------------------------------- reading one segment


def _clean(segment: str) -> str:
    text = _MARKUP.sub(lambda m: m.group(1) or "", segment)
    return text.strip().strip("*").strip()


def _text_key(text: str) -> str:
    norm = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in norm if ch not in _PUNCT and not ch.isspace())


def parse_answer(segment: str) -> Answer | None:
    """One answer as written (``"1.5万元"``, ``"(B)"``, ``"3/4"``, ``"yes"``), or None when empty."""
    if segment is None:
        return None
    text = _clean(segment)
    if not text:
        return None
    choice = _CHOICE.match(text)
    if choice and not extract_numbers(text[:choice.end()]):
        return Answer(text=segment.strip(), key=choice.group("c"), value=None)
    tail = re.split(r"约等于|等于|[=＝≈]", text)[-1] or text
    nums = [n for n in extract_numbers(tail) if not n.soft] or extract_numbers(tail)
    if nums:
        num = nums[0]
        return Answer(text=segment.strip(), key=str(num.value), value=num.value, num=num)
    key = _text_key(text)
    return Answer(text=segment.strip(), key=key, value=None) if key else None


# --------------------------------------------------------------------------- comparison


def _num_of(answer: Answer) -> Num | None:
    if answer.num is not None:
        return answer.num
    if answer.value is None:
        return None
    return Num(text=answer.key, start=0, end=0, value=answer.value, shown=answer.value, step=None)


def same_number(a: Num, b: Num) -> bool:
    """Equal, or one the other rounded at its own shown precision (within 1 %), or a percent's written number;
    signs must agree."""
    if a.value == b.value:
        return True
    if (a.value > 0) != (b.value > 0) or (a.value < 0) != (b.value < 0):
        return False
    return supported(a, [b.value], rounding_rel=ROUNDING_REL) or supported(b, [a.value], rounding_rel=ROUNDING_REL)


def same_answer(a: Answer, b: Answer | str) -> bool:
    """True when ``a`` and ``b`` state the same answer (numbers by value, with rounding; else keys)."""
    if isinstance(b, str):
        other = final_answer(b) if (marked_segment(b) is not None or _THINK_CLOSE.search(b)) else parse_answer(b)
        if other is None:
            return False
        b = other
    na, nb = _num_of(a), _num_of(b)
    if na is not None and nb is not None:
        return same_number(na, nb)
    return a.key == b.key
