"""Graph nodes: short functions of (state, services) returning partial state."""

from __future__ import annotations

import os

from agentsft.graph.branches import MAIN, branch_of, choose_branch, demo_seeds
from agentsft.graph.services import Services
from agentsft.graph.state import GrowState
from agentsft.schema import Candidate, Reject
from agentsft.steps.commit import commit_batch
from agentsft.steps.docpropose import propose_docs
from agentsft.steps.propose import propose
from agentsft.steps.stages import BoundStage


FAILING_ROUNDS = 3  # stop when every call of this many rounds in a row failed (endpoint down, bad key)


def _load(state: GrowState, svc: Services) -> list[Candidate]:
    """The batch in flight, less any candidate the store has settled already (a replayed node after a run
    that settled it, e.g. when a lowered target ended the run)."""
    return [Candidate.model_validate(c) for c in state.get("batch", []) if not svc.store.seen_candidate(c["id"])]


def _dump(cands: list[Candidate]) -> list[dict]:
    return [c.model_dump(mode="json") for c in cands]


def _record(svc: Services, rejects: list[Reject]) -> None:
    for rej in rejects:
        svc.store.reject(rej)


def _base(svc: Services, in_flight: int = 0) -> dict:
    """Store counts as a round begins (for per-round rates); ``in_flight`` candidates count as this round's."""
    return {"accepted": svc.store.accepted, "candidates": svc.store.candidates - in_flight,
            "duplicates": svc.store.duplicates(), "llm_errors": svc.store.reasons["llm_error"]}


def propose_node(state: GrowState, svc: Services) -> GrowState:
    """Mint a round of candidates into the store's ledger, or first take back candidates the ledger holds
    but no sample or reject settles (a replayed node, or a run whose checkpoint was lost)."""
    orphans = svc.store.orphans()
    if orphans:
        round_no = max(svc.store.round_of(c["id"]) for c in orphans)
        branch = branch_of(orphans[0].get("provenance", {}).get("branch", ""))
        return {"round": round_no, "batch": orphans, "round_base": _base(svc, len(orphans)), "branch": branch}
    round_no = svc.store.last_round + 1
    base = _base(svc)
    branch = choose_branch(svc.branches, svc.store.accepted_by_branch(), svc.store.rounds())
    if svc.cfg.docs and branch.name == MAIN:  # documents as sources: the main branch proposes from chunks
        cands, rejects = propose_docs(svc.cfg, svc.lang, round_no, svc.llm, svc.store.ledger_path,
                                      nonce=os.urandom(2).hex())
    else:
        cands, rejects = propose(demo_seeds(svc.seeds, svc.lang, branch.propose), svc.store.samples, svc.cfg,
                                 svc.lang, round_no, svc.llm, nonce=os.urandom(2).hex(), propose_cfg=branch.propose)
    if branch.name != MAIN:
        cands = [c.model_copy(update={"provenance": c.provenance.model_copy(update={"branch": branch.name})})
                 for c in cands]
    batch = _dump(cands)
    svc.store.mint(round_no, batch, rejects)
    return {"round": round_no, "batch": batch, "round_base": base, "branch": branch.name}


def stage_node(state: GrowState, stage: BoundStage, svc: Services) -> GrowState:
    """Run one recipe stage on the batch in flight; its rejects go to the store. A stage that loses or invents
    a candidate is a bug in that stage: it stops the run with its name rather than break the accounting."""
    batch = _load(state, svc)
    kept, rejects = stage(batch, svc)
    given, out = sorted(c.id for c in batch), sorted([c.id for c in kept] + [r.candidate_id for r in rejects])
    if given != out:
        raise RuntimeError(f"stage '{stage.name}' returned {len(out)} candidates for {len(given)} "
                           "(each must come back once, kept or rejected)")
    _record(svc, rejects)
    return {"batch": _dump(kept)}


def commit_node(state: GrowState, svc: Services) -> GrowState:
    _record(svc, commit_batch(_load(state, svc), svc.store, svc.gate, svc.cfg.target))
    base = state.get("round_base", {})
    made = svc.store.candidates - base.get("candidates", 0)
    svc.store.log_round({
        "round": state.get("round", 0), "branch": state.get("branch") or MAIN, "candidates": made,
        "accepted": svc.store.accepted - base.get("accepted", 0),
        "duplicates": svc.store.duplicates() - base.get("duplicates", 0),
        "llm_errors": svc.store.reasons["llm_error"] - base.get("llm_errors", 0),
    })
    return {"batch": [], "stop": stop_reason(state, svc)}


def stop_reason(state: GrowState, svc: Services) -> str:
    if svc.store.accepted >= svc.cfg.target:
        return "target reached"
    recent = svc.store.rounds()[-FAILING_ROUNDS:]
    if len(recent) == FAILING_ROUNDS and all(r["candidates"] and r["llm_errors"] == r["candidates"] for r in recent):
        return f"the LLM failed on every call for {FAILING_ROUNDS} rounds (see llm_error rejects); rerun to resume"
    if svc.store.candidates >= svc.cfg.candidate_budget:
        return f"candidate budget {svc.cfg.candidate_budget} spent (is the model too weak for this language?)"
    return ""
