"""Root verb-object extraction on a few zh and en instructions."""

from __future__ import annotations

import pytest

from agentsft.report.diversity import verb_object_report
from agentsft.report.verbobj import verb_object


@pytest.mark.parametrize("text,expected", [
    ("写一首关于春天的诗", ("写", "诗")),
    ("请列出三种常见的水果", ("列出", "水果")),
    ("请把下面这句话翻译成英文", ("翻译", "话")),  # 把: the object comes before the verb
    ("从这段聊天记录里提取订单号和顾客要求。", ("提取", "订单号")),
    ("今天是星期三，再过100天是星期几？", (None, None)),
])
def test_zh(text, expected):
    assert verb_object(text, "zh") == expected


@pytest.mark.parametrize("text,expected", [
    ("Write a short poem about love", ("write", "poem")),
    ("Could you please give me three tips for staying healthy?", ("give", "tips")),
    ("Translate this hotel notice into Chinese.", ("translate", "notice")),
    ("Explain why the sky is blue.", ("explain", None)),
    ("What is inflation?", (None, None)),
    ("What's the difference between a virus and a bacterium?", (None, None)),
    ("Four friends split a bill.", (None, None)),
])
def test_en(text, expected):
    assert verb_object(text, "en") == expected


def test_report_counts_distinct_verbs_and_pairs():
    rep = verb_object_report([("en", "Write a poem."), ("en", "Write a poem about cats."), ("en", "Write a song."),
                              ("en", "What is it?")])
    assert (rep["with_verb"], rep["with_pair"], rep["distinct_verbs"], rep["distinct_pairs"]) == (3, 3, 1, 2)
    assert rep["top"][0]["verb"] == "write" and rep["top"][0]["objects"][0] == "poem (2)"
