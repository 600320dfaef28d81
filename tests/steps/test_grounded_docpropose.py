"""Proposals from chunks: least-used-first coverage read back from the ledger, sources on every candidate."""

import json
from pathlib import Path
from types import SimpleNamespace

from docfakes import DocChat

from agentsft.config import RunConfig
from agentsft.docs import Chunk
from agentsft.llm import LLMService
from agentsft.schema import Candidate, DocSource, Provenance
from agentsft.steps.docpropose import (ChunkUsage, DocAnswerSettings, docanswer_batch, pick_chunks, propose_docs,
                                       run_chunks)

ROOT = Path(__file__).resolve().parents[2]


def _chunks(n):
    return [Chunk("f.md", i * 10, i * 10 + 9, f"text {i}.", "en", i) for i in range(n)]


def test_least_used_first_then_document_order():
    chunks = _chunks(4)
    counts = {("f.md", 0, 9): 2, ("f.md", 10, 19): 1}
    assert [c.index for c in pick_chunks(chunks, counts, 3)] == [2, 3, 1]


def test_usage_is_read_incrementally_from_the_ledger(tmp_path):
    ledger = tmp_path / "ledger.jsonl"
    src = {"file": "f.md", "start": 0, "end": 9}
    entry = {"round": 1, "minted": [{"id": "r0001aac00i00", "provenance": {"source": src}},
                                    {"id": "r0001aac00i01", "provenance": {"source": src}}],
             "rejects": [{"candidate": {"id": "r0001aac01", "provenance": {"source": {**src, "start": 10, "end": 19}}}}]}
    ledger.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    usage = ChunkUsage(ledger)
    counts = usage.refresh()
    assert counts[("f.md", 0, 9)] == 1 and counts[("f.md", 10, 19)] == 1  # one call each, however many tasks
    with open(ledger, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"round": 2, "minted": [{"id": "r0002bbc00i00", "provenance": {"source": src}}]}) + "\n")
        fh.write('{"round": 3, "minted": [')  # a torn last line is not read yet
    assert usage.refresh()[("f.md", 0, 9)] == 2


def test_propose_docs_covers_chunks_and_sets_sources(tmp_path):
    cfg = RunConfig(docs=[ROOT / "seeds/docs"], lang="en",
                    docs_options={"chunk_size": {"en": 60, "zh": 120}, "chunks_per_round": 3, "tasks_per_chunk": 2})
    chunks = run_chunks(cfg, "en")
    assert chunks and all(c.lang == "en" for c in chunks)
    llm = LLMService(DocChat(), "scripted", None, 2)
    cands, rejects = propose_docs(cfg, "en", 1, llm, tmp_path / "ledger.jsonl", nonce="ab")
    used = {(c.provenance.source.file, c.provenance.source.start) for c in cands}
    assert used == {(c.source, c.start) for c in chunks[:3]}
    assert all(c.input == next(ch.text for ch in chunks if ch.start == c.provenance.source.start
                               and ch.source == c.provenance.source.file) for c in cands)
    assert {r.reason.value for r in rejects} == {"surplus"}  # the fake writes 4 tasks, 2 asked for
    assert all(c.provenance.prompt_template == "en/doc_propose.v1" for c in cands)


def test_docanswer_answers_from_the_chunk_and_passes_others_through():
    chunk = "Lakeview Bikes started on 1 April 2021 with 300 bikes. A yearly pass costs 85 dollars."
    prov = Provenance(source=DocSource(file="b.html", start=0, end=len(chunk)))
    doc = Candidate(id="a", lang="en", instruction='Using the text, restate the sentence that begins with "A yearly pass".',
                    input=chunk, provenance=prov)
    other = Candidate(id="b", lang="en", instruction="Say hi.")
    chat = DocChat()
    svc = SimpleNamespace(cfg=RunConfig(), lang="en", llm=LLMService(chat, "scripted", None, 2))
    kept, rejects = docanswer_batch([doc, other], svc, DocAnswerSettings())
    assert not rejects and {c.id for c in kept} == {"a", "b"}
    answered = next(c for c in kept if c.id == "a")
    assert answered.output == "A yearly pass costs 85 dollars." and answered.input == chunk
    assert len(chat.prompts) == 1 and chunk in chat.prompts[0]
