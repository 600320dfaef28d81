"""What a run cost: LLM calls and cached calls, prompt/completion tokens, wall time, throughput and a price
estimate from a per-model table (``data/prices.json``: the prices there are examples — set your own with
``--prices FILE``).

Token counts are the manifest's ``usage_total``: every result's tokens, cached ones included (a cached result
brings its stored counts with ``calls`` 0). The price is given two ways: of all tokens (an upper bound) and
prorated to the calls actually sent (``calls / (calls + cached_calls)``; exact when calls are alike).
"""

from __future__ import annotations

import fnmatch
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from agentsft.io.errors import InputError

from .load import EvalInput

DEFAULT_PRICES = Path(__file__).with_name("data") / "prices.json"


def load_prices(path: str | Path | None = None) -> dict[str, Any]:
    """A price table; a bad file raises ``InputError`` naming it."""
    p = Path(path) if path else DEFAULT_PRICES
    try:
        table = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(p, None, f"cannot read the price table: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise InputError(p, getattr(exc, "lineno", None), f"price table is not JSON: {exc}") from None
    models = table.get("models") if isinstance(table, dict) else None
    if not isinstance(models, list):
        raise InputError(p, None, 'price table needs "models": [{"pattern", "prompt", "completion"}, ...]')
    for i, row in enumerate(models):
        ok = isinstance(row, dict) and isinstance(row.get("pattern"), str) and all(
            isinstance(row.get(k), (int, float)) and not isinstance(row.get(k), bool) and row[k] >= 0
            for k in ("prompt", "completion"))
        if not ok:
            raise InputError(p, None, f"models[{i}] needs a string pattern and non-negative prompt/completion prices")
    return {"currency": table.get("currency", "USD"), "per": float(table.get("per", 1_000_000)), "models": models,
            "source": str(p), "note": table.get("_note", "")}


def price_of(model_id: str, prices: dict[str, Any]) -> dict[str, Any] | None:
    """The first row whose pattern matches ``model_id`` (fnmatch, then substring; case-insensitive)."""
    name = (model_id or "").lower()
    for row in prices["models"]:
        if fnmatch.fnmatch(name, row["pattern"].lower()):
            return row
    for row in prices["models"]:
        if row["pattern"].lower().strip("*") and row["pattern"].lower().strip("*") in name:
            return row
    return None


def _seconds(manifest: dict[str, Any]) -> tuple[float | None, str]:
    if isinstance(manifest.get("seconds"), (int, float)):
        return float(manifest["seconds"]), "manifest seconds"
    try:
        fmt = "%Y-%m-%dT%H:%M:%S%z"
        a = datetime.strptime(manifest["created"], fmt)
        b = datetime.strptime(manifest["updated"], fmt)
        how = "manifest created → updated (includes pauses between resumed sessions)"
        return max(0.0, (b - a).total_seconds()), how
    except (KeyError, TypeError, ValueError):
        return None, "not recorded"


def cost(ev: EvalInput, prices: dict[str, Any]) -> dict[str, Any] | None:
    """Calls, tokens, time, throughput and price of a run (None for a plain file or without a manifest)."""
    m = ev.manifest
    if not m:
        return None
    u = m.get("usage_total") or {}
    if not u:
        ev.notes.append("the manifest has no usage yet (it is written when a run ends or stops): cost shows 0")
    calls, cached = int(u.get("calls", 0)), int(u.get("cached_calls", 0))
    prompt, completion = int(u.get("prompt_tokens", 0)), int(u.get("completion_tokens", 0))
    seconds, how = _seconds(m)
    accepted = len(ev.samples)
    model_id = m.get("model_id") or m.get("model") or ""
    row = price_of(model_id, prices)
    out: dict[str, Any] = {
        "model": model_id, "calls": calls, "cached_calls": cached, "prompt_tokens": prompt,
        "completion_tokens": completion, "seconds": seconds, "seconds_source": how,
        "samples_per_minute": round(accepted / seconds * 60, 3) if seconds else None,
        "completion_tokens_per_second": round(completion / seconds, 2) if seconds else None,
        "tokens_per_sample": round((prompt + completion) / accepted, 1) if accepted else None,
        "currency": prices["currency"], "price_row": row, "price_source": prices["source"],
        "price_all_tokens": None, "price_sent": None, "price_per_1k_samples": None,
        "other_models": sorted({v.get("model", k) for k, v in (((m.get("config") or {}).get("models")) or {}).items()
                                if isinstance(v, dict)} - {model_id}),
    }
    if row is not None:
        total = (prompt * row["prompt"] + completion * row["completion"]) / prices["per"]
        sent = total * calls / (calls + cached) if calls + cached else 0.0
        out.update(price_all_tokens=round(total, 6), price_sent=round(sent, 6),
                   price_per_1k_samples=round(sent / accepted * 1000, 4) if accepted else None)
    return out
