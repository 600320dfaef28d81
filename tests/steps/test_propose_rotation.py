"""The rotating proposal prompt: task type, subject or topic, register and length per call, reproducibly."""

from __future__ import annotations

import re

from agentsft.config import ProposeConfig, RunConfig
from agentsft.schema import SeedTask
from agentsft.steps.propose import build_requests
from agentsft.steps.rotation import vocab
from agentsft.steps.topics import TopicTree

SEEDS = [SeedTask(id=f"s{i}", instruction=text, lang="zh", task_type=kind) for i, (text, kind) in enumerate([
    ("为什么天空是蓝色的？", "qa"), ("把这句话翻译成英文：你好。", "translation"), ("用Python写一个求和函数。", "code"),
    ("总结下面这段文字。", "summarization"), ("以春雨为题写一首短诗。", "generation"),
    ("游客想改签机票，请以客服身份回复。", "roleplay"), ("判断这条酒店评论是正面还是负面。", "classification"),
    ("今天是星期三，再过100天是星期几？", "reasoning")])]


def _cfg(tmp_path, **kw) -> RunConfig:
    return RunConfig(out=tmp_path / "run", batch_size=4, **kw)


def _prompts(cfg, round_no=1, lang="zh", tree=None, propose_cfg=None):
    return [r[0][-1]["content"] for r in build_requests(SEEDS, [], cfg, lang, round_no, propose_cfg, tree)]


def _field(prompt: str, label: str) -> str:
    return re.search(rf"{label}：?(.+?)[。\n]", prompt).group(1)


def test_the_old_template_renders_as_before(tmp_path):
    reqs = build_requests(SEEDS, [], _cfg(tmp_path), "zh", 1)
    assert {r[1] for r in reqs} == {"zh/propose.v1"}
    assert not any("措辞语气" in r[0][-1]["content"] for r in reqs)
    assert all(r[2].topic == "" for r in reqs)


def test_rotation_is_reproducible_from_the_seed_round_and_call(tmp_path):
    cfg = _cfg(tmp_path, propose={"prompt": "propose_rotated"})
    assert _prompts(cfg) == _prompts(cfg)
    assert _prompts(cfg, round_no=2) != _prompts(cfg, round_no=1)
    other = _cfg(tmp_path, seed=7, propose={"prompt": "propose_rotated"})
    assert _prompts(other) != _prompts(cfg)


def test_rotation_varies_register_length_subject_and_types_across_calls(tmp_path):
    cfg = _cfg(tmp_path, propose={"prompt": "propose_rotated"})
    one_round = _prompts(cfg)
    assert len({_field(p, "措辞语气") for p in one_round}) == 4  # the calls of a round differ
    assert len({_field(p, "内容围绕这个领域") for p in one_round}) == 4
    assert len({_field(p, "只写以下类型的任务") for p in one_round}) == 4
    many = [p for r in range(1, 4) for p in _prompts(cfg, round_no=r)]
    lengths = {_field(p, "每条指令的长度") for p in many}
    assert lengths == set(vocab()["lengths"]["zh"].values())
    assert len({_field(p, "措辞语气") for p in many}) == len(vocab()["registers"]["zh"])


def test_rotation_in_english(tmp_path):
    cfg = _cfg(tmp_path, propose={"prompt": "propose_rotated"})
    prompts = _prompts(cfg, lang="en")
    assert all("Wording and tone:" in p and "new task instructions" in p for p in prompts)
    assert len({re.search(r"Subject area: (.+)\.", p).group(1) for p in prompts}) == 4


def test_a_balance_block_sets_the_types_of_a_rotating_prompt(tmp_path):
    cfg = _cfg(tmp_path, propose={"prompt": "propose_rotated"}, balance={"mix": {"code": 1, "translation": 1}})
    kinds = {_field(p, "只写以下类型的任务") for p in _prompts(cfg)}
    assert kinds <= {"代码、翻译", "翻译、代码"}


def test_a_scoped_run_asks_about_its_domain_with_one_topic_per_call(tmp_path):
    tree = TopicTree("旅游客服", ("机票改签", "酒店预订", "签证咨询", "行李丢失"), "test")
    reqs = build_requests(SEEDS, [], _cfg(tmp_path, domain="旅游客服"), "zh", 1, None, tree)
    assert {r[1] for r in reqs} == {"zh/propose_scoped.v1"}
    assert {r[2].topic for r in reqs} == set(tree.topics)
    for messages, _, prov in reqs:
        text = messages[-1]["content"]
        assert "「旅游客服」" in text and f"子话题：{prov.topic}" in text and "措辞语气" in text
    demos = reqs[0][0][-1]["content"].split("示例任务：")[1]
    assert "游客想改签机票" in demos  # the seed nearest the domain is shown first


def test_a_branch_template_gets_the_scope_hint(tmp_path):
    tree = TopicTree("旅游客服", ("机票改签",), "test")
    cfg = _cfg(tmp_path, domain="旅游客服")
    branch = ProposeConfig(prompt="propose_reasoning")
    prompts = _prompts(cfg, tree=tree, propose_cfg=branch)
    assert all(p.startswith("（本批所有任务都必须属于「旅游客服」领域，围绕子话题：机票改签。）") for p in prompts)
