"""Tests for agentsft.text: CJK counting, language guess, length units, Latin words, <think> stripping, trimming."""

import pytest

from agentsft.text import cjk_count, cjk_ratio, guess_lang, latin_words, length_units, strip_think, trim_to_sentence


def test_cjk_count_counts_only_cjk_ideographs():
    assert cjk_count("你好，world！") == 2
    assert cjk_count("hello") == 0
    assert cjk_count("") == 0


def test_cjk_count_covers_extension_a_and_b():
    assert cjk_count("\u3400") == 1  # CJK Extension A
    assert cjk_count("\U00020000") == 1  # CJK Extension B
    assert cjk_count("あア한") == 0  # kana and hangul are not CJK ideographs


def test_cjk_ratio_ignores_digits_spaces_and_punctuation():
    assert cjk_ratio("你好ab") == pytest.approx(0.5)
    assert cjk_ratio("你好 123 ！！") == pytest.approx(1.0)
    assert cjk_ratio("abc 123") == pytest.approx(0.0)


def test_cjk_ratio_of_text_without_letters_is_zero():
    assert cjk_ratio("") == 0.0
    assert cjk_ratio("123 ... !!!") == 0.0


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("写一首关于春天的诗", "zh"),
        ("Write a poem about spring", "en"),
        ("用Python写一个排序函数", "zh"),
        ("", "en"),
    ],
)
def test_guess_lang(text, lang):
    assert guess_lang(text) == lang


def test_guess_lang_threshold_is_one_fifth():
    assert guess_lang("中abcd") == "zh"  # exactly 0.2
    assert guess_lang("中abcde") == "en"  # 1/6 < 0.2


def test_length_units_counts_characters_for_zh_without_whitespace():
    assert length_units("写 一首\n诗", "zh") == 4
    assert length_units("abc，", "zh") == 4


def test_length_units_counts_words_for_en():
    assert length_units("Write  a\tshort\npoem", "en") == 4
    assert length_units("", "en") == 0
    assert length_units("   ", "zh") == 0


def test_latin_words_lowercases_and_keeps_apostrophes():
    assert latin_words("Don't STOP me-now 42 times") == ["don't", "stop", "me", "now", "times"]
    assert latin_words("你好 world") == ["world"]
    assert latin_words("") == []


def test_strip_think_removes_closed_block():
    assert strip_think("<think>reasoning here</think>\nAnswer") == "Answer"


def test_strip_think_removes_unclosed_block_to_end():
    assert strip_think("Answer first <think>never closed\nmore") == "Answer first"


def test_strip_think_is_case_insensitive_and_multiline_and_handles_several_blocks():
    text = "<THINK>a\nb</THINK>one <think>c</think>two"
    assert strip_think(text) == "one two"


def test_strip_think_handles_none_and_plain_text():
    assert strip_think(None) == ""
    assert strip_think("  plain  ") == "plain"


@pytest.mark.parametrize("text, kept", [
    ("第一句。第二句没完", "第一句。"),
    ("他说：“好的。”然后", "他说：“好的。”"),
    ("One sentence. Another one is cut", "One sentence."),
    ("v1.2 is out! and then", "v1.2 is out!"),  # a dot inside a number is not a sentence end
    ("line one\nline two unfinished", "line one"),
    ("no end at all", ""),
    ("", ""),
])
def test_trim_to_sentence(text, kept):
    assert trim_to_sentence(text) == kept


def test_json_object_reads_the_object_a_model_wraps_in_words_fences_or_think():
    from agentsft.text import json_object

    assert json_object('好的：{"a": 1, "b": [2]} 以上') == {"a": 1, "b": [2]}
    assert json_object('```json\n{"verdict": "supported"}\n```') == {"verdict": "supported"}
    assert json_object('<think>{"draft": true}</think>{"final": 1}') == {"final": 1}
    assert json_object("[1, 2]") is None and json_object("{not json}") is None and json_object("") is None
    assert json_object('{"x": __import__("os")}') is None  # parsed, never evaluated
