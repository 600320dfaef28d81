"""Tests for agentsft.steps.classify."""

import pytest

from agentsft.schema import TaskType
from agentsft.steps.classify import classify, is_classification


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        # translation
        ("把下面的句子翻译成英文。", TaskType.TRANSLATION),
        ("请将这段话译成日语。", TaskType.TRANSLATION),
        ("Translate this sentence into French.", TaskType.TRANSLATION),
        ("Put the following proverb into English.", TaskType.TRANSLATION),
        # code
        ("写一个Python函数，计算斐波那契数列。", TaskType.CODE),
        ("用SQL查询销售额最高的客户。", TaskType.CODE),
        ("写一个正则表达式匹配邮箱地址。", TaskType.CODE),
        ("Write a function that reverses a string.", TaskType.CODE),
        ("Fix the bug in the snippet below.", TaskType.CODE),
        ("Write two functions for parsing dates.", TaskType.CODE),  # keys match at word start
        ("How do I do this in C++?", TaskType.CODE),
        # summarization
        ("总结这篇文章的主要观点。", TaskType.SUMMARIZATION),
        ("用一句话概括下面的新闻。", TaskType.SUMMARIZATION),
        ("Summarize the following article.", TaskType.SUMMARIZATION),
        ("Give a summary of the meeting notes.", TaskType.SUMMARIZATION),
        ("List the key points of this speech.", TaskType.SUMMARIZATION),
        # paraphrase
        ("改写下面这段话，使其更正式。", TaskType.PARAPHRASE),
        ("请润色这封邮件。", TaskType.PARAPHRASE),
        ("Paraphrase the sentence below.", TaskType.PARAPHRASE),
        ("Rephrase this paragraph for a child.", TaskType.PARAPHRASE),
        # classification
        ("判断这条评论的情感倾向。", TaskType.CLASSIFICATION),
        ("判断下面的动物属于哪一类。", TaskType.CLASSIFICATION),
        ("将以下新闻分类。", TaskType.CLASSIFICATION),
        ("Classify the sentiment of this tweet.", TaskType.CLASSIFICATION),
        ("Is this review positive or negative?", TaskType.CLASSIFICATION),
        ("Categorize these expenses.", TaskType.CLASSIFICATION),
        # roleplay
        ("假设你是一名导游，向游客介绍北京。", TaskType.ROLEPLAY),
        ("请扮演一位医生回答病人的问题。", TaskType.ROLEPLAY),
        ("以老师的身份点评这篇作文。", TaskType.ROLEPLAY),
        ("Pretend you are a pirate and greet me.", TaskType.ROLEPLAY),
        ("Act as a travel agent and plan my trip.", TaskType.ROLEPLAY),
        # reasoning (a plain why-question is qa, as our seeds and BELLE/Dolly label it)
        ("证明根号二是无理数。", TaskType.REASONING),
        ("Solve this logic puzzle.", TaskType.REASONING),
        ("为什么天空是蓝色的？", TaskType.QA),
        ("Why do leaves change colour in autumn?", TaskType.QA),
        # generation (写作/生成/头脑风暴)
        ("以“秋天”为题写一首现代诗。", TaskType.GENERATION),
        ("帮我想几个咖啡店的名字。", TaskType.GENERATION),
        ("请围绕环保主题进行头脑风暴。", TaskType.GENERATION),
        ("Write a short story about a lost umbrella.", TaskType.GENERATION),
        ("Brainstorm ideas for a rainy-day birthday party.", TaskType.GENERATION),
        ("Draft an email inviting the team to a picnic.", TaskType.GENERATION),
        # extraction (信息抽取)
        ("从下面的文字中提取所有日期。", TaskType.EXTRACTION),
        ("抽取这段新闻中的人名和机构名。", TaskType.EXTRACTION),
        ("Extract the email addresses from the text below.", TaskType.EXTRACTION),
        ("List every company mentioned in the paragraph.", TaskType.EXTRACTION),
        # qa fallback
        ("中国的首都是哪里？", TaskType.QA),
        ("What is the capital of France?", TaskType.QA),
        ("Explain how a rainbow forms.", TaskType.QA),
        ("", TaskType.QA),
    ],
)
def test_rules(instruction, expected):
    assert classify(instruction) is expected


@pytest.mark.parametrize(
    "instruction",
    [
        "小明有3个苹果，又买了5个，一共有多少个？",
        "计算一件原价200元、打8折的衣服的价格。",
        "长方形长5米宽3米，面积是多少？",
        "A shirt costs 20 dollars with a 15% discount. How much do I pay?",
        "Calculate the average of 3.5, 4 and 7.",
        "If 12 people each bring 3 apples, how many apples are there in total?",
    ],
)
def test_arithmetic_word_problems_are_tool_use(instruction):
    assert classify(instruction) is TaskType.TOOL_USE


def test_tool_use_takes_precedence_over_other_rules():
    # "为什么" would be reasoning, but this is an arithmetic word problem with numbers
    assert classify("为什么3个人平均分12个苹果，每人分到4个？") is TaskType.TOOL_USE


def test_arithmetic_keyword_with_one_number_is_not_tool_use():
    assert classify("一年有多少天？今年是2024年") is not TaskType.TOOL_USE
    assert classify("How many moons does Mars have?") is TaskType.QA


def test_two_numbers_without_arithmetic_keyword_is_not_tool_use():
    assert classify("Name 2 rivers in 3 continents.") is not TaskType.TOOL_USE


def test_numbers_only_in_input_do_not_make_tool_use():
    assert classify("How much should I tip?", "bill 80, party of 4") is TaskType.QA


@pytest.mark.parametrize(
    "instruction",
    [
        "Rewrite this Slack message so it sounds more polite.",
        "Rewrite this Slack message to sound more professional.",
        "Rewrite this Slack message about the unscripted demo.",  # "script" inside a word
        "Rewrite this Slack message: the decoder is down again.",  # "code" inside a word
        "Rewrite this Slack message announcing the debugging session.",  # "bug" inside a word
        "Rewrite this Slack message about our malfunctioning printer.",  # "function" inside a word
    ],
)
def test_slack_rewrite_is_paraphrase_not_code(instruction):
    assert classify(instruction) is TaskType.PARAPHRASE


def test_ascii_keys_do_not_match_inside_words():
    assert classify("What does the decoder ring in the story symbolize?") is TaskType.QA  # "code" in "decoder"
    assert classify("What is the treason law in England?") is TaskType.QA  # "reason" inside "treason"


def test_literal_keys_are_not_regex():
    # "c++" and "tl;dr" must be matched literally (no regex errors, no accidental hits)
    assert classify("What does cc mean in an email?") is TaskType.QA
    assert classify("Give me a tl;dr of this thread.") is TaskType.SUMMARIZATION


def test_first_matching_rule_wins():
    # translation comes before code in the rule order
    assert classify("把这段Python代码的注释翻译成中文。") is TaskType.TRANSLATION
    assert classify("Translate this Python function's docstring into English.") is TaskType.TRANSLATION


def test_rules_look_at_instruction_not_input():
    assert classify("What is this about?", "Please summarize and translate it") is TaskType.QA


def test_code_in_input_makes_code():
    assert classify("解释下面的内容。", "这是一段python代码") is TaskType.CODE
    assert classify("Explain what this does.", "import java.util.*;") is TaskType.CODE


def test_case_insensitive():
    assert classify("TRANSLATE THIS INTO GERMAN.") is TaskType.TRANSLATION


def test_is_classification():
    assert is_classification(TaskType.CLASSIFICATION) is True
    assert all(not is_classification(t) for t in TaskType if t is not TaskType.CLASSIFICATION)


@pytest.mark.parametrize("text, expected", [
    ("What should you do if you are allergic to nuts?", TaskType.QA),
    ("Rewrite this Slack message to the programmers", TaskType.PARAPHRASE),
    ("Write functions that add two numbers", TaskType.CODE),
    ("Summarize the text below", TaskType.SUMMARIZATION),
])
def test_ascii_keys_match_whole_words_with_endings(text, expected):
    assert classify(text) is expected


# --- typer internals: the neighbour vote, leave-one-out, records, the optional LLM typer -----------------

import json  # noqa: E402
from pathlib import Path  # noqa: E402

from agentsft.io import read_seed_files  # noqa: E402
from agentsft.schema import Instance, Message, SeedTask  # noqa: E402
from agentsft.steps.classify import (  # noqa: E402
    EXAMPLES_PATH, Example, KnnIndex, classify_record, examples_from_seeds, llm_classify, local_classify, parse_type,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(sid, instruction, task_type=None, messages=None, lang="en"):
    return SeedTask(id=sid, instruction=instruction, instances=[Instance(output="x")], task_type=task_type,
                    messages=messages, lang=lang)


def test_shipped_examples_match_the_seeds():
    """typing_examples.json is made from seeds/ and evals/typing/extra_examples.jsonl
    (``python -m evals.typing.make_examples``); a seed edit must be followed by a rebuild."""
    seeds = read_seed_files([SEEDS / "zh.jsonl", SEEDS / "en.jsonl"])
    expected = [{"id": e.id, "lang": e.lang, "task_type": e.task_type.value, "text": e.text}
                for e in examples_from_seeds(seeds)]
    extra = SEEDS.parent / "evals" / "typing" / "extra_examples.jsonl"
    expected += [json.loads(line) for line in extra.read_text(encoding="utf-8").splitlines() if line.strip()]
    shipped = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    assert shipped == expected
    assert {TaskType(r["task_type"]) for r in shipped} >= {TaskType.GENERATION, TaskType.EXTRACTION}
    assert len({r["id"] for r in shipped}) == len(shipped)


def test_examples_leave_out_structural_types():
    seeds = [_seed("a", "Hi there", TaskType.MULTI_TURN), _seed("b", "Add 2 and 3", TaskType.TOOL_USE),
             _seed("c", "Write a poem", TaskType.GENERATION), _seed("d", "untyped")]
    assert [e.id for e in examples_from_seeds(seeds)] == ["c"]


def test_neighbours_leave_one_out():
    index = KnnIndex([Example("a", "en", TaskType.CODE, "zorblax the frobnicator quickly"),
                      Example("b", "en", TaskType.QA, "zorblax the frobnicator slowly")])
    assert index.neighbours("zorblax the frobnicator quickly")[0][1].id == "a"
    assert all(e.id != "a" for _, e in index.neighbours("zorblax the frobnicator quickly", exclude="a"))


def test_neighbours_decide_when_rules_are_silent():
    examples = [Example(f"g{i}", "en", TaskType.GENERATION, f"zorblax frobnicate the wibble number {i}")
                for i in range(3)]
    index = KnnIndex(examples + [Example("q", "en", TaskType.QA, "completely unrelated words here")])
    assert local_classify("zorblax frobnicate the wibble", index=index) is TaskType.GENERATION
    assert local_classify("zorblax frobnicate the wibble", index=index, use_knn=False) is TaskType.QA


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_seed_labels_agree_leave_one_out(lang):
    seeds = read_seed_files([SEEDS / f"{lang}.jsonl"])
    hits = sum(classify_record(s, exclude=s.id) is s.task_type for s in seeds)
    assert hits / len(seeds) >= 0.9, f"{hits}/{len(seeds)}"


def test_classify_record_multi_turn_is_structural():
    two = [Message(role="user", content="Write a poem"), Message(role="assistant", content="ok"),
           Message(role="user", content="Shorter")]
    assert classify_record(_seed("m", "Write a poem", messages=two)) is TaskType.MULTI_TURN
    assert classify_record(_seed("s", "Write a poem", messages=two[:2])) is TaskType.GENERATION


@pytest.mark.parametrize(("answer", "expected"), [
    ("extraction", TaskType.EXTRACTION), ("类型：信息抽取", TaskType.EXTRACTION), ("Type: code.", TaskType.CODE),
    ("I think generation, not qa", TaskType.GENERATION), ("no idea", None),
])
def test_parse_type(answer, expected):
    assert parse_type(answer) is expected


def test_llm_typer_is_asked_and_wins():
    prompts = []

    def llm(prompt):
        prompts.append(prompt)
        return "extraction"

    assert classify("为什么天空是蓝色的？", llm=llm) is TaskType.EXTRACTION
    assert "为什么天空是蓝色的？" in prompts[0] and "信息抽取" in prompts[0]  # the zh template
    assert llm_classify("Why is the sky blue?", "", llm) is TaskType.EXTRACTION
    assert "Why is the sky blue?" in prompts[1] and "pull given facts" in prompts[1]  # the en template


@pytest.mark.parametrize("llm", [lambda p: "no idea", lambda p: 1 / 0, lambda p: "multi_turn"])
def test_llm_typer_falls_back_to_local(llm):
    assert classify("Translate this into French.", llm=llm) is TaskType.TRANSLATION
