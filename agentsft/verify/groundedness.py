"""Is an answer grounded in its source chunk? Numbers, dates, names and quoted phrases it states must appear there.

Checked in this order, the first failure is the verdict (a ``Reason``):

* dates (``ungrounded_date``): ``2024-03-05``, ``2024/3/5``, ``2024年3月5日``, ``二〇二四年三月``, ``3月5日``,
  ``2024年``, ``March 5, 2024``, ``5 March 2024``, ``March 2024``, ``March 5``. A date is grounded when some date of
  the chunk gives the same value for every field the answer gives (``March 2024`` is grounded by ``5 March
  2024``; ``5 March 2024`` is not grounded by ``March 2024``); a bare year also by the same number in the chunk.
* numbers (``ungrounded_number``): every number ``verify.numbers.extract_numbers`` reads in the answer (dates
  masked first), soft ones (list markers, ordinals, small Chinese counts) left out, must be supported by a
  number of the chunk (``verify.numbers.supported``: same value after full/half width, Chinese numerals, units,
  thousands separators, percents and 万/亿 scales; rounding to what the answer shows within 5%).
* names (``ungrounded_name``): en — runs of two or more capitalised words (``Rhine Bridge``, ``Anna Berg``; a
  leading function word such as ``The`` is dropped, data file ``data/ground_not_names_en.txt``); zh — ``《…》``
  titles and jieba's proper nouns (``nr`` person, ``ns`` place, ``nt`` organisation, two characters or more).
  Each must occur in the chunk (NFKC, case and white space ignored).
* quotes (``ungrounded_quote``): phrases in “…”, "…", 「…」, 『…』, ‘…’ must occur in the chunk (same
  normalisation, edge punctuation ignored).

An answer that only says the text does not say (``not_stated``, phrases in ``data/ground_not_stated.txt``)
asserts nothing and is not checked here; the stage decides what to do with it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from agentsft.schema import Reason
from agentsft.verify.numbers import Num, extract_numbers, supported, zh_integer

CHECKS = ("dates", "numbers", "names", "quotes")
ROUNDING = 0.05  # an answer's rounded number may differ from the chunk's by this share at most
_DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Finding:
    reason: Reason
    detail: str


@dataclass(frozen=True)
class DateRef:
    text: str
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None

    def fields(self) -> dict[str, int]:
        return {k: v for k, v in (("year", self.year), ("month", self.month), ("day", self.day)) if v is not None}


# --------------------------------------------------------------------------- data files


def _lines(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    return frozenset(w for line in _lines("ground_not_names_en.txt") for w in line.split())


@lru_cache(maxsize=1)
def _not_stated_phrases() -> tuple[str, ...]:
    return tuple(squash(p) for p in _lines("ground_not_stated.txt"))


# --------------------------------------------------------------------------- normalising


def squash(text: str) -> str:
    """NFKC (full width to half width), lower case, no white space: what containment is judged on."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "").lower().replace("’", "'"))


def _contains(chunk: str, phrase: str) -> bool:
    needle = squash(phrase).strip(".,;:!?。，；：！？、")
    return bool(needle) and needle in squash(chunk)


def not_stated(answer: str) -> bool:
    """The answer is a short statement that the text does not say (one or two sentences, a known phrase)."""
    text = squash(answer)
    if not text or len(re.findall(r"[。！？!?]|\.(?:\s|$)", answer.strip())) > 2:
        return False
    return any(p in text for p in _not_stated_phrases())


# --------------------------------------------------------------------------- dates

_ZD = "〇零一二三四五六七八九十"
_MONTHS = {m: i + 1 for i, m in enumerate(("january february march april may june july august september "
                                            "october november december").split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = r"(?P<mon>(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PATTERNS = [
    re.compile(rf"(?<!\d){_YEAR}[-/.](?P<month>\d{{1,2}})[-/.](?P<day>\d{{1,2}})(?!\d)"),
    re.compile(rf"(?P<year>\d{{4}}|[{_ZD}]{{4}})\s*年\s*(?P<month>\d{{1,2}}|[{_ZD}]{{1,3}})\s*月"
               rf"(?:\s*(?P<day>\d{{1,2}}|[{_ZD}]{{1,3}})\s*[日号])?"),
    re.compile(rf"(?<![\d{_ZD}])(?P<month>\d{{1,2}}|[{_ZD}]{{1,3}})\s*月\s*(?P<day>\d{{1,2}}|[{_ZD}]{{1,3}})\s*[日号]"),
    re.compile(rf"(?<!\d)(?P<year>\d{{4}}|[〇零一二三四五六七八九]{{4}})\s*年(?!代|级|纪)"),
    re.compile(rf"\b{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.I),
    re.compile(rf"\b{_DAY}\s+{_MON}(?:,?\s+{_YEAR})?\b", re.I),
    re.compile(rf"\b{_MON},?\s+{_YEAR}\b", re.I),
]


def _int(part: str | None) -> int | None:
    if not part:
        return None
    part = unicodedata.normalize("NFKC", part)
    return int(part) if part.isdigit() else zh_integer(part.replace("零", "〇") if len(part) == 4 else part)


def _date_of(m: re.Match[str]) -> DateRef | None:
    groups = m.groupdict()
    month = _int(groups.get("month")) if groups.get("month") else None
    if groups.get("mon"):
        month = _MONTHS.get(groups["mon"].lower().rstrip("."))
    ref = DateRef(m.group(), m.start(), m.end(), _int(groups.get("year")), month, _int(groups.get("day")))
    if (ref.month is not None and not 1 <= ref.month <= 12) or (ref.day is not None and not 1 <= ref.day <= 31):
        return None
    return ref


def extract_dates(text: str) -> list[DateRef]:
    """The dates a text states (most specific pattern first, no overlaps), in order of appearance."""
    work = unicodedata.normalize("NFKC", text or "")
    if len(work) != len(text or ""):  # NFKC changed lengths (rare ligatures): spans of the raw text
        work = text or ""
    taken: list[tuple[int, int]] = []
    found: list[DateRef] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(work):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            ref = _date_of(m)
            if ref is not None:
                found.append(ref)
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def _date_grounded(date: DateRef, chunk_dates: list[DateRef], chunk_values: list[Fraction]) -> bool:
    want = date.fields()
    for other in chunk_dates:
        have = other.fields()
        if all(have.get(k) == v for k, v in want.items()):
            return True
    return set(want) == {"year"} and Fraction(date.year) in chunk_values


# --------------------------------------------------------------------------- names and quotes

_CAP_WORD = r"[A-Z][\w'’&-]*(?:\.[\w'’&-]+)*"  # dots only inside (U.S), so a run never crosses a sentence end
_CAP_RUN = re.compile(rf"\b{_CAP_WORD}(?:[ \t]+(?:(?:of|the|de|la|du|van|von|da|di|del|der|le)[ \t]+)*"
                      rf"{_CAP_WORD})+(?![\w'’]*[ \t]*:)")
_PARTICLES = {"of", "the", "de", "la", "du", "van", "von", "da", "di", "del", "der", "le"}
_TITLE = re.compile(r"《([^》\n]{1,60})》")
_QUOTES = [re.compile(p) for p in (r"“([^”\n]{2,200})”", r"\"([^\"\n]{2,200})\"", r"「([^」\n]{2,200})」",
                                   r"『([^』\n]{2,200})』", r"‘([^’\n]{2,200})’")]


def en_names(text: str) -> list[str]:
    """Runs of two or more capitalised words, leading function words dropped, possessives cut."""
    out = []
    for m in _CAP_RUN.finditer(text):
        words = m.group().split()
        while words and (words[0] in _not_names() or words[0].lower() in _PARTICLES):
            words.pop(0)
        words = [w.rstrip(".,;") for w in words]
        if words:
            words[-1] = re.sub(r"['’]s$", "", words[-1])
        if sum(1 for w in words if w[:1].isupper()) >= 2:
            out.append(" ".join(words))
    return out


@lru_cache(maxsize=1)
def _posseg():
    """jieba's POS tagger, its dictionary loaded from the package (no network), its log quiet."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.initialize()
    return jieba.posseg


def zh_names(text: str) -> list[str]:
    """《》 titles, and jieba proper nouns (nr, ns, nt) of two characters or more."""
    names = [m.group(1) for m in _TITLE.finditer(text)]
    rest = _TITLE.sub(" ", text)
    for pair in _posseg().cut(rest):
        if pair.flag in ("nr", "ns", "nt") and len(pair.word) >= 2:
            names.append(pair.word)
    return names


def quotes(text: str) -> list[str]:
    out = []
    for pattern in _QUOTES:
        out += [m.group(1) for m in pattern.finditer(text) if m.group(1).strip()]
    return out


# --------------------------------------------------------------------------- the check


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


_EN_SCALE = re.compile(r"[ \t]*(thousand|million|billion|trillion)\b", re.I)
_EN_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


def _en_scaled(text: str, num: Num) -> Num:
    """``12.5 million`` read as 12500000 (the number reader knows 万 and 亿, not English scale words)."""
    m = _EN_SCALE.match(text, num.end)
    if not m or num.scale != 1:
        return num
    scale = Fraction(_EN_SCALES[m.group(1).lower()])
    return replace(num, end=m.end(), value=num.value * scale, scale=scale)


def _values(chunk: str) -> list[Fraction]:
    """What the chunk's numbers may stand for: each value, and the number as written before a scale or %."""
    out: list[Fraction] = []
    for num in extract_numbers(chunk):
        num = _en_scaled(chunk, num)
        out += [num.value] if num.scale == 1 else [num.value, num.shown]
    return out


def _dates_numbers(answer: str, chunk: str, checks, where: str) -> Finding | None:
    answer_dates, chunk_dates, values = extract_dates(answer), extract_dates(chunk), _values(chunk)
    grounded = [d for d in answer_dates if _date_grounded(d, chunk_dates, values)]
    if "dates" in checks and len(grounded) < len(answer_dates):
        bad = next(d for d in answer_dates if d not in grounded)
        return Finding(Reason.UNGROUNDED_DATE, f"date {bad.text!r} is not in {where}")
    if "numbers" not in checks:
        return None
    allowed = values + [Fraction(v) for d in chunk_dates for v in d.fields().values()]
    masked = _mask(answer, [(d.start, d.end) for d in grounded])
    for num in extract_numbers(masked):
        num = _en_scaled(masked, num)
        if not num.soft and not supported(num, allowed, rounding_rel=ROUNDING):
            return Finding(Reason.UNGROUNDED_NUMBER, f"number {answer[num.start:num.end]!r} is not in {where}")
    return None


def check_grounded(answer: str, chunk: str, lang: str, checks=CHECKS, where: str = "the chunk") -> Finding | None:
    """``None`` when every date, number, name and quote of ``answer`` (those ``checks`` name) is in ``chunk``;
    else the first failure. ``where`` is how the messages name ``chunk``."""
    if "dates" in checks or "numbers" in checks:
        found = _dates_numbers(answer, chunk, checks, where)
        if found:
            return found
    if "names" in checks:
        names = en_names(answer) + (zh_names(answer) if lang == "zh" or re.search(r"[\u4e00-\u9fff]", answer)
                                    else [])
        for name in names:
            if not _contains(chunk, name):
                return Finding(Reason.UNGROUNDED_NAME, f"name {name!r} is not in {where}")
    if "quotes" in checks:
        for quote in quotes(answer):
            if not _contains(chunk, quote):
                return Finding(Reason.UNGROUNDED_QUOTE, f"quote {quote[:80]!r} is not in {where}")
    return None


def check_sample_record(rec: dict) -> Finding | None:
    """The rules on a stored agentsft sample made from a document (``provenance.source`` set): its answer against
    its chunk (the ``input``, or the end of its system turn). Other records: ``None``, nothing to check."""
    prov = rec.get("provenance") if isinstance(rec, dict) else None
    src = prov.get("source") if isinstance(prov, dict) else None
    if not isinstance(src, dict):
        return None
    messages = [m for m in rec.get("messages") or [] if isinstance(m, dict)]
    chunk = rec.get("input") or ""
    if not chunk and messages and messages[0].get("role") == "system":
        size = int(src.get("end", 0)) - int(src.get("start", 0))
        chunk = (messages[0].get("content") or "")[-size:] if size > 0 else ""
    answers = [m.get("content") or "" for m in messages if m.get("role") == "assistant"]
    answer = rec.get("output") or (answers[-1] if answers else "")
    if not chunk or not answer or not_stated(answer):
        return None
    return check_grounded(answer, chunk, rec.get("lang") or "zh")
