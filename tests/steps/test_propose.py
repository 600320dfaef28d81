"""Proposal answers into candidates: every parsed item accounted for, truncation from finish_reason."""

from __future__ import annotations

from agentsft.llm.service import LLMResult
from agentsft.schema import Provenance, Reason, Stage, Usage
from agentsft.steps.propose import candidates_from_answer, round_prefix

ANSWER = "1. Explain how tides form.\n2. Write a haiku about rain.\n3. Compare two sorting methods.\n4. Name three rivers in Asia"


def _result(text=ANSWER, tokens=40, finish=None, ok=True):
    return LLMResult(text=text, ok=ok, error="" if ok else "boom", finish_reason=finish,
                     usage=Usage(prompt_tokens=10, completion_tokens=tokens, calls=1))


def test_items_beyond_num_new_are_surplus_rejects_not_silent_drops():
    cands, rejects = candidates_from_answer(_result(), Provenance(), "en", "r0001abcdc00", 512, num_new=2)
    assert [c.instruction for c in cands] == ["Explain how tides form.", "Write a haiku about rain."]
    assert [r.reason for r in rejects] == [Reason.SURPLUS, Reason.SURPLUS]
    assert [r.candidate["instruction"] for r in rejects] == ["Compare two sorting methods.", "Name three rivers in Asia"]
    assert len({c.id for c in cands} | {r.candidate_id for r in rejects}) == 4
    assert all(r.stage is Stage.PARSE for r in rejects)


def test_no_surplus_when_the_model_answers_as_asked():
    cands, rejects = candidates_from_answer(_result(), Provenance(), "en", "c", 512, num_new=8)
    assert len(cands) == 4 and rejects == []


def test_finish_reason_length_marks_the_last_item_cut_whatever_the_token_count():
    cands, _ = candidates_from_answer(_result(tokens=40, finish="length"), Provenance(), "en", "c", 512, 8)
    assert [c.maybe_truncated for c in cands] == [False, False, False, True]


def test_finish_reason_stop_wins_over_a_token_count_at_the_limit():
    cands, _ = candidates_from_answer(_result(tokens=512, finish="stop"), Provenance(), "en", "c", 512, 8)
    assert not any(c.maybe_truncated for c in cands)


def test_without_finish_reason_the_token_count_decides():
    cands, _ = candidates_from_answer(_result(tokens=511, finish=None), Provenance(), "en", "c", 512, 8)
    assert cands[-1].maybe_truncated


def test_failed_and_empty_answers_are_one_reject_each():
    _, rej = candidates_from_answer(_result(ok=False), Provenance(), "en", "c7", 512, 8)
    assert [(r.candidate_id, r.reason) for r in rej] == [("c7", Reason.LLM_ERROR)]
    _, rej = candidates_from_answer(_result(text="   "), Provenance(), "en", "c8", 512, 8)
    assert [(r.candidate_id, r.reason) for r in rej] == [("c8", Reason.PARSE_EMPTY)]


def test_round_prefix_differs_by_nonce():
    assert round_prefix(3, "ab12") != round_prefix(3, "cd34")
    assert round_prefix(3, "ab12").startswith("r0003")
