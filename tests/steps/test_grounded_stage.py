"""The grounded stage on its own: rules, the judge verdict (incl. malformed), the unanswerable policy."""

from types import SimpleNamespace

import pytest
from docfakes import DocChat, verdict

from agentsft.config import RunConfig
from agentsft.llm import LLMService
from agentsft.schema import Candidate, DocSource, Message, Provenance
from agentsft.steps.grounded import GroundedSettings, VERDICT_FORMAT, grounded_batch, parse_verdict

CHUNK = "Millbrook Public Library opened on 12 September 1962. Adults may borrow up to 12 items at a time."


def _cand(cid: str, output: str, lang="en", chunk=CHUNK, **extra) -> Candidate:
    prov = Provenance(source=DocSource(file="lib.md", start=0, end=len(chunk)))
    return Candidate(id=cid, lang=lang, instruction="When did the library open?", input=chunk, output=output,
                     provenance=prov, **extra)


def _svc(chat=None, lang="en"):
    chat = chat or DocChat()
    return SimpleNamespace(cfg=RunConfig(), lang=lang, llm=LLMService(chat, "scripted", None, 2)), chat


@pytest.mark.parametrize("text,expected", [
    ('{"verdict": "supported", "reason": "ok"}', "supported"),
    ('Sure: {"verdict": "not answerable", "reason": "x"}', "not_answerable"),
    ('```json\n{"verdict": "UNSUPPORTED"}\n```', "unsupported"),
])
def test_parse_verdict_reads_the_three_verdicts(text, expected):
    parsed, why = parse_verdict(text)
    assert parsed["verdict"] == expected and why == ""


@pytest.mark.parametrize("text", ["", "supported", '{"verdict": "maybe"}', '{"verdict": 3}', "[1, 2]",
                                  '{"reason": "no verdict"}', '{"verdict": "supported"'])
def test_malformed_verdicts_are_never_a_pass(text):
    parsed, why = parse_verdict(text)
    assert parsed is None and why


def test_rules_keep_faithful_and_reject_invented_answers():
    batch = [_cand("a", "It opened on 12 September 1962."), _cand("b", "It opened on 13 September 1962."),
             _cand("c", "Adults may borrow 15 items."), _cand("d", "Margaret Hale founded it."),
             _cand("e", "The text does not say.")]
    svc, chat = _svc()
    kept, rejects = grounded_batch(batch, svc, GroundedSettings())
    assert [c.id for c in kept] == ["a"] and kept[0].verification["grounded"]["rules"] == "ok"
    assert {r.candidate_id: r.reason.value for r in rejects} == {
        "b": "ungrounded_date", "c": "ungrounded_number", "d": "ungrounded_name", "e": "unanswerable"}
    assert all(r.stage.value == "grounded" for r in rejects)
    assert chat.prompts == []  # no judge asked unless the recipe says so


def test_a_candidate_without_a_chunk_is_rejected():
    c = Candidate(id="x", lang="en", instruction="Say hi.", output="Hi.")
    kept, rejects = grounded_batch([c], _svc()[0], GroundedSettings())
    assert not kept and rejects[0].reason.value == "unsupported"


def test_judge_verdicts_map_to_keep_or_codes():
    settings = GroundedSettings(judge=True)
    for said, reason in (("unsupported", "unsupported"), ("not_answerable", "unanswerable")):
        kept, rejects = grounded_batch([_cand("a", "It opened in 1962.")], _svc(DocChat(verdict=verdict(said)))[0],
                                       settings)
        assert not kept and rejects[0].reason.value == reason
    svc, chat = _svc(DocChat(verdict=verdict("supported")))
    kept, _ = grounded_batch([_cand("a", "It opened in 1962.")], svc, settings)
    assert kept[0].verification["grounded"]["judge"] == "supported"
    assert "Millbrook Public Library opened" in chat.prompts[0] and "It opened in 1962." in chat.prompts[0]


def test_malformed_judge_output_is_its_own_reject():
    kept, rejects = grounded_batch([_cand("a", "It opened in 1962.")], _svc(DocChat(verdict="yes, supported"))[0],
                                   GroundedSettings(judge=True))
    assert not kept and rejects[0].reason.value == "judge_unparsable"


def test_the_judge_gets_a_grammar_response_format():
    seen = []

    class Recording(DocChat):
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            seen.append(kwargs.get("response_format"))
            return super()._generate(messages, stop, run_manager, **kwargs)

    grounded_batch([_cand("a", "It opened in 1962.")], _svc(Recording())[0], GroundedSettings(judge=True))
    assert seen == [VERDICT_FORMAT]


def test_unanswerable_kept_as_explicit_samples():
    keep = GroundedSettings(judge=True, unanswerable="keep")
    svc, _ = _svc(DocChat(verdict=verdict("not_answerable")))
    kept, rejects = grounded_batch([_cand("a", "It opened in 1962."), _cand("b", "The text does not say.")], svc, keep)
    assert not rejects and [c.output for c in kept] == ["The text does not say.", "The text does not say."]
    assert kept[0].verification["grounded"]["rewritten"] is True and kept[0].verification["grounded"]["answerable"] is False
    chunk = "青石镇民俗博物馆于2008年10月1日开放。"
    msgs = [Message(role="system", content="资料：\n\n" + chunk), Message(role="user", content="门票多少钱？"),
            Message(role="assistant", content="门票很便宜。")]
    c = _cand("z", "门票很便宜。", lang="zh", chunk=chunk, messages=msgs)
    kept, _ = grounded_batch([c], _svc(DocChat(verdict=verdict("not_answerable")), "zh")[0], keep)
    assert kept[0].messages[-1].content == "原文没有提到这一点。" == kept[0].output
    msgs[-1] = Message(role="assistant", content="它于2008年10月2日开放。")
    c = _cand("z", "它于2008年10月2日开放。", lang="zh", chunk=chunk, messages=msgs)
    kept, rejects = grounded_batch([c], _svc(lang="zh")[0], GroundedSettings())
    assert rejects[0].reason.value == "ungrounded_date"  # the chunk is read from the system turn
