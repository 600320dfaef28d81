"""Tests for agentsft.steps.parse.parse_instructions."""

import pytest

from agentsft.steps.parse import parse_instructions


@pytest.mark.parametrize(
    "answer",
    [
        "1. Write a poem\n2. Explain tides",
        "1) Write a poem\n2) Explain tides",
        "(1) Write a poem\n(2) Explain tides",
        "（1）Write a poem\n（2）Explain tides",
        "1、Write a poem\n2、Explain tides",
        "1：Write a poem\n2：Explain tides",
        "第1条：Write a poem\n第2条：Explain tides",
        "第 1 项 Write a poem\n第 2 项 Explain tides",
        "Task 1: Write a poem\nTask 2: Explain tides",
        "task 1. Write a poem\nTASK 2. Explain tides",
        "Instruction 1: Write a poem\nInstruction 2: Explain tides",
        "任务1：Write a poem\n任务2：Explain tides",
        "*1. Write a poem\n*2. Explain tides",
        "**1.** Write a poem\n**2.** Explain tides",
        "- 1. Write a poem\n- 2. Explain tides",
        "- **1.** Write a poem\n- **2.** Explain tides",
        "**Task 1:** Write a poem\n**Task 2:** Explain tides",
        "- Write a poem\n- Explain tides",
        "* Write a poem\n* Explain tides",
        "• Write a poem\n• Explain tides",
        "  1.   Write a poem  \n  2.   Explain tides  ",
    ],
)
def test_list_forms(answer):
    assert parse_instructions(answer) == ["Write a poem", "Explain tides"]


def test_zh_numbered_list():
    answer = "1. 写一首关于秋天的诗。\n2. 解释什么是光合作用。\n3. 把这句话翻译成英文。"
    assert parse_instructions(answer) == ["写一首关于秋天的诗。", "解释什么是光合作用。", "把这句话翻译成英文。"]


def test_bold_numbered_item_keeps_no_number():
    # "**2.**" must not leave "2." glued to the instruction
    assert parse_instructions("**2.** Explain tides") == ["Explain tides"]


def test_bold_words_inside_item_are_unwrapped():
    assert parse_instructions("1. **Write** a poem about *the* sea") == ["Write a poem about *the* sea"]


def test_multiline_item_is_joined_with_spaces():
    answer = "1. Write a poem\n   about the sea\n   at night\n2. Explain tides"
    assert parse_instructions(answer) == ["Write a poem about the sea at night", "Explain tides"]


def test_preamble_before_numbered_list_is_dropped():
    answer = "Here are some new tasks:\n1. Write a poem\n2. Explain tides"
    assert parse_instructions(answer) == ["Write a poem", "Explain tides"]


def test_zh_preamble_dropped():
    answer = "以下是新的任务：\n1. 写一首诗\n2. 讲一个笑话"
    assert parse_instructions(answer) == ["写一首诗", "讲一个笑话"]


def test_text_after_blank_line_is_not_glued_to_last_item():
    answer = "1. Write a poem\n2. Explain tides\n\nI hope these tasks are useful!"
    assert parse_instructions(answer) == ["Write a poem", "Explain tides"]


def test_blank_line_between_items_still_keeps_both():
    answer = "1. Write a poem\n\n2. Explain tides"
    assert parse_instructions(answer) == ["Write a poem", "Explain tides"]


def test_unnumbered_answer_gives_one_instruction_per_line():
    answer = "Write a poem\n\nExplain tides\n"
    assert parse_instructions(answer) == ["Write a poem", "Explain tides"]


def test_json_array_of_strings():
    assert parse_instructions('["Write a poem", "Explain tides"]') == ["Write a poem", "Explain tides"]


def test_json_array_of_objects_skips_items_without_instruction():
    answer = '[{"instruction": "Write a poem"}, {"task": "x"}, {"instruction": 3}, "Explain tides"]'
    assert parse_instructions(answer) == ["Write a poem", "Explain tides"]


def test_json_in_fence():
    answer = '```json\n[{"instruction": "写一首诗"}, {"instruction": "讲一个笑话"}]\n```'
    assert parse_instructions(answer) == ["写一首诗", "讲一个笑话"]


def test_plain_fence_with_numbered_list():
    answer = "```\n1. Write a poem\n2. Explain tides\n```"
    assert parse_instructions(answer) == ["Write a poem", "Explain tides"]


def test_invalid_json_falls_back_to_lines():
    answer = '["Write a poem", "Explain tides"'
    assert parse_instructions(answer) == ['["Write a poem", "Explain tides"']


def test_json_items_are_cleaned_and_empties_dropped():
    assert parse_instructions('["  指令：写一首诗 ", "", "   "]') == ["写一首诗"]


def test_closed_think_block_stripped():
    answer = "<think>1. not this\n2. nor this</think>\n1. Write a poem\n2. Explain tides"
    assert parse_instructions(answer) == ["Write a poem", "Explain tides"]


def test_think_before_json_array():
    answer = '<think>Let me think [1, 2]</think>\n["Write a poem"]'
    assert parse_instructions(answer) == ["Write a poem"]


def test_unclosed_think_block_yields_nothing():
    assert parse_instructions("<think>1. Write a poem\n2. Explain tides") == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("1. 指令：写一首诗", "写一首诗"),
        ("1. 指令: 写一首诗", "写一首诗"),
        ("1. Instruction: Write a poem", "Write a poem"),
        ("1. 任务：讲个笑话", "讲个笑话"),
        ('1. "Write a poem"', "Write a poem"),
        ("1. “写一首诗”", "写一首诗"),
        ("1. 「写一首诗」", "写一首诗"),
        ("1. 指令：“写一首诗”", "写一首诗"),
        ("1. **Instruction:** Write a poem", "Write a poem"),
    ],
)
def test_labels_and_wrapping_quotes_removed(answer, expected):
    assert parse_instructions(answer) == [expected]


def test_inner_quotes_are_kept():
    assert parse_instructions('1. Explain the word "serendipity"') == ['Explain the word "serendipity"']


@pytest.mark.parametrize("answer", ["", "   \n\n  ", "<think>only thoughts</think>", "1.\n2. "])
def test_empty_answers_give_empty_list(answer):
    assert parse_instructions(answer) == []


def test_order_is_kept():
    answer = "3. third\n1. first\n2. second"
    assert parse_instructions(answer) == ["third", "first", "second"]
