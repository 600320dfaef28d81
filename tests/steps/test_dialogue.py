"""The dialogue stage on scripted models: coherent dialogues kept, unrelated turns, early ends and bad assistant
turns rejected with their reason; every candidate settles once; zh and en."""

import re
from types import SimpleNamespace
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

import agentsft.steps.dialogue  # noqa: F401  (registers the stage until builtin imports it)
from agentsft.config import ConfigError, RunConfig
from agentsft.llm import LLMService
from agentsft.schema import Candidate
from agentsft.steps.dialogue import clean_user, user_stop
from agentsft.steps.stages import resolve_stages

SCENARIOS = {
    "zh": {"coherent": "我下个月想去成都玩三天，第一次去，你能帮我规划一下行程吗？",
           "unrelated": "我想在家练习增强体质，每周能练三次，每次30分钟，该怎么安排？",
           "short": "帮我给同事写一句生日祝福，要幽默一点。",
           "bad": "推荐几本适合入门的经济学书，我没有专业背景。"},
    "en": {"coherent": "I'm planning a three-day trip to Lisbon next month. Can you sketch an itinerary?",
           "unrelated": "I want to get fitter at home, three 30-minute sessions a week. How should I start?",
           "short": "Write a one-line funny birthday wish for a coworker.",
           "bad": "Recommend a few beginner books on economics; I have no background."},
}
FOLLOW_UPS = {
    "zh": ["那第二天的行程里，美食安排能再具体一点吗？我不太能吃辣。", "好的，那这些不辣的店大概人均多少钱？"],
    "en": ["For the second day of that itinerary, can you add more detail on the food? I can't eat spicy food.",
           "Great, and roughly what would those restaurants cost per person?"],
}
UNRELATED = {
    "zh": ["请解释一下光合作用的基本原理。", "区块链技术和传统数据库有什么区别？", "唐诗格律有哪些基本规则？"],
    "en": ["Please explain how photosynthesis works.", "How do black holes form in the universe?",
           "Why did the printing press transform European literacy?"],
}


class DialogueChat(BaseChatModel):
    """Assistant turns answer the last user turn; simulator turns depend on which scenario is being played."""

    lang: str = "zh"
    fail_all: bool = False

    @property
    def _llm_type(self) -> str:
        return "dialogue-scripted"

    def _mode(self, text: str) -> str:
        return next(m for m, s in SCENARIOS[self.lang].items() if s in text)

    def _assistant(self, messages) -> str:
        last = str(messages[-1].content)
        n = sum(m.type == "human" for m in messages)
        if self._mode(str(messages[1].content)) == "bad" and n == 2:
            return "好的好的好的好的好的好的好的好的好的好的好的好的好的好的" if self.lang == "zh" else \
                "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"
        if self.lang == "zh":
            return (f"关于您说的“{last[:24]}”，我的建议分三点：第一天逛宽窄巷子和人民公园，第二天去锦里和武侯祠，"
                    f"吃钟水饺、龙抄手这类不辣的小吃，第三天看大熊猫基地。第{n}轮回答到此。")
        return [f"About \"{last}\": day one covers Alfama and the castle, day two Belem, day three Sintra.",
                f"On \"{last}\": in Belem try custard tarts and grilled sardines, which are never spicy.",
                f"Regarding \"{last}\": those places cost about 15 to 25 euros per person for a full meal.",
                f"As for \"{last}\": the short answer is yes, with a couple of caveats worth knowing."][(n - 1) % 4]

    def _user(self, prompt: str) -> str:
        mode, turn = self._mode(prompt), len(re.findall(r"^(?:用户：|User:)", prompt, re.M))
        stop = "[结束]" if self.lang == "zh" else "[END]"
        if mode == "short":
            return stop
        if mode == "unrelated":
            return UNRELATED[self.lang][(turn - 1) % 3]
        if turn > len(FOLLOW_UPS[self.lang]):
            return stop
        return FOLLOW_UPS[self.lang][turn - 1]

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        if self.fail_all:
            raise ValueError("scripted failure")
        if messages[0].type == "system":
            text = self._assistant(messages)
        else:
            text = self._user(str(messages[-1].content))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def _svc(lang="zh", **kw):
    return SimpleNamespace(cfg=RunConfig(), lang=lang, llm=LLMService(DialogueChat(lang=lang, **kw), "fake", None, 2))


def _cands(lang, modes):
    return [Candidate(id=f"{lang}-{m}", lang=lang, instruction=SCENARIOS[lang][m]) for m in modes]


def _run(lang, modes, settings=None, **kw):
    (stage,) = resolve_stages([{"dialogue": settings or {}}])
    return stage(_cands(lang, modes), _svc(lang, **kw))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_coherent_dialogue_is_kept(lang):
    kept, rejects = _run(lang, ["coherent"])
    assert not rejects and len(kept) == 1
    c = kept[0]
    roles = [m.role for m in c.messages]
    assert roles == ["user", "assistant"] * 3
    assert c.messages[0].content == SCENARIOS[lang]["coherent"]
    assert c.task_type.value == "multi_turn" and c.output == c.messages[1].content
    ctx = c.verification["context"]
    assert ctx["ok"] and [t["turn"] for t in ctx["turns"]] == [2, 3]
    assert ctx["turns"][0]["score"] >= 0.5 and ctx["share"] >= 0.5
    assert c.verification["dialogue"] == {"user_turns": 3, "stop": "simulator ended"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unrelated_turns_are_rejected_as_no_context(lang):
    kept, rejects = _run(lang, ["unrelated"])
    assert not kept and [r.reason.value for r in rejects] == ["dialogue_no_context"]
    r = rejects[0]
    assert r.stage.value == "dialogue" and len(r.candidate["messages"]) == 8  # ran to max_turns
    assert all(t["score"] < 0.5 for t in r.candidate["verification"]["context"]["turns"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_simulator_ending_after_one_turn_is_too_short(lang):
    kept, rejects = _run(lang, ["short"])
    assert not kept and [r.reason.value for r in rejects] == ["dialogue_too_short"]
    assert "1 user turn" in rejects[0].detail and "simulator ended" in rejects[0].detail


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_assistant_turn_failing_a_filter_rejects_with_its_reason_and_turn(lang):
    kept, rejects = _run(lang, ["bad"])
    assert not kept and [r.reason.value for r in rejects] == ["repetitive"]
    assert rejects[0].detail.startswith("assistant turn 2")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_candidate_settles_once(lang):
    modes = ["coherent", "unrelated", "short", "bad"]
    kept, rejects = _run(lang, modes)
    ids = [c.id for c in kept] + [r.candidate_id for r in rejects]
    assert sorted(ids) == sorted(f"{lang}-{m}" for m in modes)
    assert {r.reason.value for r in rejects} == {"dialogue_no_context", "dialogue_too_short", "repetitive"}


def test_min_and_max_turns_are_settings():
    kept, rejects = _run("zh", ["coherent"], {"max_turns": 2})
    assert not rejects and kept[0].verification["dialogue"] == {"user_turns": 2, "stop": "max_turns"}
    kept, rejects = _run("zh", ["coherent"], {"min_turns": 4, "max_turns": 4})
    assert not kept and rejects[0].reason.value == "dialogue_too_short"


def test_keep_system_stores_the_assistant_prompt_first():
    kept, _ = _run("en", ["coherent"], {"keep_system": True})
    assert kept[0].messages[0].role == "system" and "multi-turn" in kept[0].messages[0].content


def test_llm_failures_are_rejects():
    kept, rejects = _run("zh", ["coherent", "short"], fail_all=True)
    assert not kept and {r.reason.value for r in rejects} == {"llm_error"}
    assert len(rejects) == 2


def test_settings_are_validated():
    with pytest.raises(ConfigError):
        resolve_stages([{"dialogue": {"min_turns": 5, "max_turns": 3}}])
    with pytest.raises(ConfigError):
        resolve_stages([{"dialogue": {"turns": 3}}])
    with pytest.raises(ConfigError):  # a dialogue has at least two user turns
        resolve_stages([{"dialogue": {"min_turns": 1}}])


def test_simulator_text_is_cleaned_and_stop_rules_apply():
    assert clean_user("用户：那这个多少钱？\n助手：大概一百元。") == "那这个多少钱？"
    assert clean_user('User: "What about the second one?"') == "What about the second one?"
    assert user_stop("好的，谢谢！[结束]", [], "zh") == "simulator ended"
    assert user_stop("【结束】", [], "zh") == "simulator ended"
    assert user_stop("那这个多少钱？", ["那这个多少钱？"], "zh") == "repeats user turn 1"
    assert user_stop("What about that one?", [], "zh").startswith("user turn failed")
    assert user_stop("", [], "en") == "empty user turn"
    assert user_stop("And the second one?", ["Plan my trip."], "en") == ""


def test_the_recipe_resolves_with_the_dialogue_prompts():
    from pathlib import Path

    from agentsft.config import build_config
    from agentsft.prompts import load_prompt

    cfg = build_config(Path(__file__).resolve().parents[2] / "graphs" / "dialogue.yaml", {})
    assert cfg.propose.prompt == "propose_dialogue"
    assert [s.name for s in resolve_stages(cfg.stages)] == ["screen", "dialogue"]
    for lang in ("zh", "en"):
        for name in ("propose_dialogue", "dialogue_user", "dialogue_assistant"):
            assert load_prompt(name, lang).template.template.strip()


def test_an_unknown_simulator_model_is_a_config_error_naming_it(tmp_path):
    from agentsft.config import RunConfig
    from agentsft.graph.run import check_recipe

    cfg = RunConfig(stages=["screen", {"dialogue": {"user_model": "qwen"}}])
    with pytest.raises(ConfigError, match="unknown model"):
        check_recipe(cfg)
    check_recipe(RunConfig(stages=["screen", {"dialogue": {"user_model": "qwen"}}], models={"qwen": {"model": "q"}}))
