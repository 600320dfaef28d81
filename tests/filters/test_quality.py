"""Tests for the quality gate (agentsft.filters.quality): each reason code fails and passes in zh and en."""

import pytest

from agentsft.filters import quality_struct
from agentsft.filters.quality import QUALITY_CHECKS, check_sample, repeated_sentence
from agentsft.filters.quality_lexicon import DATA, read_list
from agentsft.schema import Reason

F = "```"

# (reason, lang, instruction, input, output, task_type): must be rejected with that reason
FAILING = [
    (Reason.REFUSAL, "zh", "明天上海会下雨吗？", "", "抱歉，我无法获取实时天气信息，请查看天气应用。", "qa"),
    (Reason.REFUSAL, "en", "Explain how a heat pump works.", "", "I'm sorry, but I can't help with that request.", "qa"),
    (Reason.AI_SELF_REFERENCE, "zh", "你喜欢什么季节？", "", "我是一个AI助手，没有个人喜好，不过很多人喜欢秋天的凉爽。", None),
    (Reason.AI_SELF_REFERENCE, "en", "What is your favourite film?", "",
     "As an AI language model, I have no favourites, but many people love Casablanca.", None),
    (Reason.NOT_A_TASK, "zh", "请你在现场给大家讲解。", "", "好的，下面我来讲解。", None),
    (Reason.NOT_A_TASK, "en", "The task is completed.", "", "Great, thanks.", None),
    (Reason.TOXIC, "zh", "帮我回复这条差评。", "菜太咸了。", "你这个白痴，不会吃就别来！", "generation"),
    (Reason.TOXIC, "en", "Reply to the complaint.", "The parcel was late.", "Stop whining, you idiot.", "generation"),
    (Reason.PERSONAL_DATA, "zh", "写一条活动邀请短信。", "", "诚邀您参加发布会，如有疑问请致电13812345679。", "generation"),
    (Reason.PERSONAL_DATA, "en", "Write an email signature.", "", "Dana Reyes | Sales\ndana.reyes@brightwave.co.uk", "generation"),
    (Reason.CODE_INVALID, "zh", "用Python写一个求和函数。", "", F + "python\ndef add(a, b)\n    return a + b\n" + F, "code"),
    (Reason.CODE_INVALID, "en", "Write a Python function that reverses a string.", "",
     F + "py\ndef rev(s):\n    return s[::-1\n" + F, "code"),
    (Reason.JSON_INVALID, "zh", "以JSON格式输出姓名和年龄：张三，28岁。", "", "{\"姓名\": \"张三\", \"年龄\": 28,}", "extraction"),
    (Reason.JSON_INVALID, "en", "Return the city and country of Paris as JSON.", "", "city: Paris, country: France",
     "extraction"),
    (Reason.LANGUAGE_MISMATCH, "zh", "为什么冬天容易感冒？", "",
     "In winter people stay indoors, so viruses spread more easily between them.", "qa"),
    (Reason.LANGUAGE_MISMATCH, "en", "Why do cats purr?", "", "猫咪呼噜通常表示放松和满足，有时也是在缓解疼痛。", "qa"),
    (Reason.INCOHERENT, "zh", "介绍一下太阳系。", "",
     "太阳系锅炉裤子劈柴耍猴磁铁拐杖菠萝蝉蜕秤砣蜡烛瓢虫螺丝钉泼墨碉堡篱笆烟囱棉袄砧板", "qa"),
    (Reason.INCOHERENT, "en", "Explain how vaccines work.", "",
     "Vaccines purple elephant calendar running quickly banana legislation window seventeen marble thunder", "qa"),
    (Reason.REPETITIVE, "zh", "介绍一下杭州。", "", "杭州是一个美丽的城市。" * 5, "qa"),
    (Reason.REPETITIVE, "en", "Explain why sleep matters.", "", "Sleep is important. " * 6, "qa"),
]

# near misses: must be kept
PASSING = [
    (Reason.REFUSAL, "zh", "秦始皇是哪一天出生的？", "",
     "我不能确定具体日期，但据《史记》记载，秦始皇生于公元前259年正月，出生在赵国邯郸，史书没有留下更精确的日子，现代学者一般只写到年份和月份。", "qa"),
    (Reason.REFUSAL, "en", "Write a polite reply declining a meeting.", "",
     "Thank you for the invitation. Unfortunately I am unable to attend on Thursday, but next week works.", "generation"),
    (Reason.AI_SELF_REFERENCE, "zh", "比较ChatGPT和Claude的异同。", "",
     "两者都是对话助手。ChatGPT由OpenAI推出，Claude由Anthropic推出，在上下文长度和安全策略上各有侧重。", "qa"),
    (Reason.AI_SELF_REFERENCE, "en", "What is ChatGPT?", "",
     "ChatGPT is a chatbot released by OpenAI in 2022, built on the GPT family of language models.", "qa"),
    (Reason.NOT_A_TASK, "zh", "中国四大发明分别是什么", "", "造纸术、印刷术、火药和指南针。", "qa"),
    (Reason.NOT_A_TASK, "en", "Name three primary colors.", "", "Red, yellow and blue.", "qa"),
    (Reason.TOXIC, "zh", "判断这句话是否带有侮辱性，回答“是”或“否”。", "你这个废物，什么都干不好。", "是", "classification"),
    (Reason.TOXIC, "en", "Classify the comment as toxic or not toxic.", "You are a pathetic loser.", "toxic",
     "classification"),
    (Reason.PERSONAL_DATA, "zh", "计算123456789乘以9。", "", "123456789 × 9 = 1111111101。", "reasoning"),
    (Reason.PERSONAL_DATA, "en", "Write a contact line for our docs.", "", "For questions, write to support@example.com.",
     "generation"),
    (Reason.CODE_INVALID, "zh", "演示Python列表推导式。", "", F + "python\n>>> [x * x for x in range(3)]\n[0, 1, 4]\n" + F, "code"),
    (Reason.CODE_INVALID, "en", "Write a JavaScript function that doubles a number.", "",
     F + "\nconst double = (x) => x * 2;\n" + F, "code"),
    (Reason.JSON_INVALID, "zh", "JSON和XML有什么区别？", "", "JSON更轻量，XML用标签表示结构，更冗长。", "qa"),
    (Reason.JSON_INVALID, "en", "Give me a JSON array of three planets.", "",
     F + "json\n[\"Mercury\", \"Venus\", \"Earth\"]\n" + F, "generation"),
    (Reason.LANGUAGE_MISMATCH, "zh", "什么是过拟合？", "",
     "过拟合（overfitting）是指模型在训练集上表现很好，但在新数据上表现差，可以用正则化或dropout缓解。", "qa"),
    (Reason.LANGUAGE_MISMATCH, "en", "Translate into Chinese: Good morning, everyone.", "", "大家早上好。", "translation"),
    (Reason.INCOHERENT, "zh", "简要说明TCP三次握手的过程。", "",
     "客户端先发送SYN报文，服务器回复SYN+ACK报文，客户端再发送ACK报文，双方确认彼此的收发能力后建立连接。", "qa"),
    (Reason.INCOHERENT, "en", "Give a packing list for a two-day hike.", "",
     "Backpack, water bottles, trail mix, sandwiches, rain jacket, warm layer, map, compass, headlamp, first-aid kit.",
     "generation"),
    (Reason.REPETITIVE, "zh", "列出五个含“春”字的成语。", "", "春暖花开、春华秋实、春风化雨、妙手回春、一年之计在于春。", "qa"),
    (Reason.REPETITIVE, "en", "List the days of the week.", "",
     "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday.", "qa"),
]


def _ids(rows):
    return [f"{r[0].value}-{r[1]}" for r in rows]


@pytest.mark.parametrize(("reason", "lang", "instruction", "input", "output", "task_type"), FAILING, ids=_ids(FAILING))
def test_failing_example_gets_its_reason(reason, lang, instruction, input, output, task_type):
    hit = check_sample(instruction, output, lang, input=input, task_type=task_type)
    assert hit is not None and hit[0] is reason, hit


@pytest.mark.parametrize(("reason", "lang", "instruction", "input", "output", "task_type"), PASSING, ids=_ids(PASSING))
def test_near_miss_is_kept(reason, lang, instruction, input, output, task_type):
    assert check_sample(instruction, output, lang, input=input, task_type=task_type) is None


def test_every_reason_of_the_gate_has_a_failing_and_passing_example_in_both_languages():
    gate = {Reason.REFUSAL, Reason.AI_SELF_REFERENCE, Reason.NOT_A_TASK, Reason.TOXIC, Reason.PERSONAL_DATA,
            Reason.CODE_INVALID, Reason.JSON_INVALID, Reason.LANGUAGE_MISMATCH, Reason.INCOHERENT, Reason.REPETITIVE}
    for table in (FAILING, PASSING):
        assert {(r[0], r[1]) for r in table} == {(g, lang) for g in gate for lang in ("zh", "en")}


def test_checks_are_named_in_order():
    assert QUALITY_CHECKS[0] == "not_a_task" and QUALITY_CHECKS[-1] == "incoherent"
    assert len(set(QUALITY_CHECKS)) == 10


def test_refusal_with_ai_self_reference_counts_as_refusal():
    hit = check_sample("写一首诗。", "作为一个AI语言模型，我不能创作诗歌。", "zh")
    assert hit and hit[0] is Reason.REFUSAL


@pytest.mark.parametrize(("number", "ok"), [("11010519491231002X", True), ("110105194912310021", False)])
def test_id_checksum(number, ok):
    assert quality_struct.id_checksum_ok(number) is ok


@pytest.mark.parametrize(("digits", "ok"), [("6222021008123456784", True), ("6222021008123456785", False)])
def test_luhn(digits, ok):
    assert quality_struct.luhn_ok(digits) is ok


def test_id_number_with_bad_checksum_is_not_personal_data():
    assert quality_struct.find_personal_data("编号110105194912310021") is None
    assert quality_struct.find_personal_data("身份证号11010519491231002X") is not None


def test_input_of_a_pii_detection_task_is_not_checked():
    hit = check_sample("判断下面文本是否包含手机号，回答“包含”或“不包含”。", "包含", "zh", input="请拨打13912345678",
                       task_type="classification")
    assert hit is None


def test_messages_are_checked_per_turn():
    messages = [{"role": "user", "content": "什么是光合作用？"},
                {"role": "assistant", "content": "光合作用是植物利用光能把二氧化碳和水合成有机物并释放氧气的过程。"},
                {"role": "user", "content": "那它主要发生在植物的哪个部位？"},
                {"role": "assistant", "content": "It mostly happens in the chloroplasts of leaf cells, in the mesophyll."}]
    hit = check_sample("什么是光合作用？", "", "zh", messages=messages, task_type="multi_turn")
    assert hit and hit[0] is Reason.LANGUAGE_MISMATCH and "turn 2" in hit[1]


def test_user_switching_language_gets_answer_in_that_language():
    messages = [{"role": "user", "content": "什么是光合作用？"},
                {"role": "assistant", "content": "光合作用是植物利用光能把二氧化碳和水合成有机物并释放氧气的过程。"},
                {"role": "user", "content": "Please answer in English from now on: where does it happen?"},
                {"role": "assistant", "content": "It mostly happens in the chloroplasts of leaf cells."}]
    assert check_sample("什么是光合作用？", "", "zh", messages=messages, task_type="multi_turn") is None


def test_think_block_is_ignored():
    out = "<think>I'm sorry, but I can't be sure.</think>Bread stales because its starch recrystallises as it cools."
    assert check_sample("Why does bread go stale?", out, "en") is None


def test_code_is_parsed_never_run(tmp_path):
    marker = tmp_path / "ran"
    out = F + f"python\nopen({str(marker)!r}, 'w').write('x')\n" + F
    assert check_sample("Write Python that writes a file.", out, "en", task_type="code") is None
    assert not marker.exists()


def test_repeated_sentence():
    assert repeated_sentence("好。" + "今天天气很好。" * 4)
    assert not repeated_sentence("今天天气很好。明天会下雨。后天转晴。")


@pytest.mark.parametrize("name", ["refusal_zh.txt", "refusal_en.txt", "ai_self_zh.txt", "ai_self_en.txt",
                                  "toxic_zh.txt", "toxic_en.txt", "not_a_task.txt", "task_cues.txt",
                                  "bigrams_zh.txt", "function_words_en.txt", "function_chars_zh.txt"])
def test_word_lists_state_provenance(name):
    text = (DATA / name).read_text(encoding="utf-8")
    assert text.startswith("#") and ("agentsft" in text.split("\n\n")[0] or "Provenance" in text)
    assert read_list(name)


@pytest.mark.parametrize(("text", "lang"), [("一个女人在写作。", "zh"), ("今天的天气非常好，阳光明媚。", "zh"),
                                            ("The new plan will provide customers a way to create reports.", "en"),
                                            ("Good morning!", "en"), ("大家好。", "zh")])
def test_statements_and_greetings_are_not_tasks(text, lang):
    assert check_sample(text, "好的。" if lang == "zh" else "Okay.", lang)[0] is Reason.NOT_A_TASK


@pytest.mark.parametrize(("text", "lang"), [("安徽财贸职业学院学费", "zh"), ("把这句古文改写成现代汉语。", "zh"),
                                            ("用一句话概括这段话。", "zh"), ("best pizza places in Naples", "en"),
                                            ("From this transcript, pull out the decisions.", "en"),
                                            ("You're a tour guide. A visitor asks: \"Where is the museum?\" Respond.", "en")])
def test_queries_and_imperatives_after_a_phrase_are_tasks(text, lang):
    from agentsft.filters.quality_lexicon import not_a_task
    assert not_a_task(text, lang) is None


def test_messages_may_be_schema_messages_and_tool_turns_are_skipped():
    from agentsft.schema import Message

    messages = [Message(role="user", content="Explain why the sky is blue."),
                Message(role="assistant", content=None, tool_calls=None),
                Message(role="tool", content="{}", tool_call_id="x"),
                Message(role="assistant", content="I'm sorry, but I can't help with that.")]
    hit = check_sample("Explain why the sky is blue.", "", "en", messages=messages)
    assert hit and hit[0] is Reason.REFUSAL


@pytest.mark.parametrize(("text", "lang", "refused"), [
    ("抱歉，我无法提供实时汇率，但一般来说，人民币兑美元的汇率在过去一年里大致在7.1到7.3之间波动，你可以在中国银行官网"
     "或者手机银行里查到当天的牌价，换汇时还要注意现汇和现钞价格的差别。", "zh", False),
    ("抱歉，我无法提供实时汇率，但你可以查银行官网。", "zh", True),
    ("I cannot help with that, but here is a general overview: heat pumps move heat from outside to inside with a "
     "refrigerant cycle, which is why they beat resistive heaters in mild climates by a wide margin.", "en", False),
    ("I’m sorry, but I can’t help with that.", "en", True),
])
def test_refusal_that_pivots_and_helps_is_a_hedge(text, lang, refused):
    from agentsft.filters.quality_lexicon import refusal
    assert (refusal(text, lang) is not None) is refused


@pytest.mark.parametrize("task_type", ["qa", "code"])
def test_unfenced_shell_command_is_not_word_salad(task_type):
    out = "Run: pip install numpy pandas scipy matplotlib seaborn scikit-learn jupyter notebook ipython"
    assert check_sample("How do I install the scientific Python stack?", out, "en", task_type=task_type) is None
