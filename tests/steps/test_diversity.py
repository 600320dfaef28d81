"""Diversity operators: paraphrase and evol rewrite the instruction, unusable rewrites are rejects or kept
originals (recorded), duplicates of the original or the pool are caught, every candidate comes back once."""

from types import SimpleNamespace
from typing import Any, Callable

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agentsft.config import RunConfig
from agentsft.llm import LLMService
from agentsft.novelty import ExactGate, NoveltyEngine
from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Sample
from agentsft.steps.diversity import EVOL_OPS, TONES, draw, tone_wording
from agentsft.steps.diversity_checks import clean_rewrite
from agentsft.steps.stages import resolve_stages

ZH = "解释一下光合作用是怎样进行的。"
EN = "Explain how photosynthesis works."
GOOD = {"zh": "能否请您详细说明植物通过叶绿体把阳光转化为养分的全过程？",
        "en": "Could you walk me through the way green plants turn sunlight into sugar?"}


class Rewriter(BaseChatModel):
    """Answers each prompt with ``reply(prompt)``; records the prompts it saw."""

    reply: Callable[[str], str]
    prompts: list = []
    fail_on: str = ""  # a prompt holding this raises (an LLM error)

    @property
    def _llm_type(self) -> str:
        return "rewriter"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        self.prompts.append(prompt)
        if self.fail_on and self.fail_on in prompt:
            raise ValueError("scripted failure")
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply(prompt)))])


def _svc(chat, lang="en", gate=None, seed=0):
    return SimpleNamespace(cfg=RunConfig(seed=seed), lang=lang, llm=LLMService(chat, "fake", None, 2, max_attempts=1),
                           gate=gate)


def _cand(i, lang="en", text=None, **kw):
    return Candidate(id=f"c{i}", lang=lang, instruction=text or (ZH if lang == "zh" else EN), **kw)


def _topics(n):
    """``n`` distinct instructions without numbers (a rewrite must keep the original's numbers)."""
    words = [a + b for a in ("ka", "lo", "mi", "nu", "pe", "ri", "so", "tu") for b in ("ba", "de", "fi", "go", "hu")]
    return [f"Explain {w} in detail." for w in words[:n]]


def _run(stage, reply, batch, settings=None, **svc_kw):
    chat = Rewriter(reply=reply if callable(reply) else (lambda p: reply), prompts=[])
    (bound,) = resolve_stages([{stage: settings or {}}])
    kept, rejects = bound(batch, _svc(chat, batch[0].lang if batch else "en", **svc_kw))
    return kept, rejects, chat


def _accounted(batch, kept, rejects):
    assert sorted(c.id for c in batch) == sorted([c.id for c in kept] + [r.candidate_id for r in rejects])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_paraphrase_replaces_the_instruction_and_records_tone_and_original(lang):
    batch = [_cand(0, lang)]
    kept, rejects, chat = _run("paraphrase", GOOD[lang], batch)
    assert not rejects and kept[0].instruction == GOOD[lang]
    entry = kept[0].provenance.rewrites[0]
    assert entry["ok"] and entry["operator"] == "paraphrase" and entry["tone"] in TONES
    assert entry["original"] == batch[0].instruction and entry["prompt"] == f"{lang}/paraphrase.v1"
    assert tone_wording(lang, "v1")[entry["tone"]] in chat.prompts[0]  # the drawn tone is what was asked for
    assert batch[0].instruction in chat.prompts[0]
    assert kept[0].provenance.novelty == {} and "paraphrase_s" in kept[0].provenance.timings


def test_tones_are_drawn_reproducibly_per_candidate_or_fixed_by_setting():
    batch = [_cand(i, text=t) for i, t in enumerate(_topics(24))]

    def tones(settings=None, seed=0):
        kept, _, _ = _run("paraphrase", lambda p: "Tell me, briefly, about it " + str(hash(p)) + "?", batch,
                          settings, seed=seed)
        return [c.provenance.rewrites[0]["tone"] for c in sorted(kept, key=lambda c: int(c.id[1:]))]

    first = tones()
    assert first == tones() and set(first) == set(TONES)  # same draw twice; every tone used over 24 candidates
    assert tones(seed=1) != first  # the run seed changes the draw
    assert set(tones({"tone": "terse"})) == {"terse"}
    assert set(tones({"tones": ["formal", "casual"]})) == {"formal", "casual"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("op", EVOL_OPS)
def test_each_evol_operator_uses_its_own_prompt(lang, op):
    kept, rejects, chat = _run("evol", GOOD[lang], [_cand(0, lang)], {"operator": op})
    assert not rejects and kept[0].instruction == GOOD[lang]
    entry = kept[0].provenance.rewrites[0]
    assert entry["operator"] == op and entry["prompt"] == f"{lang}/evol_{op}.v1" and "tone" not in entry
    assert chat.prompts[0] == load_prompt(f"evol_{op}", lang).render(instruction=ZH if lang == "zh" else EN)
    others = {load_prompt(f"evol_{o}", lang).render(instruction="") for o in EVOL_OPS}
    assert len(others) == len(EVOL_OPS)  # five different prompts


def test_evol_operators_are_drawn_from_the_list():
    batch = [_cand(i, text=t) for i, t in enumerate(_topics(30))]
    kept, _, _ = _run("evol", lambda p: "Write a short story " + str(hash(p)) + " about a lighthouse keeper?", batch)
    assert {c.provenance.rewrites[0]["operator"] for c in kept} == set(EVOL_OPS)
    kept, _, _ = _run("evol", lambda p: "Write a short story " + str(hash(p)) + " about a lighthouse keeper?", batch,
                      {"operators": ["breadth", "deepen"]})
    assert {c.provenance.rewrites[0]["operator"] for c in kept} == {"breadth", "deepen"}


def _paraphrase_echo(lang):
    """A rule line of the paraphrase prompt, given back as the rewrite."""
    return load_prompt("paraphrase", lang).render(tone="", instruction="").splitlines()[2].lstrip("- ")


@pytest.mark.parametrize("lang, answer, why", [
    ("en", "", "empty"),
    ("en", "   \n ", "empty"),
    ("en", "<think>I should rewrite it.</think>", "empty"),
    ("en", EN, "unchanged"),
    ("en", "explain how photosynthesis works!", "unchanged"),
    ("en", "Explain how photosynthesis really works.", "barely changed"),
    ("en", "Here is the rewritten instruction: explain photosynthesis in plants, please.", "talks about"),
    ("en", _paraphrase_echo("en"), "prompt_echo"),
    ("en", "I'm sorry, but I can't help with rewriting this request.", "refusal"),
    ("en", "Describe the image in the attachment in one paragraph.", "blacklisted"),
    ("en", "Photosynthesis is a process used by plants to make food from light.", "no longer a task"),
    ("en", "As an AI language model, please explain photosynthesis to me.", "ai_self_reference"),
    ("zh", "", "empty"),
    ("zh", ZH, "unchanged"),
    ("zh", "解释一下光合作用是怎样进行的？", "unchanged"),
    ("zh", "请按照原指令的要求，说明光合作用的详细过程。", "talks about"),
    ("zh", _paraphrase_echo("zh"), "prompt_echo"),
    ("zh", "请根据这张图片描述一下光合作用的过程。", "blacklisted"),
    ("zh", "Please explain how photosynthesis works in plants.", "wrong_language"),
    ("zh", "光合作用是植物利用阳光制造养分的过程。", "no longer a task"),
])
def test_unusable_rewrites_are_rewrite_unusable_rejects(lang, answer, why):
    batch = [_cand(0, lang)]
    kept, rejects, _ = _run("paraphrase", answer, batch)
    assert not kept and len(rejects) == 1
    rej = rejects[0]
    assert rej.reason.value == "rewrite_unusable" and rej.stage.value == "diversity" and why in rej.detail
    assert rej.candidate["instruction"] == batch[0].instruction  # the reject holds the original ...
    entry = rej.candidate["provenance"]["rewrites"][0]  # ... and what was tried
    assert entry["ok"] is False and entry["reason"] == "rewrite_unusable" and why in entry["detail"]


def test_a_rewrite_cut_at_max_tokens_is_unusable():
    chat = Rewriter(reply=lambda p: "word " * 40, prompts=[])
    (bound,) = resolve_stages([{"evol": {"max_tokens": 16}}])
    svc = _svc(chat)
    kept, rejects = bound([_cand(0)], svc)
    assert not kept and rejects[0].reason.value == "rewrite_unusable"


def test_on_fail_keep_keeps_the_original_and_records_the_failure():
    batch = [_cand(0, "zh")]
    kept, rejects, _ = _run("evol", ZH, batch, {"on_fail": "keep"})
    assert not rejects and kept[0].instruction == ZH
    entry = kept[0].provenance.rewrites[0]
    assert entry["ok"] is False and entry["reason"] == "rewrite_unusable" and "unchanged" in entry["detail"]


def test_clean_rewrite_removes_labels_fences_quotes_and_takes_the_first_alternative():
    assert clean_rewrite("Rewritten instruction: \"Tell me why the sky is blue.\"") == "Tell me why the sky is blue."
    assert clean_rewrite("**New prompt:** Summarise the plot.") == "Summarise the plot."
    assert clean_rewrite("```\n请写一首关于秋天的诗。\n```") == "请写一首关于秋天的诗。"
    assert clean_rewrite("1. Say hi politely.\n2. Greet me.") == "Say hi politely."
    assert clean_rewrite("<think>hmm</think>\n「请介绍长城。」") == "请介绍长城。"
    multi = "List three rivers in Asia.\nFor each, give its length in km."
    assert clean_rewrite(multi) == multi  # a two-line instruction stays whole


def test_evol_rejects_a_near_duplicate_of_its_own_original():
    gate = NoveltyEngine(None)  # lexical-only gate: the same engine the runs use, without an embedder
    original = "Explain how photosynthesis works in plants."
    near = "Explain how photosynthesis works in green plants."  # wording changed enough, meaning not
    kept, rejects, _ = _run("evol", near, [_cand(0, text=original)], gate=gate)
    assert not kept and rejects[0].reason.value == "rewrite_unusable" and "own original" in rejects[0].detail
    kept, rejects, _ = _run("evol", near, [_cand(0, text=original)], {"compare_original": False}, gate=gate)
    assert kept and kept[0].instruction == near and kept[0].provenance.novelty["novel"]


def test_a_rewrite_duplicating_the_pool_or_another_candidate_keeps_the_gate_code():
    gate = ExactGate()
    gate.add("s1", GOOD["en"])
    kept, rejects, _ = _run("paraphrase", GOOD["en"], [_cand(0)], gate=gate)
    assert not kept and rejects[0].reason.value == "duplicate_exact" and "twin s1" in rejects[0].detail
    # two candidates rewritten into the same text: keep-first
    kept, rejects, _ = _run("paraphrase", GOOD["en"], [_cand(0), _cand(1, text="What drives photosynthesis?")],
                            gate=ExactGate())
    assert [c.id for c in kept] == ["c0"] and rejects[0].candidate_id == "c1"
    # a rewrite equal to an instruction that stays in the batch (not rewritten: share draws it out)
    batch = [_cand(i, text=t) for i, t in enumerate(_topics(10))]
    out = {c.id for c in batch if draw(0, "paraphrase", c.id, "share") >= 0.5}
    stay = next(c for c in batch if c.id in out)
    kept, rejects, _ = _run("paraphrase", stay.instruction, batch, {"share": 0.5}, gate=ExactGate())
    assert rejects and all(r.reason.value == "duplicate_exact" and "instruction" in r.detail for r in rejects)
    assert {c.id for c in kept} == out


def test_every_candidate_comes_back_once_whatever_happens():
    def reply(prompt):
        if "number 1 " in prompt:
            return ""
        if "number 2 " in prompt:
            return "Explain topic number 2 in detail."  # unchanged
        return f"Could you tell me about item {prompt.count('e')} {len(prompt)} at length?"

    batch = [_cand(i, text=f"Explain topic number {i} in detail.") for i in range(8)]
    batch.append(_cand(8, text="Explain topic number 8 in detail.", output="An answer written earlier."))
    chat = Rewriter(reply=reply, prompts=[], fail_on="number 3 ")
    for stage in ("paraphrase", "evol"):
        (bound,) = resolve_stages([stage])
        kept, rejects = bound(batch, _svc(chat, gate=ExactGate()))
        _accounted(batch, kept, rejects)
        assert [c.id for c in kept] == [c.id for c in batch if c.id in {k.id for k in kept}]  # batch order kept
        codes = {r.candidate_id: r.reason.value for r in rejects}
        assert codes["c1"] == "rewrite_unusable" and codes["c2"] == "rewrite_unusable" and codes["c3"] == "llm_error"
        skipped = next(c for c in kept if c.id == "c8")  # already answered: left alone, and the record says so
        assert skipped.instruction == batch[8].instruction and "skipped" in skipped.provenance.rewrites[0]["detail"]


def test_share_rewrites_a_reproducible_fraction():
    batch = [_cand(i, text=t) for i, t in enumerate(_topics(40))]
    kept, rejects, chat = _run("evol", lambda p: f"Write a poem about the number {len(p)} and the sea?", batch,
                               {"share": 0.0})
    assert not rejects and not chat.prompts and [c.instruction for c in kept] == [c.instruction for c in batch]
    first, _, _ = _run("evol", lambda p: f"Write a poem about the sea, variant {hash(p)}?", batch, {"share": 0.5})
    again, _, _ = _run("evol", lambda p: f"Write a poem about the sea, variant {hash(p)}?", batch, {"share": 0.5})
    changed = {c.id for c in first if c.provenance.rewrites}
    assert changed == {c.id for c in again if c.provenance.rewrites} and 10 < len(changed) < 30


@pytest.mark.parametrize("verdict, kept_it, why", [
    ('{"answerable": true, "reason": "a clear question"}', True, ""),
    ('{"answerable": false, "reason": "needs a file"}', False, "judged not answerable: needs a file"),
    ("yes, fine", False, "unparsable"),
])
def test_the_optional_answerability_judge(verdict, kept_it, why):
    def reply(prompt):
        return verdict if "answerable" in prompt else GOOD["en"]

    kept, rejects, chat = _run("paraphrase", reply, [_cand(0)], {"check": True})
    assert bool(kept) == kept_it and len(chat.prompts) == 2 and GOOD["en"] in chat.prompts[1]
    if not kept_it:
        assert rejects[0].reason.value == "rewrite_unusable" and why in rejects[0].detail


def test_a_typed_candidate_is_retyped_after_a_breadth_rewrite():
    cand = _cand(0, "zh", task_type="qa")
    kept, _, _ = _run("evol", "把下面这段关于光合作用的英文摘要翻译成中文。", [cand], {"operator": "breadth"})
    assert kept[0].task_type.value == "translation"


def test_old_samples_load_and_rewrites_round_trip():
    old = Sample.model_validate({"id": "x", "lang": "en", "task_type": "qa", "instruction": "Hi?", "output": "Hello.",
                                 "provenance": {"round": 2, "model": "m"}})
    assert old.provenance.rewrites == []
    entry = {"stage": "evol", "operator": "deepen", "original": "Hi?", "ok": True}
    new = Sample.model_validate({**old.model_dump(mode="json"),
                                 "provenance": {**old.provenance.model_dump(mode="json"), "rewrites": [entry]}})
    assert new.provenance.rewrites == [entry]


@pytest.mark.parametrize("lang, original, rewrite, kept_it", [
    ("zh", "美国食谱里写的烤箱温度是350°F，换成摄氏度是多少？", "请问烤箱的温度是多少摄氏度？", False),
    ("zh", "把50000元存入银行，年利率2.35%，3年后本息合计是多少元？", "请算一下五万元存三年、年利率百分之2.35的本息和。", True),
    ("zh", "2023年3月5日是星期几？", "请告诉我那天是星期几。", False),
    ("en", 'Translate into Spanish: "Go straight for two blocks, then turn left."',
     "Translate the directions into Spanish, please.", False),
    ("en", 'Translate into Spanish: "Go straight for two blocks, then turn left."',
     'Could you put "Go straight for two blocks, then turn left." into Spanish?', True),
    ("en", "Come up with five slogans for a city bike-to-work campaign.",
     "Create 5 catchy slogans for a city campaign that gets people cycling to work.", True),
])
def test_a_rewrite_must_keep_the_numbers_dates_and_quotes(lang, original, rewrite, kept_it):
    """Real failures of a 1.5B model: a paraphrase that drops the figures or the quoted material is another task."""
    kept, rejects, _ = _run("paraphrase", rewrite, [_cand(0, lang, original)])
    assert bool(kept) is kept_it
    if not kept_it:
        assert rejects[0].reason.value == "rewrite_unusable" and "lost a detail" in rejects[0].detail


def test_breadth_and_keep_details_false_may_drop_details():
    original = "Convert 350°F to Celsius."
    new_task = "Explain why recipes from different countries use different temperature scales."
    kept, _, _ = _run("evol", new_task, [_cand(0, "en", original)], {"operator": "breadth"})
    assert kept and kept[0].instruction == new_task
    kept, rejects, _ = _run("evol", new_task, [_cand(0, "en", original)], {"operator": "deepen"})
    assert not kept and "lost a detail" in rejects[0].detail
    kept, _, _ = _run("paraphrase", "How do I convert an oven temperature to Celsius?", [_cand(0, "en", original)],
                      {"keep_details": False})
    assert kept
