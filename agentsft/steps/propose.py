"""Self-Instruct proposal: mix seed and machine demos, ask for new instructions, parse them into candidates."""

from __future__ import annotations

import random
from typing import Protocol, Sequence

from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Provenance, Reason, Reject, Sample, SeedTask, Stage, Usage
from agentsft.steps.balance import focus_types, main_counts, type_names
from agentsft.steps.parse import parse_instructions
from agentsft.steps.rotation import (call_style, identifiers, rotated_messages, rotates, rotation_types,
                                     scoped_demos, scoped_template, with_scope_hint)
from agentsft.steps.topics import TopicTree, assign_topics, topic_tree


class Completer(Protocol):
    """What the steps need from the LLM service."""

    model_id: str

    def complete_many(self, requests: list[list[dict]], **params): ...


def sample_demos(
    seeds: Sequence[SeedTask], pool: Sequence[Sample], n_seed: int, n_machine: int, rng: random.Random
) -> tuple[list[SeedTask], list[Sample]]:
    """Self-Instruct mix: ``n_seed`` seeds plus up to ``n_machine`` pool samples (more seeds while the pool is small)."""
    machine = rng.sample(list(pool), min(n_machine, len(pool)))
    want = n_seed + n_machine - len(machine)
    return rng.sample(list(seeds), min(want, len(seeds))), machine


def proposal_messages(demos: list[str], lang: str, num_new: int, version: str,
                      name: str = "propose") -> tuple[list[dict], str]:
    prompt = load_prompt(name, lang, version)
    listing = "\n".join(f"{i}. {d}" for i, d in enumerate(demos, 1))
    text = prompt.render(demos=listing, num_new=num_new, start=len(demos) + 1)
    return [{"role": "user", "content": text}], prompt.id


def balanced_messages(demos: list[str], lang: str, cfg, focus: list[str]) -> tuple[list[dict], str]:
    """The proposal asking for the ``focus`` task types (``propose_balanced`` template)."""
    prompt = load_prompt("propose_balanced", lang, cfg.prompt_version)
    listing = "\n".join(f"{i}. {d}" for i, d in enumerate(demos, 1))
    text = prompt.render(demos=listing, num_new=cfg.num_new, start=len(demos) + 1, focus=type_names(focus, lang))
    return [{"role": "user", "content": text}], prompt.id


def _round_rng(run_seed: int, round_no: int, call: int) -> random.Random:
    return random.Random(f"{run_seed}:{round_no}:{call}")


def build_requests(seeds, pool, cfg, lang: str, round_no: int, propose_cfg=None,
                   tree: TopicTree | None = None) -> list[tuple[list[dict], str, Provenance]]:
    """One request per proposal call of this round, reproducible from (--seed, round, call). A rotating
    template (one with ``$register``) gets task types, subject, register and length per call; a scoped run
    (``tree``) gets a topic per call, the least-covered first, and demos near it."""
    main = propose_cfg in (None, cfg.propose)
    name = scoped_template((propose_cfg or cfg.propose).prompt, main, tree is not None)
    rotate = rotates(name, lang, cfg.prompt_version)
    balanced = cfg.balance is not None and main
    counts = main_counts(pool) if balanced or rotate else None
    topics = assign_topics(tree.topics, pool, cfg.batch_size, cfg.seed, round_no) if tree else [""] * cfg.batch_size
    out = []
    for call in range(cfg.batch_size):
        rng = _round_rng(cfg.seed, round_no, call)
        if balanced:
            focus = focus_types(cfg.balance.shares(lang), counts, cfg.target, call, cfg.balance.focus)
        else:
            focus = rotation_types(counts, cfg, round_no, call) if rotate else []
        pick = [s for s in seeds if s.task_type and s.task_type.value in focus] or seeds
        if tree:
            seed_demos, machine_demos = scoped_demos(seeds, pool, cfg.seed_demos, cfg.machine_demos, rng,
                                                     topics[call], f"{tree.domain} {topics[call]}", focus)
        else:
            seed_demos, machine_demos = sample_demos(pick, pool, cfg.seed_demos, cfg.machine_demos, rng)
        demos = [s.instruction for s in seed_demos] + [s.instruction for s in machine_demos]
        rng.shuffle(demos)
        if rotate:
            style = call_style(cfg.seed, round_no, call, lang)
            messages, prompt_id = rotated_messages(name, demos, lang, cfg, focus, style, tree, topics[call])
        elif focus:
            messages, prompt_id = balanced_messages(demos, lang, cfg, focus)
        else:
            messages, prompt_id = proposal_messages(demos, lang, cfg.num_new, cfg.prompt_version, name)
        if tree and "domain" not in identifiers(name, lang, cfg.prompt_version):
            messages = with_scope_hint(messages, lang, cfg.prompt_version, tree.domain, topics[call])
        prov = Provenance(
            seed_ids=[s.id for s in seed_demos],
            demo_sample_ids=[s.id for s in machine_demos],
            prompt_template=prompt_id,
            prompt_version=cfg.prompt_version,
            round=round_no,
            topic=topics[call],
        )
        out.append((messages, prompt_id, prov))
    return out


def candidates_from_answer(result, prov: Provenance, lang: str, call_id: str, max_tokens: int, num_new: int):
    """Turn one LLM result into candidates (the first ``num_new`` items) and rejects: one for a failed or
    empty answer, one ``surplus`` reject for each item beyond ``num_new``. Every parsed item is accounted for."""
    prov = prov.model_copy(update={"timings": {"propose_s": round(result.seconds, 3)}, "usage": result.usage})
    if not result.ok:
        return [], [Reject(candidate_id=call_id, stage=Stage.PROPOSE, reason=Reason.LLM_ERROR, detail=result.error[:500])]
    items = parse_instructions(result.text)
    if not items:
        rej = Reject(candidate_id=call_id, stage=Stage.PARSE, reason=Reason.PARSE_EMPTY,
                     detail="no instruction found", candidate={"answer": result.text[:2000]})
        return [], [rej]
    cut = result.cut_off(max_tokens)
    cands = [
        Candidate(id=f"{call_id}i{k:02d}", lang=lang, instruction=text,
                  maybe_truncated=cut and k == len(items) - 1,
                  provenance=prov.model_copy(update={"candidate_id": f"{call_id}i{k:02d}",
                                                     "usage": result.usage if k == 0 else Usage()}))
        for k, text in enumerate(items)
    ]
    surplus = [Reject(candidate_id=c.id, stage=Stage.PARSE, reason=Reason.SURPLUS,
                      detail=f"item {k + 1} of {len(items)}; {num_new} asked for", candidate=c.model_dump(mode="json"))
               for k, c in enumerate(cands) if k >= num_new]
    return cands[:num_new], surplus


def round_prefix(round_no: int, nonce: str) -> str:
    """Candidate ids of a round start with this: the round (from the store's ledger) and a fresh nonce, so
    ids never collide, even when a checkpoint is lost and a round number were to come round again."""
    return f"r{round_no:04d}{nonce}"


def propose(seeds, pool, cfg, lang: str, round_no: int, llm: Completer, nonce: str = "",
            propose_cfg=None) -> tuple[list[Candidate], list[Reject]]:
    tree = topic_tree(cfg, lang, llm) if cfg.domain else None
    requests = build_requests(seeds, pool, cfg, lang, round_no, propose_cfg, tree)
    results = llm.complete_many(
        [r[0] for r in requests], temperature=cfg.temperature, max_tokens=cfg.max_tokens,
        seed=cfg.seed + round_no, tag="propose",
    )
    cands: list[Candidate] = []
    rejects: list[Reject] = []
    for call, ((_, _, prov), result) in enumerate(zip(requests, results)):
        prov.model = llm.model_id
        call_id = f"{round_prefix(round_no, nonce)}c{call:02d}"
        c, r = candidates_from_answer(result, prov, lang, call_id, cfg.max_tokens, cfg.num_new)
        cands += c
        rejects += r
    return cands, rejects
