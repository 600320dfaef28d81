"""The cot stage: sampled chains are step-checked and vote; rejects carry the step, tie and agreement codes."""

from types import SimpleNamespace
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agentsft.config import RunConfig
from agentsft.llm import LLMService, RequestCache
from agentsft.schema import Candidate
from agentsft.steps.stages import resolve_stages

GOOD = "1. 一支笔2.5元，7支：2.5 × 7 = 17.5\n2. 再加运费3元：17.5 + 3 = 20.5\n答案：20.5"
WRONG_MIDDLE = "1. 2.5 × 7 = 18\n2. 18 + 3 = 20.5\n答案：20.5"
OTHER = "1. 2.5 × 7 = 17.5\n2. 17.5 + 2 = 19.5\n答案：19.5"
THINK = "<think>2.5 × 7 = 17.5, 17.5 + 3 = 20.5</think>\n一共20.5元。"


class Chains(BaseChatModel):
    """Answers sample i (the seed offset) with ``script[i]``; records the sampling kwargs."""

    script: list[str]
    seen: list = []

    @property
    def _llm_type(self) -> str:
        return "chains"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        i = kwargs.get("seed", 0) % len(self.script)
        self.seen.append(i)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.script[i]))])


def _svc(script, cache=None, **models):
    llm = LLMService(Chains(script=script), "fake", cache, 2)
    llms = {"main": llm, **{n: LLMService(Chains(script=s), n, cache, 2) for n, s in models.items()}}
    return SimpleNamespace(cfg=RunConfig(), lang="zh", llm=llm, llms=llms, model=lambda n: llms[n])


def _run(settings, svc, n=1, reference=None):
    (stage,) = resolve_stages([{"cot": settings}])
    batch = [Candidate(id=f"c{i}", lang="zh", instruction="一支笔2.5元，买7支，再加运费3元，一共多少元？",
                       verification={"reference": reference} if reference else {}) for i in range(n)]
    return stage(batch, svc)


def test_a_correct_chain_is_kept_with_its_checks():
    kept, rejects = _run({}, _svc([GOOD]))
    assert not rejects and kept[0].output == GOOD and kept[0].task_type.value == "reasoning"
    cot = kept[0].verification["cot"]
    assert cot["answer"] == "41/2" or cot["answer"] == "20.5"
    assert cot["steps_checked"] == 2 and cot["agreement"] == 1.0
    assert [m.role for m in kept[0].messages] == ["user", "assistant"]


def test_think_style_is_kept():
    kept, rejects = _run({"style": "think"}, _svc([THINK]))
    assert not rejects and kept[0].verification["cot"]["style"] == "think"


def test_wrong_middle_step_with_right_answer_is_rejected_with_the_step_code():
    kept, rejects = _run({}, _svc([WRONG_MIDDLE]))
    assert not kept and rejects[0].reason.value == "cot_step_wrong"


def test_majority_wins_and_agreement_is_recorded():
    kept, rejects = _run({"k": 3}, _svc([GOOD, OTHER, GOOD]))
    assert not rejects
    cot = kept[0].verification["cot"]
    assert cot["agreement"] == round(2 / 3, 3) and sum(cot["votes"].values()) == 3 and kept[0].output == GOOD


def test_majority_keeps_a_chain_whose_steps_check_skipping_a_wrong_one():
    kept, rejects = _run({"k": 3}, _svc([WRONG_MIDDLE, GOOD, OTHER]))
    assert not rejects and kept[0].output == GOOD


def test_tie_and_low_agreement_are_rejects():
    _, rejects = _run({"k": 2}, _svc([GOOD, OTHER]))
    assert rejects[0].reason.value == "vote_tie"
    third = GOOD.replace("20.5", "21.5").replace("+ 3", "+ 4")
    _, rejects = _run({"k": 3, "min_agreement": 0.6}, _svc([GOOD, OTHER, third]))
    assert rejects[0].reason.value in ("vote_low_agreement", "vote_tie")


def test_reference_overrides_the_vote():
    kept, rejects = _run({"k": 3}, _svc([OTHER, OTHER, GOOD]), reference="20.5")
    assert not rejects and kept[0].output == GOOD
    _, rejects = _run({"k": 2}, _svc([OTHER, OTHER]), reference="20.5")
    assert rejects[0].reason.value == "reference_mismatch"


def test_k_samples_are_distinct_calls_even_with_a_cache(tmp_path):
    svc = _svc([GOOD, OTHER, GOOD], RequestCache(tmp_path / "c.sqlite"))
    _run({"k": 3}, svc)
    assert svc.llm.usage.calls == 3 and svc.llm.usage.cached_calls == 0
    _run({"k": 3}, svc)  # the same run again: all three from the cache, still three distinct answers
    assert svc.llm.usage.cached_calls == 3


def test_samples_go_round_robin_over_the_models():
    svc = _svc([GOOD], qwen=[GOOD])
    kept, _ = _run({"k": 4, "models": ["main", "qwen"]}, svc)
    assert svc.llm.usage.calls == 2 and svc.llms["qwen"].usage.calls == 2


def test_failed_calls_and_unreadable_answers_are_rejects():
    _, rejects = _run({}, _svc(["我不知道。"]))
    assert rejects[0].reason.value == "cot_no_answer"


def test_the_same_number_written_differently_votes_together():
    third = "1. 1 ÷ 3 = 0.33\n答案：0.33"
    exact = "1. 1 ÷ 3 = 1/3\n答案：1/3"
    other = "1. 1 ÷ 4 = 0.25\n答案：0.25"
    kept, rejects = _run({"k": 3}, _svc([third, exact, other]))
    assert not rejects and kept[0].verification["cot"]["agreement"] == round(2 / 3, 3)
