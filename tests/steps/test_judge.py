"""The judge stage: rubric scores kept on the sample, low scores and malformed judge output are rejects."""

import json
from types import SimpleNamespace
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agentsft.config import ConfigError, RunConfig
from agentsft.graph.run import check_recipe
from agentsft.llm import LLMService
from agentsft.schema import Candidate, Message
from agentsft.steps.judge import parse_scores
from agentsft.steps.stages import resolve_stages


def _scores(n, **over):
    return json.dumps({"helpfulness": n, "correctness": n, "groundedness": n, "structure": n, "language": n,
                       "rationale": "ok", **over})


class Judge(BaseChatModel):
    answer: str
    formats: list = []

    @property
    def _llm_type(self) -> str:
        return "judge"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        self.formats.append(kwargs.get("response_format"))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.answer))])


def _run(answer, settings=None, cand=None):
    chat = Judge(answer=answer)
    svc = SimpleNamespace(cfg=RunConfig(), lang="zh", llm=LLMService(chat, "judge", None, 2))
    (stage,) = resolve_stages([{"judge": settings or {}}])
    c = cand or Candidate(id="c", lang="zh", instruction="解释什么是复利。", output="复利就是利滚利。")
    return (*stage([c], svc), chat)


def test_good_scores_are_kept_and_stored_with_a_grammar_format():
    kept, rejects, chat = _run(_scores(8))
    assert not rejects and kept[0].verification["judge"]["mean"] == 8.0
    assert chat.formats[0]["json_schema"]["schema"]["properties"]["correctness"]["maximum"] == 10


@pytest.mark.parametrize("answer, code", [
    (_scores(3), "judge_low_score"),
    (_scores(9, correctness=2), None),
    ("I think it is good.", "judge_unparsable"),
    (_scores(8, structure=11), "judge_unparsable"),
    (json.dumps({"helpfulness": 8}), "judge_unparsable"),
    ('{"helpfulness": "high"}', "judge_unparsable"),
])
def test_low_and_malformed_judgements_are_rejects(answer, code):
    kept, rejects, _ = _run(answer)
    if code is None:
        assert kept  # mean 7.6 passes the default floor 1
        kept, rejects, _ = _run(answer, {"floor": 4})
        code = "judge_low_score"
    assert not kept and rejects[0].reason.value == code and rejects[0].stage.value == "judge"


def test_a_conversation_is_judged_on_its_assistant_turns():
    c = Candidate(id="d", lang="zh", instruction="你好", messages=[
        Message(role="user", content="你好"), Message(role="assistant", content="你好！有什么可以帮你？")])
    kept, _, chat = _run(_scores(7), cand=c)
    assert kept and kept[0].verification["judge"]["mean"] == 7.0


def test_parse_scores_reads_fenced_json():
    scores, why = parse_scores("```json\n" + _scores(6) + "\n```")
    assert scores and scores["language"] == 6 and not why


def test_an_unknown_judge_model_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown model"):
        check_recipe(RunConfig(stages=["screen", {"judge": {"model": "gpt4"}}]))
