"""Shape of the data: task type, language and turns vs the target mix; characters and tokens per record and per
task type. Counting is ``agentsft.stats``' (``profile``, ``shape``, ``mix_distance``, ``token_summary``) and
``agentsft.tokens``' (``count_tokens``); this module only adds the per-record arrays the histograms need and
the target mix a run was made for."""

from __future__ import annotations

from collections import Counter
from typing import Any

from agentsft.schema import TEXT_TYPES, TaskType
from agentsft.stats import mix_distance, parse_mix, percentile, profile, shape, token_summary

from .load import EvalInput


def per_record(ev: EvalInput, tokenizer: Any = None) -> list[dict[str, Any]]:
    """One row per record: lang, task type, user turns, characters of all turns, token counts (or None)."""
    from agentsft.tokens import count_tokens

    rows = []
    for seed, (lang, tt) in zip(ev.data.seeds, ev.data.labels):
        users, chars = shape(seed)
        row: dict[str, Any] = {"lang": lang, "task_type": tt.value, "turns": users, "chars": chars,
                               "tokens": None}
        if tokenizer is not None:
            row["tokens"] = count_tokens(tokenizer, seed)
        rows.append(row)
    return rows


def target_mix(ev: EvalInput, spec: str | None = None) -> tuple[dict[TaskType, float], str, str | None]:
    """(target share per type, where it comes from, the branch it applies to or None for every sample).

    ``spec`` (``--mix``, stats' syntax) wins; else the run's ``balance`` block (its main branch when the recipe
    mixes in other branches); else uniform over the ten text types."""
    if spec:
        present = {tt for _, tt in ev.data.labels}
        return parse_mix(spec, present), f"--mix {spec}", None
    config = (ev.manifest or {}).get("config") or {}
    branch = "main" if config.get("mix") else None
    if config.get("balance") is not None:
        from agentsft.config import BalanceConfig

        shares = BalanceConfig.model_validate(config["balance"]).shares(ev.lang)
        return {TaskType(k): v for k, v in shares.items()}, "the run's balance block", branch
    return {TaskType(t): 1 / len(TEXT_TYPES) for t in TEXT_TYPES}, "uniform over the ten text types", branch


def type_mix(ev: EvalInput, spec: str | None = None) -> dict[str, Any]:
    """Per type count, share, target and difference, and the total variation distance (stats' ``mix_distance``)."""
    target, source, branch = target_mix(ev, spec)
    if branch is not None and ev.samples and len(ev.samples) == len(ev.data.labels):
        counts = Counter(TaskType(s.task_type) for s in ev.samples if (s.provenance.branch or "main") == branch)
    else:
        counts = Counter(tt for _, tt in ev.data.labels)
        branch = None
    dist = mix_distance(counts, target)
    if not sum(counts.values()):
        dist["tvd"] = None  # no sample yet: no distance to speak of
    return {"source": source, "branch": branch, **dist}


def _summary(values: list[int]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": 0, "p90": 0, "max": 0, "mean": 0.0}
    return {"n": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90), "max": max(values),
            "mean": round(sum(values) / len(values), 1)}


def shape_report(ev: EvalInput, rows: list[dict[str, Any]], tokenizer_name: str | None,
                 mix_spec: str | None = None) -> dict[str, Any]:
    """Counts by type/language/turns/length (stats' profile), token percentiles, per-type length and token
    summaries and the mix vs target."""
    prof = profile(ev.data, None, mix="uniform")
    per_type: dict[str, dict[str, Any]] = {}
    for tt in sorted({r["task_type"] for r in rows}):
        mine = [r for r in rows if r["task_type"] == tt]
        per_type[tt] = {"chars": _summary([r["chars"] for r in mine]),
                        "tokens": _summary([r["tokens"]["total"] for r in mine]) if tokenizer_name else None}
    tokens = None
    if tokenizer_name:
        counted = [r["tokens"] for r in rows]
        tokens = {"tokenizer": tokenizer_name, "sum": sum(c["total"] for c in counted), **token_summary(counted)}
    return {
        "records": prof["records"], "format": prof["format"], "by_type": prof["by_type"], "by_lang": prof["by_lang"],
        "turns": prof["turns"],
        "length_chars": prof["length_chars"], "tokens": tokens, "per_type": per_type,
        "mix": type_mix(ev, mix_spec),
    }
