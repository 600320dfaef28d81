"""Tests for agentsft.filters.heuristic."""

import pytest

from agentsft.filters.heuristic import (
    bad_start,
    blacklisted,
    check_instruction,
    check_output,
    echoes,
    is_option,
    non_text,
    prose,
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


@pytest.mark.parametrize(
    ("text", "lang"),
    [("找规律，填出下一个数：2，6，12，20，30，？", "zh"),  # zh_seed_089: more digits than letters
     ("给定若干个闭区间，例如 [[1,3],[2,6],[8,10],[9,12]]，写Python函数把重叠的区间合并。", "zh"),  # zh_seed_106
     ("Sort these numbers: [3, 1, 2, 5, 4, 9, 8, 7]", "en")],
)
def test_non_text_keeps_tasks_about_numbers_with_enough_words(text, lang):
    assert non_text(text, lang) is None


@pytest.mark.parametrize(("text", "lang"), [("2，6，12，20，30，？", "zh"), ("12, 15, 18, 21, ab?", "en"),
                                            ("x = [1, 2, 3, 4, 5, 6, 7, 8, 9]", "en")])
def test_non_text_still_rejects_numbers_with_a_word_or_two(text, lang):
    assert non_text(text, lang) is Reason.NON_TEXT


# -- wrong_language ---------------------------------------------------------------------


def test_wrong_language_zh_run_rejects_english():
    assert wrong_language(GOOD_EN, "zh") is Reason.WRONG_LANGUAGE


def test_wrong_language_en_run_rejects_chinese():
    assert wrong_language(GOOD_ZH, "en") is Reason.WRONG_LANGUAGE


def test_wrong_language_zh_with_some_latin_is_fine():
    assert wrong_language("用Python写一个排序函数", "zh") is None


ZH_KEEP = [
    "把下面这句话翻译成中文：The quick brown fox jumps over the lazy dog near the river bank.",
    "把下面这句话翻译成中文 The quick brown fox jumps over the lazy dog near the river bank.",  # no colon
    "用Python写一个函数 def merge_sorted(a, b): 合并两个有序列表",
    "英文谚语“Don't put all your eggs in one basket.”该怎么翻译？给出直译和一个意思相近的中文说法。",
    "不使用functools.lru_cache，用Python自己实现一个容量固定的LRU缓存类，支持get和put，操作都要O(1)。",
    "订单表 orders(order_id, user_id, amount, created_at)，用MySQL写一条查询，统计2024年每个月的订单数和销售总额。",
    "我的Python程序报错 IndexError: list index out of range，这是什么意思？",
    "解释一下 machine learning 和 deep learning 的区别",
    "优化这段代码：```python\nfor i in range(len(items)):\n    print(items[i])\n```",
    "用 `git rebase --interactive` 合并最近三次提交的步骤是什么？",
]


@pytest.mark.parametrize("text", ZH_KEEP)
def test_wrong_language_zh_keeps_code_identifiers_and_text_to_translate(text):
    assert wrong_language(text, "zh") is None


@pytest.mark.parametrize(
    "text",
    ["Translate the following sentence into Chinese: 今天天气很好，我们去公园散步吧。",  # English prose, zh material
     "Please explain in detail what 人工智能 means for the future of work.",
     "How do you say “今天天气很好，我们去公园散步吧” in English?",
     "Write a Python function def merge_sorted(a, b) that merges two sorted lists, 用中文注释",
     "東京大学の歴史を簡単に説明してください",  # Japanese: kanji alone do not make it Chinese
     "“The quick brown fox jumps over the lazy dog.”"],  # all of it quoted: the whole text is judged
)
def test_wrong_language_zh_rejects_english_or_other_prose(text):
    assert wrong_language(text, "zh") is Reason.WRONG_LANGUAGE


@pytest.mark.parametrize(
    "text",
    ["Translate into English: 今天天气很好，我们去公园散步吧。",
     "Translate 今天天气很好，我们去公园散步吧 into English.",
     "What does the Chinese idiom “塞翁失马，焉知非福” mean?",
     "Explain the Chinese idiom 塞翁失马 and when to use it."],
)
def test_wrong_language_en_keeps_chinese_to_translate(text):
    assert wrong_language(text, "en") is None


@pytest.mark.parametrize(
    "text",
    ["用Python写一个排序函数", "把下面这句话翻译成中文：The quick brown fox jumps over the lazy dog.",
     "这是一个测试句子，看看模型能不能理解它 for the model"],
)
def test_wrong_language_en_rejects_chinese_prose(text):
    assert wrong_language(text, "en") is Reason.WRONG_LANGUAGE


def test_wrong_language_weighs_english_words_against_chinese_characters():
    # the same two English terms: carried by Chinese prose, or carrying the sentence
    assert wrong_language("解释一下 machine learning 和 deep learning 的区别", "zh") is None
    assert wrong_language("Explain machine learning and deep learning 的区别", "zh") is Reason.WRONG_LANGUAGE


def test_prose_drops_code_quotes_and_material_after_a_colon():
    assert prose("把这句话翻译成中文：Good morning", "zh").strip() == "把这句话翻译成中文"
    assert "lru_cache" not in prose("不使用`functools.lru_cache`实现缓存", "zh")
    assert "Hello" not in prose("“Hello”用中文怎么说", "zh")
    # a colon after too few words to judge does not cut: "任务" alone says nothing
    assert "Write" in prose("任务：Write a poem about the sea", "zh")


# -- bad_start --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("以下是一些新任务", "zh"), ("好的，我来写一首诗", "zh"), ("当然可以，写一首诗", "zh"),
     ("Here are five new tasks", "en"), ("Sure, write a poem", "en"), ("  CERTAINLY write a poem", "en"),
     ("Note: write a poem", "en")],
)
def test_bad_start_rejects(text, lang):
    assert bad_start(text, lang) is Reason.BAD_START


@pytest.mark.parametrize(
    ("text", "lang"),
    [("以下是10个新任务：", "zh"), ("下面是我生成的新指令", "zh"), ("Here are 8 new instructions:", "en"),
     ("Here is my answer", "en")],
)
def test_bad_start_rejects_lead_ins_that_announce_tasks_or_answers(text, lang):
    assert bad_start(text, lang) is Reason.BAD_START


@pytest.mark.parametrize(
    ("text", "lang"),
    [("下面是一篇扫地机器人的使用体验，帮我总结成优点和缺点各一两条。", "zh"),  # zh_seed_023
     ("下面是一条英文合同条款，翻译成规范的中文法律用语。", "zh"),  # zh_seed_071
     ("Here is a paragraph from a news article. Summarize it in one sentence.", "en")],
)
def test_bad_start_keeps_lead_ins_that_introduce_material(text, lang):
    assert bad_start(text, lang) is None


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


def test_blacklist_go_to_fires_for_a_website_not_for_a_place():
    assert blacklisted("Go to the website and sign up.", "en") is Reason.BLACKLISTED
    assert blacklisted("Send me a website link.", "en") is Reason.BLACKLISTED
    assert blacklisted("Tell me how to go to the station.", "en") is None  # directions are a text task


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Summarize the plot of Hamlet.", "en"), ("Write Python code to read a CSV file.", "en"),
     ("Explain what a hash map is.", "en"), ("Explain the difference between a map and a set in C++.", "en"),
     ("Draw a conclusion from these figures: sales rose 5% while costs fell 2%.", "en"),
     ("Explain how to take a screenshot on Windows.", "en"),
     ("Write a Python script that takes a screenshot every minute.", "en"),
     ("Write Python code to plot the monthly sales as a bar chart with matplotlib.", "en"),
     ("Generate an image prompt for a sunset over the sea.", "en"),
     ("Write a video script for a product launch.", "en"),
     ("Recommend three podcasts to listen to on a long drive.", "en"), ("Explain how a linked list works.", "en"),
     ("Write a regex that matches URLs such as https://example.com/page", "en"),
     ("写一段读取CSV文件的Python代码", "zh"), ("用Python写一个函数，逐行读取文件并统计行数", "zh"),
     ("用C语言实现一个单向链表", "zh"), ("解释一下链接器的工作原理", "zh"), ("链接器报错undefined reference怎么解决？", "zh"),
     ("网页打不开时看到的404和500错误，分别说明了什么问题？", "zh"), ("画蛇添足是什么意思？", "zh"),
     ("用matplotlib绘制折线图的Python代码", "zh"), ("为读书会设计一张海报的文案", "zh"), ("如何制作视频的封面？", "zh"),
     ("听音乐对学习有帮助吗？", "zh"), ("写一封邮件，提醒对方查看附件", "zh"), ("设计一个图书管理系统的数据库表", "zh"),
     ("在无向图中找出两点间的最短路径", "zh"), ("描述一下《蒙娜丽莎》这幅画的创作背景", "zh")],
)
def test_blacklist_keeps_text_tasks_that_merely_mention_media(text, lang):
    assert blacklisted(text, lang) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Look at the image and describe it.", "en"), ("Watch the video and list the main points.", "en"),
     ("Listen to this audio clip and transcribe it.", "en"), ("Take a screenshot of your desktop.", "en"),
     ("What is in the picture?", "en"), ("Create a bar chart of the survey results.", "en"),
     ("Describe this photo.", "en"), ("Summarize the document I uploaded.", "en"), ("Draw me a dragon.", "en"),
     ("看这张图片，说说你的感受", "zh"), ("根据下图回答问题", "zh"), ("打开链接并总结文章", "zh"),
     ("听这段音频，写出歌词", "zh"), ("总结一下我上传的文件", "zh"), ("帮我设计一张海报", "zh"), ("画一只猫", "zh"),
     ("图片中的文字是什么？", "zh"), ("描述一下这幅画的创作背景", "zh"),  # which painting? none is named
     ("请看这张图片 and describe it", "en")],  # Chinese rules apply to an en run too
)
def test_blacklist_rejects_tasks_on_media_the_model_cannot_see_or_make(text, lang):
    assert blacklisted(text, lang) is Reason.BLACKLISTED


def test_blacklist_code_exempts_making_media_but_not_missing_input():
    # drawing is the program's job; the image "below" is still missing
    assert blacklisted("Plot the sales by month.", "en") is Reason.BLACKLISTED
    assert blacklisted("Plot the sales by month with matplotlib.", "en") is None
    assert blacklisted("Write Python code for the chart shown below.", "en") is Reason.BLACKLISTED
    assert blacklisted("根据下图写出对应的Python代码", "zh") is Reason.BLACKLISTED


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


@pytest.mark.parametrize(
    ("instruction", "output", "lang"),
    [("Classify the email as spam or not spam.", "not spam", "en"),
     ("Classify the email as spam or not spam.", "spam", "en"),
     ("Answer yes or no: is this review sarcastic?", "Yes", "en"),
     ("Which is a mammal: A) shark, B) whale, C) trout?", "B", "en"),
     ("Route this message to one of: Billing, Technical Support, Shipping, Account.", "Technical Support", "en"),
     ("Classify the headline as science and technology, sports, or politics and world affairs.",
      "politics and world affairs", "en"),  # long enough to judge, but one of the options
     ("判断这条评论是正面评价还是负面评价。", "负面评价", "zh"),
     ("这条评论的情感是“正面”“负面”还是“中性”？", "正面", "zh"),
     ("给定用户的一句话，判断意图，只能输出以下之一：查询余额、转账汇款、挂失补卡、其他。", "挂失补卡", "zh"),
     ("判断下面这段代码的问题属于“语法错误”“运行时错误”还是“逻辑错误”。", "运行时错误", "zh")],
)
def test_check_output_keeps_a_label_named_in_the_instruction(instruction, output, lang):
    assert check_output(instruction, "some input text", output, lang, 1) is None


@pytest.mark.parametrize(
    ("instruction", "output", "lang"),
    [("Write a poem about love and loss.", "a poem about love and loss", "en"),
     ("Explain, in simple words, how the water cycle works for kids.", "Explain, in simple words, how the water cycle",
      "en"),
     ("请用简单的话解释水循环是怎么回事，适合小学生", "请用简单的话解释水循环是怎么回事", "zh"),
     ("列出三种常见的排序算法，并说明各自的时间复杂度", "三种常见的排序算法，各自的时间复杂度", "zh")],
)
def test_check_output_long_restatement_is_still_an_echo(instruction, output, lang):
    assert check_output(instruction, "", output, lang, 1)[0] is Reason.OUTPUT_ECHO


def test_is_option_needs_a_list_around_the_label():
    assert is_option("B", "Pick A, B or C.")
    assert not is_option("b", "Write about it, briefly.")  # a letter inside a word
    assert is_option("Liquid", "Is bromine a Solid, Liquid, or Gas?")  # commas on both sides
    assert not is_option("Explain X", "Explain X, for kids.")  # a comma on one side only
    assert is_option("负面", "回答“正面”或“负面”")
    assert not is_option("解释水循环", "解释水循环，适合小学生")


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
