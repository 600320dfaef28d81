"""The context-dependence check: later user turns must refer to earlier content (zh and en)."""

import pytest

from agentsft.verify.context import check_context, content_units, opener, reference_markers, score_turn


def _dlg(*turns):
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]


ZH_COHERENT = _dlg("我想做松饼，食谱里要用黄油，可是家里没有黄油，能用什么代替？",
                   "可以用植物油或者融化的椰子油代替，用量是黄油的四分之三。",
                   "我打算用玉米油。那食谱里的牛奶也只剩一半了，不够怎么办？",
                   "不够的牛奶可以用酸奶加水补足。",
                   "好，我用酸奶补。那面糊会不会变稠？")
ZH_UNRELATED = _dlg("我想做松饼，食谱里要用黄油，可是家里没有黄油，能用什么代替？",
                    "可以用植物油或者融化的椰子油代替，用量是黄油的四分之三。",
                    "请解释一下光合作用的基本原理。",
                    "光合作用是植物利用光能把二氧化碳和水合成有机物的过程。",
                    "唐诗格律有哪些基本规则？")
EN_COHERENT = _dlg("I'm thinking about buying my first telescope. My budget is around $300.",
                   "At that budget, aperture matters most. A 6-inch Dobsonian reflector is a great choice.",
                   "I live on the third floor without an elevator. Is the Dobsonian too heavy to carry?",
                   "A 6-inch Dobsonian weighs about 30 pounds; a tabletop model is lighter.",
                   "What about the tabletop one, is it good for planets?")
EN_UNRELATED = _dlg("I'm thinking about buying my first telescope. My budget is around $300.",
                    "At that budget, aperture matters most. A 6-inch Dobsonian reflector is a great choice.",
                    "How do I bake sourdough bread at home?",
                    "Mix flour, water, salt and starter, let it rise overnight, then bake at 230 C.",
                    "Who won the football world cup in 1998?")


@pytest.mark.parametrize("dialogue, lang", [(ZH_COHERENT, "zh"), (EN_COHERENT, "en")])
def test_coherent_dialogues_depend_on_their_context(dialogue, lang):
    check = check_context(dialogue, lang)
    assert check.ok and check.share == 1.0 and [t.turn for t in check.turns] == [2, 3]


@pytest.mark.parametrize("dialogue, lang", [(ZH_UNRELATED, "zh"), (EN_UNRELATED, "en")])
def test_independent_questions_do_not(dialogue, lang):
    check = check_context(dialogue, lang)
    assert not check.ok and check.share == 0.0 and "do not refer" in check.detail
    assert check.as_dict()["turns"][0]["score"] < 0.5


def test_one_user_turn_has_nothing_to_check():
    assert not check_context(_dlg("你好", "你好！"), "zh").ok


def test_a_pronoun_with_nothing_to_point_at_is_not_enough():
    earlier = ZH_COHERENT[:2]
    dangling = score_turn("那它除了比特币，还能用在哪里？", [t["content"] for t in earlier], "zh")
    resolved = score_turn("那植物油和椰子油哪个更好？", [t["content"] for t in earlier], "zh")
    assert dangling.markers == ["它"] and dangling.score < 0.5
    assert resolved.score == 1.0


def test_markers_and_openers_zh_en():
    assert "这个" in reference_markers("这个方法安全吗？", "zh")
    assert reference_markers("Can you make it shorter?", "en") == ["it", "shorter"]
    assert opener("那如果先降价再涨价呢？", "zh") == "那"
    assert opener("What about the second one?", "en") == "what about"
    assert opener("Please explain photosynthesis.", "en") == ""


def test_content_units_leave_out_function_words():
    assert "什么" not in content_units("这是什么意思", "zh") and "意思" in content_units("这是什么意思", "zh")
    assert content_units("What is the best telescope?", "en") == {"best", "teles"}


def test_the_rule_is_configurable():
    half = _dlg(*[t["content"] for t in ZH_COHERENT[:3]], "好的。", "请解释一下光合作用的基本原理。")
    assert check_context(half, "zh").ok  # one of two later turns refers: share 0.5
    assert not check_context(half, "zh", min_share=1.0).ok
