"""Documents as sources: proposals from document chunks, and the ``docanswer`` stage that answers from them.

When a run has ``docs``, each round of the main branch asks, for ``chunks_per_round`` chunks (least used first,
ties in document order, so chunks are covered evenly), for ``tasks_per_chunk`` tasks the chunk supports
(``doc_propose`` template: questions, summaries, extraction, reasoning over the text, rewriting). Each task is
a candidate whose ``input`` is the chunk and whose ``provenance.source`` is the chunk's file and character
offsets. How often each chunk was used is read back from the run's ledger (every minted candidate and every
call-level reject carries its source), so a resumed run continues where it stopped.

The ``docanswer`` stage answers each task from its chunk alone (``doc_answer`` template) and stores the chunk as
context: as the sample's ``input`` (the Alpaca view; ``context: input``, the default) or as a system turn
(``context: system``, ``doc_context`` template, the chunk at its end).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentsft.config import DocsConfig
from agentsft.docs import Chunk, load_chunks
from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, DocSource, Message, Provenance, Reason, Reject, Stage
from agentsft.steps.parse import parse_instructions
from agentsft.steps.propose import round_prefix
from agentsft.text import strip_think, trim_to_sentence

DOC_PROMPTS = ("doc_propose", "doc_domain", "doc_answer", "doc_context")


def options(cfg) -> DocsConfig:
    return getattr(cfg, "docs_options", None) or DocsConfig()


@lru_cache(maxsize=4)
def _chunks(paths: tuple[str, ...], sizes: tuple[tuple[str, int], ...], overlap: float) -> tuple[Chunk, ...]:
    return tuple(load_chunks([Path(p) for p in paths], dict(sizes), overlap))


def run_chunks(cfg, lang: str) -> list[Chunk]:
    """The run's chunks in the run's language (all of them when no document is in that language)."""
    opts = options(cfg)
    every = _chunks(tuple(str(p) for p in cfg.docs), tuple(sorted(opts.chunk_size.items())), opts.overlap)
    same = [c for c in every if c.lang == lang]
    return same or list(every)


class ChunkUsage:
    """How many proposal calls each chunk has had, read from the ledger incrementally (new lines only)."""

    def __init__(self, ledger: Path):
        self.ledger = Path(ledger)
        self.offset = 0
        self.counts: Counter[tuple[str, int, int]] = Counter()
        self._lock = threading.Lock()

    def refresh(self) -> Counter:
        with self._lock:
            if not self.ledger.exists():
                return self.counts
            if self.ledger.stat().st_size < self.offset:  # repaired (torn tail cut) or replaced: read it again
                self.offset, self.counts = 0, Counter()
            with open(self.ledger, "rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
            done = data.rfind(b"\n") + 1  # whole lines only
            for line in data[:done].splitlines():
                if line.strip():
                    self._count(json.loads(line))
            self.offset += done
            return self.counts

    def _count(self, entry: dict) -> None:
        calls = set()
        records = entry.get("minted", []) + [r.get("candidate") or {} for r in entry.get("rejects", [])]
        for rec in records:
            src = (rec.get("provenance") or {}).get("source")
            call = rec.get("id", "").rsplit("i", 1)[0] or rec.get("id")
            if src and (call, src["file"], src["start"]) not in calls:
                calls.add((call, src["file"], src["start"]))
                self.counts[(src["file"], src["start"], src["end"])] += 1


_USAGE: dict[str, ChunkUsage] = {}


def usage_of(ledger: Path) -> ChunkUsage:
    key = str(Path(ledger).resolve())
    if key not in _USAGE:
        _USAGE[key] = ChunkUsage(Path(ledger))
    return _USAGE[key]


def pick_chunks(chunks: list[Chunk], counts: Counter, n: int) -> list[Chunk]:
    """The ``n`` least used chunks (ties in document order)."""
    def used(i: int) -> tuple[int, int]:
        return counts.get((chunks[i].source, chunks[i].start, chunks[i].end), 0), i

    order = sorted(range(len(chunks)), key=used)
    return [chunks[i] for i in order[:n]]


def source_of(chunk: Chunk) -> DocSource:
    return DocSource(file=chunk.source, start=chunk.start, end=chunk.end)


def proposal_request(chunk: Chunk, cfg, lang: str) -> tuple[list[dict], str]:
    prompt = load_prompt("doc_propose", lang, cfg.prompt_version)
    domain = load_prompt("doc_domain", lang, cfg.prompt_version).render(domain=cfg.domain) if cfg.domain else ""
    text = prompt.render(chunk=chunk.text, num=options(cfg).tasks_per_chunk, domain_line=domain.strip())
    return [{"role": "user", "content": text}], prompt.id


def _call_candidates(result, chunk: Chunk, prov: Provenance, lang: str, call_id: str, cfg):
    source = source_of(chunk)
    prov = prov.model_copy(update={"source": source, "timings": {"propose_s": round(result.seconds, 3)},
                                   "usage": result.usage})
    stub = {"id": call_id, "provenance": prov.model_dump(mode="json")}
    if not result.ok:
        return [], [Reject(candidate_id=call_id, stage=Stage.PROPOSE, reason=Reason.LLM_ERROR,
                           detail=result.error[:500], candidate=stub)]
    items = parse_instructions(result.text)
    if not items:
        return [], [Reject(candidate_id=call_id, stage=Stage.PARSE, reason=Reason.PARSE_EMPTY,
                           detail="no instruction found", candidate={**stub, "answer": result.text[:2000]})]
    cut = result.cut_off(min(cfg.max_tokens, options(cfg).max_tokens))
    want = options(cfg).tasks_per_chunk
    cands, rejects = [], []
    for k, text in enumerate(items):
        cid = f"{call_id}i{k:02d}"
        c = Candidate(id=cid, lang=lang, instruction=text, input=chunk.text,
                      maybe_truncated=cut and k == len(items) - 1,
                      provenance=prov.model_copy(update={"candidate_id": cid,
                                                         "usage": result.usage if k == 0 else type(result.usage)()}))
        if k < want:
            cands.append(c)
        else:
            rejects.append(Reject(candidate_id=cid, stage=Stage.PARSE, reason=Reason.SURPLUS,
                                  detail=f"item {k + 1} of {len(items)}; {want} asked for",
                                  candidate=c.model_dump(mode="json")))
    return cands, rejects


def propose_docs(cfg, lang: str, round_no: int, llm, ledger: Path,
                 nonce: str = "") -> tuple[list[Candidate], list[Reject]]:
    """One round of tasks from the least used chunks: a call per chunk, its tasks as candidates."""
    chunks = pick_chunks(run_chunks(cfg, lang), usage_of(ledger).refresh(), options(cfg).chunks_per_round)
    requests = [proposal_request(ch, cfg, lang) for ch in chunks]
    max_tokens = min(cfg.max_tokens, options(cfg).max_tokens)
    results = llm.complete_many([r[0] for r in requests], temperature=cfg.temperature, max_tokens=max_tokens,
                                seed=cfg.seed + round_no, tag="propose")
    cands: list[Candidate] = []
    rejects: list[Reject] = []
    for call, (chunk, (_, prompt_id), result) in enumerate(zip(chunks, requests, results)):
        prov = Provenance(prompt_template=prompt_id, prompt_version=cfg.prompt_version, round=round_no,
                          model=llm.model_id)
        c, r = _call_candidates(result, chunk, prov, lang, f"{round_prefix(round_no, nonce)}c{call:02d}", cfg)
        cands += c
        rejects += r
    return cands, rejects


# --------------------------------------------------------------------------- the docanswer stage


class DocAnswerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    context: Literal["input", "system"] = Field(default="input", description="where the chunk goes: the user "
                                                "turn's input (Alpaca view) or a system turn")
    max_tokens: int | None = Field(default=384, ge=16, description="answer length limit (null: the run's "
                                   "max_tokens); answers from one chunk are short")


def chunk_of(c: Candidate) -> str | None:
    """The chunk a document-grounded candidate carries (its input, or the end of its system turn)."""
    src = c.provenance.source
    if src is None:
        return None
    if c.messages and c.messages[0].role == "system":
        text = c.messages[0].content or ""
        size = src.end - src.start
        return text[-size:] if size and len(text) >= size else None
    return c.input or None


def answer_of(c: Candidate) -> str:
    if c.messages:
        turns = [m.content or "" for m in c.messages if m.role == "assistant" and not m.tool_calls]
        return turns[-1] if turns else ""
    return c.output


def with_answer(c: Candidate, answer: str, context: str, version: str) -> Candidate:
    """The candidate with its answer, the chunk placed as the recipe says."""
    if context == "system":
        system = load_prompt("doc_context", c.lang, version).render(chunk=c.input).rstrip()
        messages = [Message(role="system", content=system), Message(role="user", content=c.instruction),
                    Message(role="assistant", content=answer)]
        return c.model_copy(update={"output": answer, "messages": messages})
    return c.model_copy(update={"output": answer})


def _reject(c: Candidate, reason: Reason, detail: str, stage: Stage = Stage.INSTANCES, **extra) -> Reject:
    return Reject(candidate_id=c.id, stage=stage, reason=reason, detail=detail[:500],
                  candidate={**c.model_dump(mode="json", exclude_none=True), **extra})


def docanswer_batch(batch: list[Candidate], svc, settings: DocAnswerSettings) -> tuple[list[Candidate], list[Reject]]:
    """Answer each task from its chunk alone; the chunk becomes the sample's input or system turn."""
    todo = [c for c in batch if c.provenance.source is not None and c.input]
    ids = {c.id for c in todo}
    passed = [c for c in batch if c.id not in ids]  # not from a document: not this stage's business
    if not todo:
        return passed, []
    cfg = svc.cfg
    prompt = load_prompt("doc_answer", svc.lang, cfg.prompt_version)
    max_tokens = min(settings.max_tokens or cfg.max_tokens, cfg.max_tokens)
    requests = [[{"role": "user", "content": prompt.render(chunk=c.input, instruction=c.instruction)}] for c in todo]
    results = svc.llm.complete_many(requests, temperature=cfg.temperature, max_tokens=max_tokens, seed=cfg.seed,
                                    tag="docanswer")
    kept, rejects = list(passed), []
    for c, res in zip(todo, results):
        if not res.ok:
            rejects.append(_reject(c, Reason.LLM_ERROR, res.error))
            continue
        cut = res.cut_off(max_tokens)
        text = strip_think(res.text).strip()
        text = trim_to_sentence(text) if cut else text
        if not text:
            reason = Reason.TRUNCATED if cut else Reason.OUTPUT_EMPTY
            rejects.append(_reject(c, reason, "no answer" + (" before max_tokens" if cut else ""),
                                   answer=res.text[:2000]))
            continue
        prov = c.provenance
        prov = prov.model_copy(update={"usage": prov.usage.add(res.usage), "trimmed": cut,
                                       "timings": {**prov.timings, "docanswer_s": round(res.seconds, 3)},
                                       "prompt_template": f"{prov.prompt_template}+{prompt.id}"})
        kept.append(with_answer(c.model_copy(update={"provenance": prov}), text, settings.context,
                                cfg.prompt_version))
    return kept, rejects
