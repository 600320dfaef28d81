"""The run report: `agentsft eval` (funnel, mix, lengths and tokens, novelty, diversity, verification, cost) as
one static HTML page and a JSON file, for a run directory or a plain dataset, alone or side by side with another;
`agentsft audit` (a random sheet to label, and its rates read back)."""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["evaluate", "write_outputs", "report_command"]


def evaluate(path: str | os.PathLike[str], against: str | os.PathLike[str] | None = None, *, fmt: str = "auto",
             tokenizer: Any = None, prices_path: str | None = None, mix_spec: str | None = None,
             use_embedder: bool = True) -> list[dict[str, Any]]:
    """Metrics of ``path`` (and of ``against``). Raises ``InputError`` / ``ValueError`` with one-line messages."""
    from .cost import load_prices
    from .load import load
    from .metrics import compute

    from .diversity import cluster_k

    prices = load_prices(prices_path)
    inputs = [load(p, fmt) for p in [path] + ([against] if against is not None else [])]
    k = cluster_k(min(len(ev.data.records) for ev in inputs)) if len(inputs) == 2 else None  # same k: comparable
    results = [compute(ev, tokenizer, prices, mix_spec, use_embedder, cluster_k=k) for ev in inputs]
    if len(results) == 2 and results[0]["name"] == results[1]["name"]:
        results[1]["name"] += " (2)"
    return results


def write_outputs(results: list[dict[str, Any]], html_path: str | None, json_path: str | None) -> None:
    """Write the HTML page and/or the JSON metrics, atomically."""
    from agentsft.io.writers import write_atomic

    from .html import render

    if html_path:
        write_atomic(html_path, [render(results)])
    if json_path:
        data = results[0] if len(results) == 1 else {"inputs": results}
        write_atomic(json_path, [json.dumps(data, ensure_ascii=False, indent=1, default=str), "\n"])


def report_command(run_dir: str | os.PathLike[str]) -> str:
    """The command that makes a run's report (what `agentsft grow` prints at the end)."""
    return f"agentsft eval {run_dir} --html {os.path.join(str(run_dir), 'report.html')}"
