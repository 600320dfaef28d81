"""What a person sees while a run goes: a live progress bar and a final summary (used by the CLI)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]grow[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=False,
    )


def stats_line(run, state: dict) -> str:
    cands = state.get("candidates", 0)
    rate = run.store.accepted / cands if cands else 0.0
    top = ", ".join(f"{k} {v}" for k, v in run.store.reasons.most_common(3))
    tokens = run.llm.usage.prompt_tokens + run.llm.usage.completion_tokens
    rounds = run.store.rounds()
    last = f" (last round {rounds[-1]['accept_rate']:.0%})" if rounds else ""
    return f"round {state.get('round', 0)} · accept {rate:.0%}{last} · tokens {tokens:,} · rejects: {top or '-'}"


def summary_table(summary, out_dir) -> Table:
    t = Table(title=f"run {out_dir}", show_header=False)
    t.add_row("stopped because", summary.stop)
    t.add_row("candidates", str(summary.candidates))
    t.add_row("accepted", str(summary.accepted))
    t.add_row("rejected", str(summary.rejected))
    ok = "[green]yes[/]" if summary.consistent else "[red]NO[/]"
    t.add_row("candidates = accepted + rejected", f"{summary.candidates} = {summary.accepted} + {summary.rejected} {ok}")
    for reason, n in sorted(summary.reasons.items(), key=lambda kv: -kv[1]):
        t.add_row(f"  reject: {reason}", str(n))
    u = summary.usage
    t.add_row("LLM calls (cached)", f"{u['calls']} ({u['cached_calls']})")
    t.add_row("tokens in / out", f"{u['prompt_tokens']:,} / {u['completion_tokens']:,}")
    t.add_row("seconds", str(summary.seconds))
    return t
