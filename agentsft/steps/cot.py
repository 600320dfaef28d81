"""The ``cot`` stage: a checked reasoning chain for each problem, with self-consistency voting.

For every candidate, k chains are sampled (round-robin over the stage's ``models``, each sample its own cache
key), each chain's arithmetic steps are recomputed (``agentsft.verify.cot.check_chain``), and the final answers
vote (``steps.vote``). A reference answer, when the candidate has one (``verification["reference"]``), overrides
the vote. The kept chain agrees with the winner and passes its step check; the agreement level is stored.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Message, Reason, Reject, Stage, TaskType
from agentsft.steps.vote import Chain, decide
from agentsft.verify.cot import check_chain

COT_PROMPTS = ("cot_steps", "cot_think")


class CotSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    style: Literal["steps", "think"] = Field(
        default="steps", description="steps: numbered steps ending '#### …' / '答案：…'; think: <think>…</think> "
        "then the answer (reasoning models, LLaMA-Factory)")
    k: int = Field(default=1, ge=1, le=16, description="chains sampled per problem (self-consistency)")
    models: list[str] = Field(default_factory=lambda: ["main"], description="models sampled round-robin "
                              "('main' = the run's model; others from the recipe's models block)")
    min_agreement: float = Field(default=0.5, ge=0, le=1, description="majority share of the k answers needed")
    temperature: float = Field(default=0.7, ge=0, le=2)
    max_tokens: int = Field(default=768, ge=32)


def _question(c: Candidate) -> str:
    return f"{c.instruction}\n\n{c.input}" if c.input else c.instruction


def sample_chains(batch: list[Candidate], svc, settings: CotSettings) -> dict[str, list[Chain]]:
    """k chains per candidate: sample i of every candidate goes to model i mod len(models), one batch per
    (model, i), with the sample index in the cache key so the k samples are distinct calls."""
    prompt = load_prompt(f"cot_{settings.style}", svc.lang, svc.cfg.prompt_version)
    chains: dict[str, list[Chain]] = {c.id: [] for c in batch}
    for i in range(settings.k):
        name = settings.models[i % len(settings.models)]
        requests = [[{"role": "user", "content": prompt.render(problem=_question(c))}] for c in batch]
        results = svc.model(name).complete_many(requests, temperature=settings.temperature,
                                                max_tokens=settings.max_tokens, seed=svc.cfg.seed + i,
                                                sample=i, tag=f"cot{i}")
        for c, r in zip(batch, results):
            chains[c.id].append(Chain(name, r.text, check_chain(r.text) if r.ok else None, r.error))
    return chains


def _kept(c: Candidate, chain: Chain, record: dict[str, Any], style: str) -> Candidate:
    check = chain.check
    cot = {**record, "style": style, "model": chain.model, "steps_total": check.steps_total,
           "steps_checked": check.steps_checked, "steps_share": round(check.steps_share, 3)}
    return c.model_copy(update={
        "output": chain.text, "task_type": c.task_type or TaskType.REASONING,
        "messages": [Message(role="user", content=_question(c)), Message(role="assistant", content=chain.text)],
        "verification": {**c.verification, "cot": cot}})


def cot_batch(batch: list[Candidate], svc, settings: CotSettings) -> tuple[list[Candidate], list[Reject]]:
    """Sample, check and vote a reasoning chain for every problem; failures are rejects with their code."""
    chains = sample_chains(batch, svc, settings) if batch else {}
    kept, rejects = [], []
    for c in batch:
        verdict = decide(chains[c.id], settings.min_agreement, c.verification.get("reference"))
        if verdict.chain is not None:
            kept.append(_kept(c, verdict.chain, verdict.record, settings.style))
        else:
            cand = c.model_dump(mode="json")
            cand["chains"] = [ch.text[:2000] for ch in chains[c.id]]
            rejects.append(Reject(candidate_id=c.id, stage=Stage.COT, reason=verdict.reason or Reason.COT_NO_ANSWER,
                                  detail=verdict.detail[:500], candidate=cand))
    return kept, rejects
