"""Lexical signals that work on Chinese and English alike.

Two things live here:

* ``shingles`` / ``jaccard``: character n-grams for CJK text (no word segmentation needed) and word
  n-grams for space-separated text. A high Jaccard means a copy with small edits.
* ``content_units`` / ``content_diff``: the *content* a task asks about, with the instruction's framing
  removed (politeness, task verbs such as 写/创作/explain/describe, measure words, question words), synonyms
  of task nouns folded together, numerals normalised. Two texts whose content differs on *both* sides
  ("春天" against "秋天", "French" against "German", "3" against "5") ask for different things even when
  every other character is the same, which is exactly the template clone that embedders score as a
  paraphrase. Texts whose content is equal, or where one side only adds a word or two ("短", "brief"),
  are rewordings.

Everything is rule based and deterministic; the word lists live in ``agentsft/novelty/data`` (short, generic
instruction vocabulary, not topic vocabulary) and never erase a content character or a single-letter name:
中国/美国, 地球/月球, Vitamin A/C and World War I/II keep the character or letter that tells them apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from agentsft.novelty import vocab
from agentsft.text import guess_lang

_CJK_CHAR = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK_CHAR}]+")
_TOKEN = re.compile(f"[{_CJK_CHAR}]+|[a-z]+(?:[+#]+|'[a-z]+)?|\\d+(?:\\.\\d+)?")
_WORD = re.compile(r"[a-z]+(?:[+#]+|'[a-z]+)?|\d+(?:\.\d+)?")

# --- vocabularies: agentsft/novelty/data/*.txt|json (see vocab.py; each file states its provenance) -------
_ZH = vocab.zh()
_EN = vocab.en()
_ZH_FUNCTION = _ZH["function"]
_ZH_SYNONYMS: dict[str, str] = _ZH["synonyms"]
_ZH_NOT_NUMBERS: set[str] = _ZH["not_numbers"]
_ZH_KEEP: set[str] = _ZH["keep"]
_EN_FUNCTION: set[str] = _EN["function"]
_EN_SYNONYMS: dict[str, str] = _EN["synonyms"]
_EN_NUMBERS: dict[str, str] = _EN["numbers"]
_LANG = vocab.languages()
_ZH_NUMERALS = {"零": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6",
                "七": "7", "八": "8", "九": "9", "十": "10", "百": "100", "千": "1000", "万": "10000"}
_ZH_NUM_RUN = re.compile("[零一二两三四五六七八九十百千万]+")
_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")


def prepare(text: str) -> str:
    """NFKC, lower case, collapsed white space (the same spirit as ``schema.normalise``)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "").lower()).strip()


def _stem(word: str) -> str:
    """A deliberately crude English stemmer: enough to fold plurals and -ing/-ed forms together."""
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ied", "y"), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if len(word) > len(suffix) + (3 if suffix == "ing" else 2) and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def shingles(text: str, lang: str | None = None, n_zh: int = 2, n_en: int = 2) -> set[str]:
    """Character n-grams of CJK runs plus word n-grams (and words) of the rest of ``text``."""
    t = prepare(text)
    out: set[str] = set()
    for run in _CJK_RUN.findall(t):
        if len(run) < n_zh:
            out.add(run)
        out.update(run[i: i + n_zh] for i in range(len(run) - n_zh + 1))
    words = [_stem(w) for w in _WORD.findall(_CJK_RUN.sub(" ", t))]
    out.update(words)
    out.update(" ".join(words[i: i + n_en]) for i in range(len(words) - n_en + 1))
    return out


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _zh_number(run: str) -> str:
    """A Chinese numeral run as digits when it is simple (三 → 3, 十二 → 12), else its characters."""
    if all(ch in "一二两三四五六七八九零" for ch in run) and len(run) == 1:
        return _ZH_NUMERALS[run]
    total, cur = 0, 0
    try:
        for ch in run:
            v = int(_ZH_NUMERALS[ch])
            if v >= 10:
                total += max(cur, 1) * v
                cur = 0
            else:
                cur = cur * 10 + v
        return str(total + cur)
    except KeyError:  # pragma: no cover - the regex only lets numerals through
        return run


def _by_first_char(words) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for w in sorted(words, key=len, reverse=True):
        table.setdefault(w[0], []).append(w)
    return table


_ZH_SYN_TABLE = _by_first_char(_ZH_SYNONYMS)
_ZH_FUNC_TABLE = _by_first_char(_ZH_FUNCTION)
_ZH_NOT_NUM_TABLE = _by_first_char(_ZH_NOT_NUMBERS)
_ZH_KEEP_TABLE = _by_first_char(_ZH_KEEP)


def _match(table: dict[str, list[str]], run: str, i: int) -> str | None:
    return next((w for w in table.get(run[i], ()) if run.startswith(w, i)), None)


def _zh_content(run: str) -> list[str]:
    """Content units of one CJK run: synonyms folded, numbers as digit strings, framing words removed.

    Greedy longest match at each position: a task-noun synonym, else a protected content word (了解, 目的:
    kept as its characters), else a framing word (dropped), else a word that starts with a numeral but is no
    number (一直, 十分: kept as a word), else a numeral run, else the character itself.
    """
    units: list[str] = []
    i, n = 0, len(run)
    while i < n:
        keep = _match(_ZH_KEEP_TABLE, run, i)
        if keep and not _match(_ZH_SYN_TABLE, run, i):
            units.extend(keep)
            i += len(keep)
            continue
        hit = _match(_ZH_SYN_TABLE, run, i)
        if hit:
            units.append(_ZH_SYNONYMS[hit])
            i += len(hit)
            continue
        func = _match(_ZH_FUNC_TABLE, run, i)
        if func:
            i += len(func)
            continue
        word = _match(_ZH_NOT_NUM_TABLE, run, i)
        if word:
            units.append(word)
            i += len(word)
            continue
        m = _ZH_NUM_RUN.match(run, i)
        if m:
            units.append("#" + _zh_number(m.group()))
            i = m.end()
            continue
        units.append(run[i])
        i += 1
    return units


@dataclass
class Content:
    """What a text asks about: content units, the numbers and the named languages among them."""

    units: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    runs: list[list[str]] = field(default_factory=list)  # the content units of each CJK run, in order
    langs: set[str] = field(default_factory=set)


# The same quantity written two ways: a week is seven days (一周 / 七天, one-week / 7-day).
_SAME_QUANTITY = [
    (re.compile(r"(?:为期)?一(?:个)?(?:周|星期|礼拜)"), "七天"),
    (re.compile(r"\b(?:one|a|1)[ -]week\b"), "7 day"),
    (re.compile(r"\bweek\b"), "7 day"),
]
_CASED_WORD = re.compile(r"[A-Za-z]+|[.!?;:]")


def _en_names(text: str) -> set[str]:
    """Single upper-case letters and Roman numerals used as names (Vitamin A, World War II, Plan B).

    Sentence-initial "A" and the pronoun "I" are not names; "I" is a name after a capitalised word
    (World War I, Part I) or at the end of a sentence.
    """
    toks = _CASED_WORD.findall(unicodedata.normalize("NFKC", text or ""))
    names: set[str] = set()
    for k, tok in enumerate(toks):
        if not tok.isalpha() or not tok.isupper() or len(tok) > 4:
            continue
        prev = toks[k - 1] if k else "."
        nxt = toks[k + 1] if k + 1 < len(toks) else "."
        start = not prev.isalpha()
        if tok == "A" and start:
            continue
        if tok == "I" and not (prev[:1].isupper() and not start) and nxt.isalpha():
            continue
        if len(tok) == 1 or _ROMAN.match(tok):
            names.add("~" + tok.lower())
    return names


def _languages(text: str, t: str, words: list[str], units: set[str]) -> set[str]:
    """Target and programming languages named in ``text`` (``t``: prepared, ``words``: its words, ``units``: its
    content units, where 英文 is already folded to 英语)."""
    found = {w for w in words if w in _LANG["natural"] or w in _LANG["programming"]}
    found |= {w for w in _LANG["natural"] if not w.isascii() and (w in t or w in units)}
    if any(w in t if not w.isascii() else w in words for w in _LANG["code_words"]):
        cased = set(re.findall(r"[A-Z][a-z]*", text or ""))
        found |= {w for w in _LANG["programming_in_code_context"] if w.capitalize() in cased}
    return found


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def content_units(text: str, lang: str | None = None) -> Content:
    t = _THOUSANDS.sub("", prepare(text))  # 8,400 and 8400 are one number
    for pattern, repl in _SAME_QUANTITY:
        t = pattern.sub(repl, t)
    units: set[str] = set()
    runs: list[list[str]] = []
    words: list[str] = []
    for tok in _TOKEN.findall(t):
        if _CJK_RUN.fullmatch(tok):
            runs.append(_zh_content(tok))
            units.update(runs[-1])
            continue
        words.append(tok)
        if tok[0].isdigit():
            units.add("#" + tok)
        elif tok in _EN_NUMBERS:
            units.add("#" + _EN_NUMBERS[tok])
        elif tok in _EN_SYNONYMS:
            units.add(_EN_SYNONYMS[tok])
        elif tok not in _EN_FUNCTION:
            stem = _stem(tok)
            if stem in _EN_SYNONYMS:
                units.add(_EN_SYNONYMS[stem])
            elif stem not in _EN_FUNCTION:
                units.add(stem)
    units |= _en_names(text)
    langs = _languages(text, t, words, units)
    units |= langs
    numbers = {u for u in units if u.startswith("#")}
    return Content(units=units, numbers=numbers, runs=runs, langs=langs)


@dataclass
class Diff:
    """How the content of two texts differs. ``differs`` is the veto: they ask for different things."""

    differs: bool
    only_a: set[str]
    only_b: set[str]
    why: str = ""


def content_diff(a: Content, b: Content, lang: str, max_slot: int | None = None) -> Diff:
    """Compare two texts' content; ``differs`` is the veto (they ask for different things).

    * different numbers → different task (列出三种 / 列出五种): each side has a number the other lacks (a side
      that only *adds* a number, "a mother of two" / "a 32-year-old mother of two", is left to the judge);
    * different named languages (target language of a translation, programming language) → different task;
    * different single-letter / Roman-numeral names (Vitamin A / C, World War I / II) → different subject;
    * a *slot substitution*: each side has a little content the other lacks (at most ``max_slot`` units,
      default 2) while the content they share is larger: a template clone whose topic changed (春天 → 秋天,
      French → German, 中国 → 美国, Vitamin A → Vitamin C).

    Broader differences (a reworded frame) are not vetoed: the similarity scores decide those.
    """
    only_a, only_b = a.units - b.units, b.units - a.units
    if a.numbers - b.numbers and b.numbers - a.numbers:
        return Diff(True, only_a, only_b, "numbers differ")
    if a.langs and b.langs and a.langs != b.langs:
        return Diff(True, only_a, only_b, "languages differ")
    names_a, names_b = {u for u in a.units if u[0] == "~"}, {u for u in b.units if u[0] == "~"}
    if names_a and names_b and names_a != names_b:
        return Diff(True, only_a, only_b, "names differ")
    limit = max_slot if max_slot is not None else 2
    shared = len(a.units & b.units)
    if only_a and only_b and max(len(only_a), len(only_b)) <= limit and shared >= max(len(only_a), len(only_b)):
        return Diff(True, only_a, only_b, "slot differs")
    return Diff(False, only_a, only_b, "")


def pair_lang(a: str, b: str) -> str:
    return "zh" if guess_lang(a) == "zh" or guess_lang(b) == "zh" else "en"
