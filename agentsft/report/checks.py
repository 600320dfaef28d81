"""Verification pass rates (tool traces, reasoning steps, groundedness, dialogue context, quality, judge...),
the judge's score distribution and the self-consistency vote agreement.

The families are data (``data/checks.json``): a sample passed a family when its ``verification`` record has one
of the family's keys or its recipe branch ran one of the family's stages; a reject failed it when its stage or
reason is the family's. Pass rate = passed / (passed + failed). A family no sample or reject touched is left out.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from .load import EvalInput

DATA = Path(__file__).with_name("data") / "checks.json"
CRITERIA = ("helpfulness", "correctness", "groundedness", "structure", "language")


@lru_cache(maxsize=1)
def families() -> list[dict[str, Any]]:
    return json.loads(DATA.read_text(encoding="utf-8"))["families"]


def _names(stages: list[Any]) -> set[str]:
    out = set()
    for st in stages or []:
        out |= set(st) if isinstance(st, dict) else {str(st)}
    return out


def branch_stages(manifest: dict[str, Any] | None) -> dict[str, set[str]]:
    """Stage names each recipe branch ran ("main": the top-level list)."""
    config = (manifest or {}).get("config") or {}
    out = {"main": _names(config.get("stages") or [])}
    for name, branch in (config.get("mix") or {}).items():
        out[name] = _names((branch or {}).get("stages") or [])
    return out


def pass_rates(ev: EvalInput) -> list[dict[str, Any]]:
    ran = branch_stages(ev.manifest)
    rows = []
    for fam in families():
        stages, keys, reasons = set(fam["stages"]), set(fam["keys"]), set(fam["reasons"])
        passed = [s for s in ev.samples
                  if keys & set(s.verification) or stages & ran.get(s.provenance.branch or "main", set())]
        failed = [r for r in ev.rejects if r.get("stage") in stages or r.get("reason") in reasons]
        if not passed and not failed:
            continue
        n = len(passed) + len(failed)
        rows.append({"family": fam["name"], "passed": len(passed), "failed": len(failed),
                     "pass_rate": round(len(passed) / n, 4),
                     "reasons": dict(Counter(r.get("reason") for r in failed).most_common()),
                     "detail": _detail(fam["name"], passed)})
    return rows


def _detail(name: str, passed: list[Any]) -> dict[str, Any]:
    """Family-specific sums over the kept samples' verification records."""
    if name == "reasoning steps":
        recs = [s.verification["cot"] for s in passed if isinstance(s.verification.get("cot"), dict)]
        total = sum(int(r.get("steps_total", 0)) for r in recs)
        checked = sum(int(r.get("steps_checked", 0)) for r in recs)
        return {"chains": len(recs), "steps": total, "steps_checked": checked,
                "checked_share": round(checked / total, 4) if total else None}
    if name == "tool traces":
        recs = [s.verification["trace"] for s in passed if isinstance(s.verification.get("trace"), dict)]
        nums = sum(int(r.get("numbers_checked", 0)) for r in recs)
        return {"traces": len(recs), "tool_calls": sum(int(r.get("calls", 0)) for r in recs),
                "reexecuted": sum(int(r.get("reexecuted", 0)) for r in recs), "numbers_checked": nums,
                "numbers_supported": sum(int(r.get("numbers_supported", 0)) for r in recs)}
    return {}


def _judge_record(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    rec = ((obj or {}).get("verification") or {}).get("judge")
    return rec if isinstance(rec, dict) and isinstance(rec.get("mean"), (int, float)) else None


def judge_scores(ev: EvalInput) -> dict[str, Any] | None:
    """Mean rubric scores of kept and judge-rejected samples: a 1-10 histogram and per-criterion means."""
    kept = [r for s in ev.samples if (r := _judge_record({"verification": s.verification}))]
    low = [r for rej in ev.rejects if (r := _judge_record(rej.get("candidate")))]
    if not kept and not low:
        return None

    def crit(recs: list[dict[str, Any]]) -> dict[str, float | None]:
        return {c: (round(sum(r[c] for r in recs if c in r) / max(1, sum(1 for r in recs if c in r)), 2)
                    if any(c in r for r in recs) else None) for c in CRITERIA}

    def hist(recs: list[dict[str, Any]]) -> list[int]:
        counts = [0] * 10
        for r in recs:
            counts[min(9, max(0, int(float(r["mean"])) - 1))] += 1
        return counts

    unparsable = sum(1 for rej in ev.rejects if rej.get("reason") == "judge_unparsable")
    return {"kept": len(kept), "rejected": len(low), "unparsable": unparsable,
            "hist_kept": hist(kept), "hist_rejected": hist(low), "bins": list(range(1, 11)),
            "criteria_kept": crit(kept), "criteria_rejected": crit(low),
            "mean_kept": round(sum(r["mean"] for r in kept) / len(kept), 2) if kept else None,
            "values": [r["mean"] for r in kept] + [r["mean"] for r in low]}


def votes(ev: EvalInput) -> dict[str, Any] | None:
    """Self-consistency: the agreement of kept chains (majority share of k answers) and vote rejects."""
    recs = [s.verification["cot"] for s in ev.samples if isinstance(s.verification.get("cot"), dict)
            and isinstance(s.verification["cot"].get("agreement"), (int, float))]
    reasons = Counter(r.get("reason") for r in ev.rejects if r.get("reason") in ("vote_tie", "vote_low_agreement",
                                                                             "reference_mismatch")
                      and r.get("stage") in ("cot", "vote"))
    if not recs and not reasons:
        return None
    agreement = Counter(round(float(r["agreement"]), 2) for r in recs)
    unanimous = sum(1 for r in recs if float(r["agreement"]) >= 0.999)
    return {"kept": len(recs), "mean_agreement": round(sum(float(r["agreement"]) for r in recs) / len(recs), 4)
            if recs else None, "unanimous": unanimous, "agreement": dict(sorted(agreement.items())),
            "rejected": dict(reasons)}
