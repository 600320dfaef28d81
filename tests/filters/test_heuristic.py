"""Tests for agentsft.filters.heuristic."""

import pytest

from agentsft.filters.heuristic import (
    bad_start,
    blacklisted,
    check_instruction,
    check_output,
    echoes,
    non_text,
    repeated_lines,
    repetitive,
    truncated,
    wrong_language,
)
from agentsft.schema import Reason

GOOD_ZH = "写一首关于秋天的五言绝句。"
GOOD_EN = "Write a short poem about autumn leaves."
ALL_FILTERS = [non_text, wrong_language, bad_start, repetitive, blacklisted, truncated]


@pytest.mark.parametrize("flt", ALL_FILTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("text", "lang"), [(GOOD_ZH, "zh"), (GOOD_EN, "en")])
def test_each_filter_keeps_good_examples(flt, text, lang):
    assert flt(text, lang) is None


@pytest.mark.parametrize(("text", "lang"), [(GOOD_ZH, "zh"), (GOOD_EN, "en")])
def test_echoes_false_for_unrelated_source(text, lang):
    assert echoes(text, "完全无关的提示词内容" if lang == "zh" else "an entirely unrelated prompt text", lang) is False


# -- non_text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("", "en"), ("   ", "zh"), ("...Write a poem", "en"), ("——写一首诗", "zh"), ("123 456 789 a", "en"),
     ("1234567，好", "zh"), ("#$%^&*", "en")],
)
def test_non_text_rejects(text, lang):
    assert non_text(text, lang) is Reason.NON_TEXT


@pytest.mark.parametrize(
    ("text", "lang"),
    [("《红楼梦》的作者是谁？", "zh"), ('"Hamlet" is by whom? Explain.', "en"), ("(Optional) Name three birds.", "en"),
     ("3 ways to save water at home", "en")],
)
def test_non_text_allows_quotes_brackets_and_leading_digit(text, lang):
    assert non_text(text, lang) is None


# -- wrong_language ---------------------------------------------------------------------


def test_wrong_language_zh_run_rejects_english():
    assert wrong_language(GOOD_EN, "zh") is Reason.WRONG_LANGUAGE


def test_wrong_language_en_run_rejects_chinese():
    assert wrong_language(GOOD_ZH, "en") is Reason.WRONG_LANGUAGE


def test_wrong_language_zh_with_some_latin_is_fine():
    assert wrong_language("用Python写一个排序函数", "zh") is None


def test_wrong_language_thresholds():
    assert wrong_language("中文ab", "zh") is None  # 0.5 exactly
    assert wrong_language("中文abc", "zh") is Reason.WRONG_LANGUAGE  # 0.4
    assert wrong_language("中" + "a" * 9, "en") is None  # 0.1 exactly
    assert wrong_language("中" + "a" * 8, "en") is Reason.WRONG_LANGUAGE  # > 0.1


# -- bad_start --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("以下是一些新任务", "zh"), ("好的，我来写一首诗", "zh"), ("当然可以，写一首诗", "zh"),
     ("Here are five new tasks", "en"), ("Sure, write a poem", "en"), ("  CERTAINLY write a poem", "en"),
     ("Note: write a poem", "en")],
)
def test_bad_start_rejects(text, lang):
    assert bad_start(text, lang) is Reason.BAD_START


def test_bad_start_list_depends_on_language():
    assert bad_start("Sure, write a poem", "zh") is None
    assert bad_start("以下是一些新任务", "en") is None


# -- repetitive -------------------------------------------------------------------------


def test_repetitive_rejects_degenerate_text():
    assert repetitive("the cat " * 8, "en") is Reason.REPETITIVE
    assert repetitive("哈哈哈" * 6, "zh") is Reason.REPETITIVE


def test_repetitive_ignores_short_text():
    # fewer than 8 n-grams: never judged repetitive
    assert repetitive("go go go go go go go go", "en") is None  # 7 word 2-grams
    assert repetitive("哈哈哈哈哈哈哈哈哈", "zh") is None  # 7 char 3-grams


def test_repetitive_allows_natural_repetition():
    text = "Compare the cost of the train and the cost of the bus for a family of four travelling to Paris."
    assert repetitive(text, "en") is None


def test_repetitive_rejects_numbered_list_of_one_repeated_item():
    # a degenerate output seen from the embedded model: the numbers differ, the item does not
    text = "以下是建议：\n" + "\n".join(f"{i}. **最佳**" for i in range(1, 41))
    assert repetitive(text, "zh") is Reason.REPETITIVE
    assert repetitive("\n".join(f"- step {i % 2}" for i in range(10)), "en") is Reason.REPETITIVE


def test_repeated_lines_needs_six_lines_and_half_copies():
    assert not repeated_lines("a\na\na\na\na")  # five lines: too few to judge
    assert repeated_lines("a\na\na\na\nb\nc")  # 6 lines, 3 of them copies
    assert not repeated_lines("a\na\na\nb\nc\nd")  # 6 lines, 2 copies: under half
    assert not repeated_lines("a\na\nb\nc\nd\ne")  # one copy out of six


def test_repeated_lines_ignores_lines_of_bare_punctuation():
    nested = "[\n  [\n    [\n      1,\n      2\n    ]\n  ]\n]"  # nested JSON: most lines are brackets
    assert not repeated_lines(nested)
    assert repetitive(nested, "en") is None


def test_repetitive_keeps_a_list_with_distinct_items():
    text = "\n".join(f"{i}. 第{i}步：{w}" for i, w in enumerate(["洗菜", "切菜", "热锅", "下油", "翻炒", "装盘"], 1))
    assert repetitive(text, "zh") is None


# -- blacklisted ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Describe the image below.", "en"), ("Open the attached file and count the rows.", "en"),
     ("Draw a cat.", "en"), ("Plot the sales by month.", "en"), ("Summarize the video.", "en"),
     ("Go to the website and sign up.", "en"), ("Share the URL with me.", "en"),
     ("Summarize https://example.com/article", "en"), ("Visit www.example.com", "en"),
     ("描述这张图片的内容。", "zh"), ("打开这个链接并总结。", "zh"), ("请画出一只猫。", "zh"),
     ("把附件里的表格整理一下。", "zh"), ("Summarize the 视频 for me", "en")],
)
def test_blacklisted_rejects(text, lang):
    assert blacklisted(text, lang) is Reason.BLACKLISTED


@pytest.mark.parametrize(
    "text",
    [
        "Describe your profile in three sentences.",  # "file" inside "profile"
        "Explain the mapping between keys and values.",  # "map" inside "mapping"
        "Create a roadmap for learning Go.",  # "map" inside "roadmap"
        "Describe the filesystem layout of Linux.",  # "file" inside "filesystem"
        "Name the parts of a kitchen drawer.",  # "draw" inside "drawer"
        "Explain the difference between imagery and metaphor.",  # "image" inside "imagery"
        "Explain photosynthesis.",  # "photo" inside "photosynthesis"
        "Plan a road trip from Chicago to Denver.",  # "go to" across "Chicago to"
        "Describe what happened two years ago today.",  # "go to" across "ago today"
        "Tell me where to go today.",  # "go to" inside "go today"
    ],
)
def test_blacklist_does_not_fire_on_substrings_of_english_words(text):
    assert blacklisted(text, "en") is None


def test_blacklist_phrase_as_whole_words_still_fires():
    assert blacklisted("Tell me how to go to the station.", "en") is Reason.BLACKLISTED
    assert blacklisted("Send me a website link.", "en") is Reason.BLACKLISTED


def test_blacklist_is_case_insensitive():
    assert blacklisted("Describe The IMAGE.", "en") is Reason.BLACKLISTED


# -- truncated --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("写一首关于秋天和", "zh"), ("列出三种水果，", "zh"), ("解释“光合作用", "zh"), ("比较苹果与", "zh"),
     ("Write a poem about the", "en"), ("List three fruits,", "en"), ("Explain the theory of", "en"),
     ("Name two rivers (in Europe", "en"), ("Write a poem and  ", "en")],
)
def test_truncated_rejects(text, lang):
    assert truncated(text, lang) is Reason.TRUNCATED


def test_truncated_keeps_words_that_merely_end_like_dangling_ones():
    assert truncated("Explain Newton's laws of motion to a child in India", "en") is None  # not " in"
    assert truncated("Describe a typical Brazilian breakfast and its origin", "en") is None


# -- echoes -----------------------------------------------------------------------------


def test_echoes_en_and_zh():
    prompt_en = "Come up with a series of new tasks. Write each task on its own line."
    assert echoes("Come up with a series of new tasks", prompt_en, "en") is True
    prompt_zh = "请你想出一系列新的任务，每个任务单独一行。"
    assert echoes("想出一系列新的任务", prompt_zh, "zh") is True


def test_echoes_share_threshold():
    # 2 of the 3 word 2-grams of the text occur in the source
    assert echoes("alpha beta gamma delta", "alpha beta gamma", "en", share=0.6) is True
    assert echoes("alpha beta gamma delta", "alpha beta gamma", "en", share=0.7) is False


def test_echoes_text_without_ngrams_is_false():
    assert echoes("Hi", "Hi there", "en") is False
    assert echoes("", "", "zh") is False


# -- check_instruction -----------------------------------------------------------------


def test_check_instruction_zh_counts_characters_at_exact_boundaries():
    six = "写一首短诗吧"  # 6 characters
    assert check_instruction(six, "zh", 6, 6) is None
    assert check_instruction(six[:5], "zh", 6, 10) == (Reason.TOO_SHORT, "5 characters < 6")
    assert check_instruction(six + "。", "zh", 1, 6) == (Reason.TOO_LONG, "7 characters > 6")


def test_check_instruction_zh_ignores_whitespace_in_length():
    assert check_instruction("写 一 首 短 诗 吧", "zh", 6, 6) is None


def test_check_instruction_en_counts_words_at_exact_boundaries():
    three = "Explain photosynthesis briefly."
    assert check_instruction(three, "en", 3, 3) is None
    assert check_instruction("Explain photosynthesis.", "en", 3, 10) == (Reason.TOO_SHORT, "2 words < 3")
    assert check_instruction("Explain photosynthesis very briefly.", "en", 1, 3) == (Reason.TOO_LONG, "4 words > 3")


def test_check_instruction_en_long_words_are_one_unit_each():
    # 3 words but many characters: counts as 3
    assert check_instruction("Characterize internationalization responsibilities.", "en", 3, 3) is None


def test_check_instruction_maybe_truncated():
    assert check_instruction(GOOD_EN, "en", 1, 100, maybe_truncated=True)[0] is Reason.TRUNCATED


def test_check_instruction_length_checked_before_truncation_flag():
    assert check_instruction("Hi", "en", 3, 100, maybe_truncated=True)[0] is Reason.TOO_SHORT


def test_check_instruction_reports_first_failing_filter_by_name():
    assert check_instruction("Here are some tasks about the image", "en", 1, 100) == (Reason.BAD_START, "bad_start")
    assert check_instruction("Describe the image in detail.", "en", 1, 100) == (Reason.BLACKLISTED, "blacklisted")
    assert check_instruction(GOOD_EN, "zh", 1, 100) == (Reason.WRONG_LANGUAGE, "wrong_language")


def test_check_instruction_prompt_echo():
    prompt = "Come up with a series of new and diverse tasks. Write each task on its own line."
    text = "Come up with a series of new and diverse tasks."
    assert check_instruction(text, "en", 1, 100, prompt=prompt)[0] is Reason.PROMPT_ECHO
    assert check_instruction(GOOD_EN, "en", 1, 100, prompt=prompt) is None
    assert check_instruction(text, "en", 1, 100) is None  # no prompt given


def test_check_instruction_prompt_echo_zh():
    prompt = "请你想出一系列新颖多样的任务，每个任务单独写一行。"
    assert check_instruction("想出一系列新颖多样的任务。", "zh", 1, 100, prompt=prompt)[0] is Reason.PROMPT_ECHO
    assert check_instruction(GOOD_ZH, "zh", 1, 100, prompt=prompt) is None


@pytest.mark.parametrize(("text", "lang"), [(GOOD_ZH, "zh"), (GOOD_EN, "en")])
def test_check_instruction_keeps_good(text, lang):
    assert check_instruction(text, lang, 3, 300) is None


# -- check_output -------------------------------------------------------------------------


def test_check_output_empty():
    assert check_output("Write a poem", "", "   ", "en", 1) == (Reason.OUTPUT_EMPTY, "0 characters")
    assert check_output("写诗", "", "短", "zh", 2) == (Reason.OUTPUT_EMPTY, "1 characters")
    assert check_output("写诗", "", "短诗", "zh", 2) is None


def test_check_output_echo_of_instruction_or_input():
    assert check_output("Write a poem", "", "write a poem.", "en", 1)[0] is Reason.OUTPUT_ECHO
    assert check_output("翻译这句话", "今天天气很好", "今天天气很好。", "zh", 1)[0] is Reason.OUTPUT_ECHO
    long_instr = "Explain in simple words how the water cycle works for young children"
    assert check_output(long_instr, "", "Explain in simple words how the water cycle works", "en", 1)[0] \
        is Reason.OUTPUT_ECHO


def test_check_output_empty_input_does_not_make_everything_an_echo():
    assert check_output("Name a colour.", "", "Blue", "en", 1) is None


def test_check_output_degenerate():
    assert check_output("Write a poem", "", "la la " * 10, "en", 1) == (Reason.REPETITIVE, "output")
    assert check_output("写一首诗", "", "啦啦啦" * 8, "zh", 1) == (Reason.REPETITIVE, "output")


@pytest.mark.parametrize(
    ("instruction", "output", "lang"),
    [("写一首关于秋天的诗。", "秋风起兮白云飞，草木黄落兮雁南归。", "zh"),
     ("Write a haiku about rain.", "Soft rain on the roof / the kettle begins to sing / evening settles in", "en")],
)
def test_check_output_keeps_good(instruction, output, lang):
    assert check_output(instruction, "", output, lang, 1) is None
