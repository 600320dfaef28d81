"""Cut a document's text into chunks of about ``size`` units (characters for zh, words for en) with overlap.

The text is first read as units: headings (``# …`` lines, ``第一章 …`` / ``一、…`` lines), list items (``- ``,
``1.``, ``(1)``, ``1、`` …, with their continuation lines) and table rows kept whole, paragraphs cut at sentence
ends (Chinese 。！？；, English . ! ? not after a known abbreviation, closing quotes and brackets kept with their
sentence). Units are packed in order until the next would pass ``size``; a chunk never ends on a heading (the
heading moves to the next chunk, with its text), and a new section (a heading) starts a new chunk once the
current one is half full. The next chunk repeats the last whole units of the one before, up to ``overlap`` of
``size`` (not across a section break). A unit longer than ``size`` (a very long sentence or item) is cut at
clause marks or spaces. Every chunk is ``text[start:end]`` of the extracted text, exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from agentsft.text import length_units

_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+\S.*$|^[ \t]*(?:第[一二三四五六七八九十百零〇\d]+[章节部分篇条]|"
                      r"[一二三四五六七八九十]{1,3}、)[^\n]{0,40}$")
_ITEM = re.compile(r"^[ \t]*(?:[-*+•·][ \t]+|\d{1,3}[.)][ \t]+|\d{1,3}、|[(（]\d{1,3}[)）][ \t]*|[a-z][.)][ \t]+)")
_ROW = re.compile(r"^[ \t]*\|")
_ZH_END = re.compile(r"[。！？；!?;…]+[”’\"'」』）)】]*")
_EN_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)")
_CLAUSE = re.compile(r"[，,、：:]|\s+")


@dataclass(frozen=True)
class Chunk:
    """A piece of a document: ``text == document_text[start:end]``."""

    source: str
    start: int
    end: int
    text: str
    lang: str
    index: int = 0

    @property
    def key(self) -> str:
        return f"{self.source}:{self.start}-{self.end}"


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    kind: str  # heading, item, row, sentence


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "abbreviations_en.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _blocks(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of headings, list items, table rows and paragraphs, in order."""
    blocks: list[list] = []
    prev_blank = True
    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            prev_blank = True
            continue
        if _HEADING.match(line):
            blocks.append(["heading", start, end])
        elif _ROW.match(line):
            blocks.append(["row", start, end])
        elif _ITEM.match(line):
            blocks.append(["item", start, end])
        elif not prev_blank and blocks and blocks[-1][0] in ("item", "para"):
            blocks[-1][2] = end  # a continuation line of the item or paragraph above
        else:
            blocks.append(["para", start, end])
        prev_blank = False
    return [(k, s, e) for k, s, e in blocks]


def _en_break_ok(text: str, end: int) -> bool:
    """A full stop at ``end`` ends a sentence unless it closes a known abbreviation or an initial (J. Smith)."""
    word = text[:end].rsplit(None, 1)[-1].lower().lstrip("(\"'“‘")
    if word in _abbreviations():
        return False
    line_start = text.rfind("\n", 0, end) + 1
    if re.fullmatch(r"[ \t]*\d{1,3}\.", text[line_start:end]):
        return False  # a list marker ("2."), not a sentence
    return not re.fullmatch(r"[a-z]\.", word)


def _sentences(text: str, start: int, end: int, lang: str) -> list[Unit]:
    """Sentence units of ``text[start:end]`` (white space between sentences belongs to no unit)."""
    out: list[Unit] = []
    ends = []
    for pattern in (_ZH_END, _EN_END):
        for m in pattern.finditer(text, start, end):
            if pattern is _EN_END and "." in m.group() and not _en_break_ok(text, m.start() + 1):
                continue
            ends.append(m.end())
    pos = start
    for e in sorted(set(ends)) + [end]:
        if e <= pos:
            continue
        s = pos
        while s < e and text[s].isspace():
            s += 1
        t = e
        while t > s and text[t - 1].isspace():
            t -= 1
        if t > s:
            out.append(Unit(s, t, "sentence"))
        pos = e
    return out


def _cut_long(text: str, unit: Unit, size: int, lang: str) -> list[Unit]:
    """A unit longer than ``size`` cut at clause marks or spaces (a hard cut when there is none)."""
    if length_units(text[unit.start:unit.end], lang) <= size:
        return [unit]
    out, s = [], unit.start
    while s < unit.end:
        best = None
        for m in _CLAUSE.finditer(text, s, unit.end):
            if length_units(text[s:m.end()], lang) > size:
                break
            best = m.end()
        if best is None or best <= s:
            best = s + max(1, size) if lang == "zh" else unit.end
            best = min(best, unit.end)
        t = best
        while t > s and text[t - 1].isspace():
            t -= 1
        out.append(Unit(s, t, unit.kind))
        s = best
        while s < unit.end and text[s].isspace():
            s += 1
    return out


def split_units(text: str, lang: str, size: int) -> list[Unit]:
    """The text's units in order (see the module docstring)."""
    units: list[Unit] = []
    for kind, start, end in _blocks(text):
        if kind == "para" or (kind == "item" and length_units(text[start:end], lang) > size):
            parts = _sentences(text, start, end, lang)
            if kind == "item" and parts:  # an over-long item: its sentences, the first keeps the marker
                parts = [Unit(p.start, p.end, "item") for p in parts]
        else:
            s = start + len(text[start:end]) - len(text[start:end].lstrip())
            parts = [Unit(s, end - (len(text[start:end]) - len(text[start:end].rstrip())), kind)]
        for part in parts:
            units += _cut_long(text, part, size, lang)
    return units


def _pack(units: list[Unit], sizes: list[int], size: int, first: int) -> list[int]:
    """Indices of the units of the chunk starting at ``first``."""
    cur, total = [], 0
    for j in range(first, len(units)):
        if cur and total + sizes[j] > size:
            break
        if cur and units[j].kind == "heading" and total >= size / 2 and units[cur[-1]].kind != "heading":
            break
        cur.append(j)
        total += sizes[j]
    while len(cur) > 1 and units[cur[-1]].kind == "heading":
        cur.pop()
    if units[cur[-1]].kind == "heading" and cur[-1] + 1 < len(units):
        cur.append(cur[-1] + 1)  # a heading is never alone: take its text even past the size
    return cur


def chunk_text(text: str, lang: str, size: int, overlap: float = 0.15, source: str = "") -> list[Chunk]:
    """Chunks of ``text`` of about ``size`` units; ``overlap`` is the share of ``size`` repeated (0 for none)."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    units = split_units(text, lang, size)
    sizes = [length_units(text[u.start:u.end], lang) for u in units]
    chunks: list[Chunk] = []
    first = 0
    while first < len(units):
        cur = _pack(units, sizes, size, first)
        start, end = units[cur[0]].start, units[cur[-1]].end
        chunks.append(Chunk(source, start, end, text[start:end], lang, len(chunks)))
        nxt = cur[-1] + 1
        if nxt >= len(units):
            break
        back, kept = nxt, 0
        if units[nxt].kind != "heading":
            while back - 1 > cur[0] and kept + sizes[back - 1] <= overlap * size \
                    and units[back - 1].kind != "heading":
                back -= 1
                kept += sizes[back]
            while back < nxt and kept + sizes[nxt] > size:  # leave room for new text: every chunk moves on
                kept -= sizes[back]
                back += 1
        first = back
    return chunks
