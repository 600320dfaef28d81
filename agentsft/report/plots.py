"""The report's figures: matplotlib (Agg backend) PNGs as base64 strings, to embed in the one HTML file.

Axis labels and tick labels are ASCII only (task types are their ASCII identifiers; Chinese words go in HTML
tables, where the reader's browser fonts show them), so the PNGs never show missing-glyph boxes whatever fonts
this machine has. Every function takes one or two inputs' metrics and overlays or groups them.
"""

from __future__ import annotations

import base64
import io
from typing import Any

COLORS = ("#3b6ea5", "#d9822b")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
                         "font.family": "DejaVu Sans"})
    return plt


def _png(fig) -> str:
    from matplotlib.ticker import MaxNLocator

    for ax in fig.axes:
        if ax.get_ylabel() in ("samples", "") and ax.axison:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=100)
    _plt().close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def funnel(results: list[dict[str, Any]]) -> str | None:
    runs = [r for r in results if r.get("funnel")]
    if not runs:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, len(runs), figsize=(6.4 * len(runs), 0.45 * max(
        len(r["funnel"]["steps"]) for r in runs) + 1.6), squeeze=False)
    for ax, r, color in zip(axes[0], runs, COLORS):
        f = r["funnel"]
        labels = ["candidates"] + [f"after {s['stage']}" for s in f["steps"]] + ["accepted"]
        values = [f["candidates"]] + [s["left"] for s in f["steps"]] + [f["accepted"]]
        y = list(range(len(labels)))[::-1]
        ax.barh(y, values, color=color)
        ax.set_yticks(y, labels)
        for yy, v in zip(y, values):
            ax.text(v, yy, f" {v}", va="center")
        ax.set_xlabel("candidates left")
        ax.set_title(r["name"])
    return _png(fig)


def mix(results: list[dict[str, Any]]) -> str | None:
    types = []
    for r in results:
        types += [row["task_type"] for row in r["shape"]["mix"]["types"] if row["task_type"] not in types]
    if not types:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 3.2))
    width = 0.8 / (len(results) + 1)
    for i, r in enumerate(results):
        share = {row["task_type"]: row["share"] for row in r["shape"]["mix"]["types"]}
        ax.bar([x + i * width for x in range(len(types))], [100 * share.get(t, 0) for t in types], width,
               label=r["name"], color=COLORS[i])
    target = {row["task_type"]: row["target"] for row in results[0]["shape"]["mix"]["types"]}
    ax.bar([x + len(results) * width for x in range(len(types))], [100 * target.get(t, 0) for t in types], width,
           label=f"target ({results[0]['name']})", color="#bbbbbb")
    ax.set_xticks([x + width * len(results) / 2 for x in range(len(types))], types, rotation=30, ha="right")
    ax.set_ylabel("% of samples")
    ax.legend(frameon=False)
    return _png(fig)


def per_type_hist(results: list[dict[str, Any]], key: str) -> str | None:
    """A histogram per task type of ``key`` ("chars" or "tokens": total tokens), inputs overlaid."""
    import numpy as np

    def value(row):
        return row["chars"] if key == "chars" else (row["tokens"] or {}).get("total")

    types = sorted({row["task_type"] for r in results for row in r["per_record"] if value(row) is not None})
    if not types:
        return None
    plt = _plt()
    cols = min(4, len(types))
    rows_n = (len(types) + cols - 1) // cols
    fig, axes = plt.subplots(rows_n, cols, figsize=(2.6 * cols + 0.6, 2.0 * rows_n + 0.4), squeeze=False)
    for ax, tt in zip(axes.flat, types):
        allv = [value(row) for r in results for row in r["per_record"] if row["task_type"] == tt]
        edges = np.histogram_bin_edges(allv, bins=min(12, max(3, len(set(allv)))))
        for i, r in enumerate(results):
            vals = [value(row) for row in r["per_record"] if row["task_type"] == tt]
            if vals:
                ax.hist(vals, bins=edges, alpha=0.6, color=COLORS[i], label=r["name"])
        ax.set_title(tt, fontsize=9)
        ax.set_xlabel("characters" if key == "chars" else "tokens (prompt + response)", fontsize=8)
    for ax in list(axes.flat)[len(types):]:
        ax.axis("off")
    if len(results) > 1:
        axes.flat[0].legend(frameon=False, fontsize=7)
    return _png(fig)


def novelty(results: list[dict[str, Any]]) -> str | None:
    have = [r for r in results if r.get("novelty")]
    if not have:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(9, 2.9))
    for ax, part, title in ((axes[0], "to_seeds", "highest cosine to a seed"),
                            (axes[1], "to_pool", "highest cosine to another sample")):
        drawn = False
        for i, r in enumerate(have):
            vals = [v for v in (r["novelty"]["values"][part] or []) if v is not None]
            if vals:
                ax.hist(vals, bins=r["novelty"]["bins"], alpha=0.6, color=COLORS[i], label=r["name"])
                drawn = True
        ax.set_title(title)
        ax.set_xlabel("cosine similarity")
        ax.set_ylabel("samples")
        ax.set_xlim(0, 1)
        if not drawn:
            ax.text(0.5, 0.5, "not available", ha="center", transform=ax.transAxes)
        elif len(have) > 1:
            ax.legend(frameon=False)
    return _png(fig)


def judge(results: list[dict[str, Any]]) -> str | None:
    have = [r for r in results if r.get("judge")]
    if not have:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    width = 0.8 / len(have)
    for i, r in enumerate(have):
        j = r["judge"]
        xs = [b + i * width for b in j["bins"]]
        ax.bar(xs, j["hist_kept"], width, color=COLORS[i], label=f"{r['name']}: kept")
        ax.bar(xs, j["hist_rejected"], width, bottom=j["hist_kept"], color=COLORS[i], alpha=0.4,
               label=f"{r['name']}: judge_low_score")
    ax.set_xticks(list(range(1, 11)))
    ax.set_xlabel("mean rubric score (1-10, floor)")
    ax.set_ylabel("samples")
    ax.legend(frameon=False, fontsize=7)
    return _png(fig)


def rounds(results: list[dict[str, Any]]) -> str | None:
    have = [r for r in results if len(r.get("rounds") or []) >= 2]
    if not have:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 2.4))
    for i, r in enumerate(have):
        ax.plot([x["round"] for x in r["rounds"]], [100 * (x["accept_rate"] or 0) for x in r["rounds"]],
                marker="o", color=COLORS[i], label=r["name"])
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("round")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("% of candidates accepted")
    ax.legend(frameon=False)
    return _png(fig)


def clusters(results: list[dict[str, Any]]) -> str | None:
    have = [r for r in results if r.get("clusters")]
    if not have:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 2.4))
    width = 0.8 / len(have)
    for i, r in enumerate(have):
        sizes = r["clusters"]["sizes"]
        n = sum(sizes)
        ax.bar([x + i * width for x in range(len(sizes))], [100 * s / n for s in sizes], width, color=COLORS[i],
               label=f"{r['name']} (k={r['clusters']['k']})")
    k = max(len(r["clusters"]["sizes"]) for r in have)
    ax.set_xticks([x + width * (len(have) - 1) / 2 for x in range(k)], [str(x + 1) for x in range(k)])
    ax.set_xlabel("cluster (largest first)")
    ax.set_ylabel("% of samples")
    ax.legend(frameon=False)
    return _png(fig)
