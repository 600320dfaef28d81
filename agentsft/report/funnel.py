"""Where candidates went: candidates → each stage that rejected some → accepted; rejects by stage and reason;
acceptance per round and per recipe branch. Generic over stages and reason codes: the stage order is the
``Stage`` enum's (pipeline order); a stage or reason this build does not know is listed after the known ones."""

from __future__ import annotations

from collections import Counter
from typing import Any

from agentsft.schema import REASON_DOCS, Reason, Stage

from .load import EvalInput

STAGE_ORDER = [s.value for s in Stage]
REASON_TEXT = {r.value: doc for r, doc in REASON_DOCS.items()}


def stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER) - 1  # unknown: before commit


def reason_doc(reason: str) -> str:
    return REASON_TEXT.get(reason, "(a reason code this build does not document)")


def _branch(rec: dict[str, Any]) -> str:
    prov = (rec.get("candidate") or {}).get("provenance") or {}
    return prov.get("branch") or "main"


def funnel(ev: EvalInput) -> dict[str, Any]:
    """The funnel of a run: ``steps`` (stage, rejected there, left after it), ``by_reason`` and consistency."""
    by_stage: Counter[str] = Counter(r.get("stage", "?") for r in ev.rejects)
    by_pair: Counter[tuple[str, str]] = Counter((r.get("stage", "?"), r.get("reason", "?")) for r in ev.rejects)
    rejected = len({r.get("candidate_id") for r in ev.rejects})
    candidates = len(ev.candidate_ids)
    accepted = len(ev.samples)
    left, steps = candidates, []
    for stage in sorted(by_stage, key=lambda s: (stage_rank(s), s)):
        entered = left
        left -= by_stage[stage]
        steps.append({"stage": stage, "entered": entered, "rejected": by_stage[stage], "left": left,
                      "pass_rate": round(left / entered, 4) if entered else None})
    reasons = [{"stage": st, "reason": rs, "count": n, "share_of_candidates": round(n / candidates, 4)
                if candidates else 0.0, "doc": reason_doc(rs)}
               for (st, rs), n in sorted(by_pair.items(), key=lambda kv: (stage_rank(kv[0][0]), -kv[1], kv[0][1]))]
    unknown = sorted({r["reason"] for r in reasons} - {x.value for x in Reason})
    manifest_counts = (ev.manifest or {}).get("counts")
    return {
        "candidates": candidates, "accepted": accepted, "rejected": rejected,
        "in_flight": candidates - accepted - rejected,
        "consistent": candidates == accepted + rejected,
        "accept_rate": round(accepted / candidates, 4) if candidates else 0.0,
        "steps": steps, "reasons": reasons, "unknown_reasons": unknown,
        "manifest_counts": manifest_counts,
    }


def branches(ev: EvalInput) -> list[dict[str, Any]]:
    """Accepted, rejected and share of the accepted per recipe branch, with the recipe's target share."""
    config = (ev.manifest or {}).get("config") or {}
    shares = {name: float((b or {}).get("share", 0.0)) for name, b in (config.get("mix") or {}).items()}
    if shares:
        shares["main"] = max(0.0, 1.0 - sum(shares.values()))
    acc = Counter(s.provenance.branch or "main" for s in ev.samples)
    rej = Counter(_branch(r) for r in ev.rejects)
    total = sum(acc.values())
    rows = []
    for name in sorted(set(acc) | set(rej) | set(shares), key=lambda n: (n != "main", n)):
        rows.append({"branch": name, "accepted": acc.get(name, 0), "rejected": rej.get(name, 0),
                     "share": round(acc.get(name, 0) / total, 4) if total else 0.0,
                     "target": round(shares[name], 4) if name in shares else None})
    return rows


def rounds(ev: EvalInput) -> list[dict[str, Any]]:
    """Per-round candidates, accepted and accept rate (from ``rounds.jsonl``)."""
    keep = ("round", "candidates", "accepted", "duplicates", "accept_rate")
    return [{k: r.get(k) for k in keep} for r in ev.rounds]


def examples(ev: EvalInput, per_reason: int = 1, top: int = 8) -> list[dict[str, Any]]:
    """A rejected candidate's instruction and the reject's detail for the most frequent reasons."""
    counts = Counter(r.get("reason") for r in ev.rejects)
    out = []
    for reason, _ in counts.most_common(top):
        for rec in [r for r in ev.rejects if r.get("reason") == reason][:per_reason]:
            cand = rec.get("candidate") or {}
            out.append({"reason": reason, "stage": rec.get("stage"), "detail": str(rec.get("detail", ""))[:200],
                        "instruction": str(cand.get("instruction", ""))[:200]})
    return out
