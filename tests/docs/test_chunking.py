"""Chunking: sentence ends (zh and en), headings kept with their text, list items whole, overlap, exact offsets."""

import re
from pathlib import Path

import pytest

from agentsft.docs import chunk_text, load_chunks, split_units
from agentsft.text import length_units

ROOT = Path(__file__).resolve().parents[2]

ZH = """# 第一部分

春天来了。河边的柳树发芽了！孩子们在草地上放风筝？老人们在亭子里下棋；小狗在一旁打盹。

- 第一条规则：进门先换鞋，保持地面干净整洁。
- 第二条规则：晚上十点以后不要大声喧哗。
- 第三条规则：垃圾要分类投放。

## 第二部分

夏天的雨来得快，去得也快。雷声过后，天边常常挂着彩虹。"""

EN = """# Part one

Dr. Smith arrived at 9 a.m. on Monday. She met the mayor at the town hall! Did they agree? Nobody knows. The meeting lasted two hours, e.g. until noon.

1. Bring a pen.
2. Bring a notebook that has at least forty pages
   and a hard cover.
3. Arrive on time.

## Part two

The second part is short. It has two sentences."""


def _check_offsets(text, chunks):
    for c in chunks:
        assert text[c.start:c.end] == c.text
        assert c.text == c.text.strip()


def test_offsets_map_back_exactly_on_every_sample_document():
    chunks = load_chunks([ROOT / "seeds" / "docs"], {"zh": 120, "en": 60}, 0.2)
    assert len({c.source for c in chunks}) == 6
    from agentsft.docs import read_document

    texts = {}
    for c in chunks:
        texts.setdefault(c.source, read_document(c.source).text)
        assert texts[c.source][c.start:c.end] == c.text
    # every character of every document is in some chunk (bar white space between them)
    for source, text in texts.items():
        covered = set()
        for c in (c for c in chunks if c.source == source):
            covered.update(range(c.start, c.end))
        assert all(i in covered or text[i].isspace() for i in range(len(text))), source


@pytest.mark.parametrize("size", [25, 35, 60])
def test_zh_chunks_end_at_sentence_ends(size):
    chunks = chunk_text(ZH, "zh", size, 0.0)
    _check_offsets(ZH, chunks)
    for c in chunks[:-1]:
        assert re.search(r"[。！？；]$", c.text) or c.text.splitlines()[-1].startswith("- "), c.text


def test_zh_sentence_units_cover_each_end_mark():
    units = [ZH[u.start:u.end] for u in split_units(ZH, "zh", 100) if u.kind == "sentence"]
    assert units[:5] == ["春天来了。", "河边的柳树发芽了！", "孩子们在草地上放风筝？", "老人们在亭子里下棋；", "小狗在一旁打盹。"]


def test_en_sentences_respect_abbreviations():
    units = [EN[u.start:u.end] for u in split_units(EN, "en", 100) if u.kind == "sentence"]
    assert units[0] == "Dr. Smith arrived at 9 a.m. on Monday."
    assert units[1:4] == ["She met the mayor at the town hall!", "Did they agree?", "Nobody knows."]
    assert units[4] == "The meeting lasted two hours, e.g. until noon."


@pytest.mark.parametrize("text,lang", [(ZH, "zh"), (EN, "en")])
@pytest.mark.parametrize("size", [8, 15, 25, 40])
def test_a_heading_is_never_split_from_its_text(text, lang, size):
    chunks = chunk_text(text, lang, size, 0.2)
    _check_offsets(text, chunks)
    for c in chunks:
        last = c.text.splitlines()[-1]
        assert not last.startswith("#"), c.text
    headings = [m.start() for m in re.finditer(r"^#", text, re.M)]
    for h in headings:  # the chunk that holds a heading also holds the text after it
        holder = next(c for c in chunks if c.start <= h < c.end)
        assert holder.end > text.index("\n", h)


@pytest.mark.parametrize("text,lang,size", [(ZH, "zh", 30), (EN, "en", 14)])
def test_list_items_are_kept_whole(text, lang, size):
    items = [text[u.start:u.end] for u in split_units(text, lang, size) if u.kind == "item"]
    assert len(items) == 3
    if lang == "en":
        assert items[1] == "2. Bring a notebook that has at least forty pages\n   and a hard cover."
    chunks = chunk_text(text, lang, size, 0.0)
    for item in items:
        assert any(item in c.text for c in chunks)


@pytest.mark.parametrize("text,lang,size", [(ZH, "zh", 40), (EN, "en", 20)])
def test_chunks_stay_near_the_size(text, lang, size):
    for c in chunk_text(text, lang, size, 0.25):
        assert length_units(c.text, lang) <= size * 1.5


def test_overlap_repeats_whole_sentences_and_zero_overlap_repeats_nothing():
    body = "".join(f"第{i}句话的内容在这里。" for i in range(1, 21))
    none = chunk_text(body, "zh", 40, 0.0)
    assert all(a.end <= b.start for a, b in zip(none, none[1:]))
    some = chunk_text(body, "zh", 40, 0.3)
    _check_offsets(body, some)
    assert len(some) > len(none)
    for a, b in zip(some, some[1:]):
        assert b.start < a.end  # overlaps
        shared = body[b.start:a.end]
        assert shared.endswith("。") and length_units(shared, "zh") <= 0.3 * 40
    assert some[-1].end == len(body)


def test_a_new_section_starts_a_new_chunk_without_overlap():
    chunks = chunk_text(EN, "en", 45, 0.3)
    second = EN.index("## Part two")
    starting = [c for c in chunks if c.start == second]
    assert starting, [c.text[:30] for c in chunks]


def test_an_over_long_sentence_is_cut_at_clauses():
    long = "，".join(["这是一个很长的分句"] * 12) + "。"
    chunks = chunk_text(long, "zh", 30, 0.0)
    _check_offsets(long, chunks)
    assert len(chunks) > 1
    assert all(length_units(c.text, "zh") <= 30 for c in chunks)


def test_an_item_longer_than_the_size_is_cut_the_marker_is_not_a_sentence():
    units = [EN[u.start:u.end] for u in split_units(EN, "en", 9) if u.kind == "item"]
    assert units[0] == "1. Bring a pen."
    assert units[1].startswith("2. Bring a notebook") and "".join(units[1:3]).replace(" ", "").startswith(
        "2.Bringanotebookthathasatleastfortypages")


def test_bad_size_is_an_error():
    with pytest.raises(ValueError):
        chunk_text("text", "en", 0)
