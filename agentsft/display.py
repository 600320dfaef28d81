"""What a person sees while a run goes: a live progress bar and a final summary (used by the CLI)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

TICK = 0.5  # seconds between refreshes of the stats line


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]grow[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=False,
    )


def round_rejects(run) -> str:
    """This round's rejects so far, most frequent first."""
    base = Counter(run.svc.progress.round_reasons)
    now = Counter(run.store.reasons)
    now.subtract(base)
    top = [(k, v) for k, v in now.most_common(3) if v > 0]
    return ", ".join(f"{k} {v}" for k, v in top) or "-"


def stats_line(run) -> str:
    """Round and stage, LLM calls done / in flight, tokens per second, acceptance, this round's rejects."""
    prog = run.svc.progress
    llm = run.llm
    cands = run.store.candidates
    rate = run.store.accepted / cands if cands else 0.0
    elapsed = max(1e-6, time.time() - run.started)
    tps = getattr(llm, "fresh_usage", llm.usage).completion_tokens / elapsed
    rounds = run.store.rounds()
    last = f" (last round {rounds[-1]['accept_rate']:.0%})" if rounds else ""
    return (f"round {prog.round} {prog.stage} · calls {llm.calls} done, {getattr(llm, 'in_flight', 0)} in flight "
            f"· {tps:.0f} tok/s · accept {rate:.0%}{last} · round rejects: {round_rejects(run)}")


@contextmanager
def live_progress(run, console: Console, target: int):
    """A progress bar refreshed from a background thread, so it moves while LLM calls run."""
    stop = threading.Event()
    with progress_bar(console) as bar:
        task = bar.add_task("grow", total=target, completed=min(run.store.accepted, target), stats="starting")

        def refresh() -> None:
            bar.update(task, completed=min(run.store.accepted, target), stats=stats_line(run))

        def tick() -> None:
            while not stop.wait(TICK):
                refresh()

        ticker = threading.Thread(target=tick, name="agentsft-progress", daemon=True)
        ticker.start()
        try:
            yield
        finally:
            stop.set()
            ticker.join()
            try:
                refresh()
            except Exception:  # noqa: BLE001 - never hide the exception that ended the run
                pass


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
    for label, text in where_next(summary, Path(out_dir)):
        t.add_row(label, text)
    return t


def where_next(summary, out: Path) -> list[tuple[str, str]]:
    """Where the data is and what to run next."""
    rows = [("samples", str(out / "samples.jsonl")), ("rejects (reason codes)", str(out / "rejects.jsonl")),
            ("run record", str(out / "manifest.json"))]
    if summary.accepted:
        rows.append(("next: look at a sample", f"head -n 1 {out / 'samples.jsonl'}"))
    rows.append(("next: continue or grow further", f"rerun the same command (raise --target to grow past "
                                                   f"{summary.accepted})"))
    rows.append(("next: reject codes explained", "agentsft reasons"))
    return rows
