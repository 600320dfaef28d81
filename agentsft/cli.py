"""Command line: thin typer commands that parse flags, build the config and call the engine."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from agentsft.config import ConfigError, build_config
from agentsft.io import InputError
from agentsft.llm.embedded import EmbeddedModelCrashed, ModelNotFound
from agentsft.schema import REASON_DOCS
from agentsft.store import StoreError

app = typer.Typer(
    name="agentsft",
    help="Grow supervised fine-tuning (SFT) datasets from a few seed tasks (Chinese and English).\n\n"
    "Start with:  agentsft grow --seeds seeds/zh.jsonl --target 50 --out runs/demo",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
err = Console(stderr=True)
out = Console()


def optional_tokenizer(spec: str):
    """The tokenizer ``spec`` names, None for 'none'; the offline default missing is a warning (no token counts),
    any other tokenizer missing an error (``TokenizerError``)."""
    from agentsft.tokens import TokenizerError, get_tokenizer, is_none_spec

    if is_none_spec(spec):
        return None
    try:
        return get_tokenizer(spec)
    except TokenizerError as exc:
        if spec.strip().lower() != "default":
            raise
        err.print(f"[yellow]warning:[/] no token counts: {exc}", markup=True, highlight=False, soft_wrap=True)
        return None


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, no traceback, a non-zero exit."""
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def grow(
    seeds: list[Path] = typer.Option(None, "--seeds", "-s", help="Seed file (repeatable): Self-Instruct, Alpaca, ShareGPT, OpenAI messages or an open dataset (Dolly, Firefly, COIG, BELLE, MOSS, glaive, OpenAssistant) as JSON/JSONL, parquet or a save_to_disk folder."),
    target: Optional[int] = typer.Option(None, help="Stop when this many samples are accepted. (default: 100)"),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Run directory; rerunning the same one resumes. (default: runs/default)"),
    lang: Optional[str] = typer.Option(None, help="zh or en. (default: majority language of the seeds)"),
    model: Optional[list[str]] = typer.Option(None, "--model", help="Model name on the server, or 'embedded' / a .gguf path for the local model. Repeat it to add voters: the first is the run's model ('main'); the others join the recipe's models under their own names (use them in a stage's models list, e.g. cot)."),
    base_url: Optional[str] = typer.Option(None, help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 (or set OPENAI_BASE_URL)."),
    concurrency: Optional[int] = typer.Option(None, help="LLM calls in flight at once. (default: 4)"),
    timeout: Optional[float] = typer.Option(None, help="Seconds one LLM call may take before it is retried and then rejected as llm_error (raise it for a slow local server). (default: 120)"),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed for demo sampling and generation. (default: 0)"),
    seed_format: Optional[str] = typer.Option(None, "--format", help="Force the seed format: self_instruct, alpaca, sharegpt, openai, or an open dataset's (dolly, firefly, coig, coig_chat, belle_multiturn, moss, glaive, oasst)."),
    seed_sample: Optional[int] = typer.Option(None, "--seed-sample", min=1, help="Draw this many seeds from each seed file by streaming (default: all; files over 50 MB: 2000)."),
    recipe: Optional[Path] = typer.Option(None, help="Recipe YAML (e.g. graphs/grow.yaml); flags override it."),
    domain: Optional[str] = typer.Option(None, help="Keep growth inside this domain, e.g. '旅游客服' or 'legal explanation'."),
    topics: Optional[Path] = typer.Option(None, help="Topics under --domain, one per line (default: a topic tree generated once and stored in the run)."),
    docs: list[Path] = typer.Option(None, "--docs", help="Documents as sources (repeatable): a file, folder or glob of txt, md, html, pdf, docx."),
    max_candidates: Optional[int] = typer.Option(None, help="Give up after this many candidates. (default: 40 x target, at least 200)"),
    resume: bool = typer.Option(False, "--resume", help="Continue the run in --out (it must exist)."),
    force: bool = typer.Option(False, "--force", help="Continue a run even though its config differs."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Grow a dataset: propose instructions from seed demos, filter, dedup, write instances, commit.

    Exit codes: 0 target reached; 2 bad input or config (or --out in use by another process); 3 stopped short
    of the target (LLM failing, or the candidate budget spent); 4 the embedded model's process crashed (rerun to
    resume once fixed); 130 interrupted (rerun to resume).
    """
    extra = {m: {"model": m} for m in (model or [])[1:]}
    flags = dict(seeds=seeds, target=target, out=out_dir, lang=lang, model=(model or [None])[0], base_url=base_url,
                 models=extra or None,
                 concurrency=concurrency, timeout=timeout, seed=seed, seed_format=seed_format, seed_sample=seed_sample, max_candidates=max_candidates,
                 resume=resume or None, force=force or None, domain=domain, topics=topics, docs=docs)
    try:
        cfg = build_config(recipe, flags)
        if cfg.resume and not (cfg.out / "manifest.json").exists():
            fail(f"{cfg.out}: nothing to resume (no manifest.json)")
        summary = _run(cfg, quiet)
    except (ConfigError, InputError, StoreError, ModelNotFound) as exc:
        fail(str(exc))
    except EmbeddedModelCrashed as exc:
        fail(f"{exc}. What was done is kept: rerun the same command to resume.", code=4)
    except KeyboardInterrupt:
        err.print("interrupted: rerun the same command (or add --resume) to continue")
        raise typer.Exit(130)
    if not summary.consistent:
        fail(f"accounting mismatch: candidates {summary.candidates} != accepted + rejected", code=1)
    if summary.accepted < cfg.target:
        fail(f"stopped at {summary.accepted}/{cfg.target} samples: {summary.stop}", code=3)


def _run(cfg, quiet: bool):
    from agentsft.display import live_progress, summary_table
    from agentsft.graph.launch import open_run

    run = open_run(cfg)
    err.print(f"model: {run.model_desc}", highlight=False)
    err.print(f"seeds: {len(run.seeds)} ({run.lang}) · out: {cfg.out} · target {cfg.target}"
              + (f" · resuming at {run.store.accepted}" if run.store.accepted else ""), highlight=False)
    if quiet:
        summary = run.run()
    else:
        with live_progress(run, err, cfg.target):
            summary = run.run()
    out.print(summary_table(summary, cfg.out))
    from agentsft.report import report_command

    out.print(f"report: {report_command(cfg.out)}", highlight=False, soft_wrap=True)
    return summary


@app.command()
def dedup(
    in_path: Path = typer.Argument(..., metavar="IN", help="Dataset to dedup: Alpaca, ShareGPT, OpenAI messages, Self-Instruct, agentsft samples or an open dataset (Dolly, Firefly, COIG, BELLE, MOSS, glaive, OpenAssistant; JSON/JSONL, parquet or a save_to_disk folder)."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Kept records, in the input's own format."),
    rejects_path: Path = typer.Option(..., "--rejects", help="JSONL of dropped records: reason, gate, kept twin and score."),
    field: str = typer.Option("instruction", help="What to compare: instruction, output or all."),
    threshold: Optional[float] = typer.Option(None, help="Embedding cosine threshold (default: per language, see graphs/grow.yaml)."),
    fmt: str = typer.Option("auto", "--format", help="Force the input format."),
    embedder: Optional[str] = typer.Option(None, help="sentence-transformers model name or path; 'none' = lexical only."),
) -> None:
    """Remove exact and near duplicates from a dataset, keeping the first of each group."""
    from agentsft.config import NoveltyConfig
    from agentsft.dedup import run_dedup

    if field not in ("instruction", "output", "all"):
        fail(f"--field must be instruction, output or all, not {field!r}")
    novelty = NoveltyConfig(**({"embedder": embedder} if embedder else {}))
    try:
        summary = run_dedup(in_path, out_path, rejects_path, field=field, threshold=threshold, fmt=fmt, novelty=novelty)
    except (InputError, ValueError) as exc:
        fail(str(exc).splitlines()[0])
    out.print(f"read {summary.read} · kept {summary.kept} · exact duplicates {summary.exact_dups} · "
              f"near duplicates {summary.near_dups} · invalid {summary.invalid} · {summary.seconds:.1f}s "
              f"({summary.format}, field {summary.field})", highlight=False)


@app.command()
def stats(
    in_path: Path = typer.Argument(..., metavar="IN", help="Dataset (Alpaca, ShareGPT, OpenAI messages, Self-Instruct, agentsft samples, an open dataset such as Dolly, Firefly, COIG, BELLE, MOSS, glaive, OpenAssistant; JSON/JSONL, parquet or a save_to_disk folder) or a run directory."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Write every record back in its own format with top-level lang and task_type."),
    fmt: str = typer.Option("auto", "--format", help="Force the input format."),
    retype: bool = typer.Option(False, "--retype", help="Type every record, even one that already has a task_type."),
    tokenizer: str = typer.Option("default", "--tokenizer", help="Token counts with: 'default' (offline: the embedded GGUF's vocabulary), 'hf:NAME_OR_PATH' (a Hugging Face tokenizer already on disk or in the HF cache), 'hf-online:NAME' (may download), 'gguf:PATH', a local tokenizer directory, or 'none' to skip tokens."),
    mix: Optional[str] = typer.Option(None, "--mix", help="Target task-type mix to measure the distance to: 'uniform' (over the types present), 'uniform-all' (over every type) or 'type=share,...' (e.g. qa=0.4,code=0.3,translation=0.3). Default: a run's own balance mix, else uniform."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the tables."),
) -> None:
    """Profile a dataset: counts by task type and language, user turns and length, token percentiles
    (p50/p90/p99/max of prompt, response and total) and the distance to a target task-type mix; optionally
    write the records back typed."""
    import json

    from agentsft.stats import profile, profile_tables, run_mix_spec, stats_table, type_dataset, write_typed
    from agentsft.tokens import TokenizerError

    try:
        data = type_dataset(in_path, fmt=fmt, retype=retype)
        tok = optional_tokenizer(tokenizer)
        prof = profile(data, tok, mix=mix or run_mix_spec(in_path) or "uniform")
        if out_path is not None:
            write_typed(data, out_path)
    except (InputError, ValueError, OSError, TokenizerError) as exc:
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    wrote = f"wrote {len(data.records)} typed records to {out_path} ({data.format})"
    if as_json:
        typer.echo(json.dumps(prof, ensure_ascii=False))
        if out_path is not None:
            err.print(wrote, highlight=False)
        return
    out.print(stats_table(data))
    for table in profile_tables(prof):
        out.print(table)
    if out_path is not None:
        out.print(wrote, highlight=False)


@app.command()
def calc(expression: str = typer.Argument(..., metavar="EXPR", help="Arithmetic, e.g. '2.35*13.6 + 2*58.9 - 15' or '150*20%'.")) -> None:
    """Run the calculator tool: exact arithmetic behind a whitelist parser (no code is ever executed).

    Prints the exact result and, when it differs, its decimal form. Exit 0 on a result, 2 on an error."""
    from agentsft.tools.calculator import calculate

    result = calculate(expression)
    if not result.ok:
        fail(result.error)
    out.print(result.text, highlight=False)


@app.command()
def verify(
    in_path: Path = typer.Argument(..., metavar="IN", help="Tool-use traces: OpenAI messages (+tools), ShareGPT/LLaMA-Factory (function_call/observation) or xLAM."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Traces that pass, in the input's own format."),
    rejects_path: Path = typer.Option(..., "--rejects", help="JSONL of failed traces: line, stage, reason, detail, record."),
    fmt: str = typer.Option("auto", "--format", help="Force the format: openai, sharegpt, xlam (tool traces) or cot (reasoning chains in Alpaca output, ShareGPT/OpenAI assistant turns, <think> blocks)."),
    tool: list[str] = typer.Option(None, "--tool", help="Register a tool by import path 'pkg.module:attr' (repeatable) so its calls are re-executed."),
) -> None:
    """Verify tool-use traces: known tools, valid arguments, observations that equal a fresh re-execution,
    and final-answer numbers that follow from the tool results. Exit 0 when done (even with rejects)."""
    from agentsft.graph.run import tool_registry
    from agentsft.verify.run import verify_file

    try:
        summary = verify_file(in_path, out_path, rejects_path, fmt=fmt, registry=tool_registry(tool or []))
    except (InputError, ConfigError, ValueError) as exc:
        fail(str(exc).splitlines()[0])
    out.print(summary.format(), highlight=False)


@app.command()
def export(
    src: Optional[Path] = typer.Argument(None, metavar="RUN_OR_FILE", help="Run directory (or a samples.jsonl file)."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write (JSON lines); a folder for --to hf. llamafactory: NAME.jsonl (text) and NAME_tools.jsonl (tool calls) + dataset_info.json."),
    fmt: str = typer.Option("openai", "--to", "--format", "-f", help="openai, sharegpt (+ dataset_info.json), llamafactory (alpaca + sharegpt files, dataset_info.json), xlam, alpaca, hf (parquet + save_to_disk + card)."),
    types: list[str] = typer.Option(None, "--type", help="Only these task types (repeatable or comma-separated)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Only samples in this language (zh or en)."),
    min_judge: Optional[float] = typer.Option(None, "--min-judge", help="Only samples whose judge score (mean of the rubric, 1-10) is at least this."),
    verified_only: bool = typer.Option(False, "--verified-only", help="Only samples a verifier passed (tool trace, reasoning chain, dialogue context, groundedness)."),
    license_: str = typer.Option("unknown", "--license", help="Licence field of the HF dataset card."),
    check: Optional[Path] = typer.Option(None, "--check", help="Validate an OpenAI fine-tuning JSONL file instead: print each malformed example (file:line: reason); exit 1 if any."),
) -> None:
    """Export a run's samples as a training file; samples a format cannot hold are counted, not dropped silently."""
    from agentsft.io.exports import make_filter, run_export

    if check is not None:
        return _check_openai(check)
    if src is None or out_path is None:
        fail("export needs RUN_OR_FILE and --out (or --check FILE)")
    try:
        summary = run_export(src, out_path, fmt, make_filter(types, lang, min_judge, verified_only), license_)
    except (InputError, ValueError, OSError) as exc:
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    out.print(summary.describe(fmt, out_path), highlight=False, soft_wrap=True)


def _check_openai(path: Path) -> None:
    from agentsft.io.openai_check import check_file

    try:
        result = check_file(path)
    except InputError as exc:
        fail(str(exc))
    for problem in result.problems:
        typer.echo(problem.format(path))
    bad = len(result.bad_lines)
    notes = "".join(f" · note: {n}" for n in result.notes)
    out.print(f"{path}: {result.examples} examples, {bad} malformed{notes}", highlight=False, soft_wrap=True)
    if bad:
        raise typer.Exit(1)


@app.command("filter")
def filter_cmd(
    in_path: Path = typer.Argument(..., metavar="IN", help="Dataset: Alpaca, ShareGPT, OpenAI messages, Self-Instruct, agentsft samples or an open dataset (Dolly, Firefly, COIG, BELLE, MOSS, glaive, OpenAssistant; JSON/JSONL, parquet or a save_to_disk folder)."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Records that pass, in the input's own format."),
    rejects_path: Path = typer.Option(..., "--rejects", help="JSONL of dropped records: line, stage, reason, detail, record."),
    fmt: str = typer.Option("auto", "--format", help="Force the input format."),
    max_tokens: Optional[int] = typer.Option(None, "--max-tokens", help="Reject records longer than this many tokens (prompt + response)."),
    tokenizer: str = typer.Option("default", "--tokenizer", help="Tokenizer for --max-tokens: default (offline, the embedded GGUF's), hf:NAME_OR_PATH."),
    no_verify: bool = typer.Option(False, "--no-verify", help="Skip the tool-trace and reasoning verifiers."),
    redact: bool = typer.Option(False, "--redact-personal-data", help="Replace e-mails, phone, 身份证 and card numbers by placeholders ([EMAIL], [PHONE], ...) instead of rejecting the record."),
) -> None:
    """Run the quality gate on a dataset: refusals, AI self-reference, not-a-task, toxicity, personal data, code and
    JSON that do not parse, language, fluency, repetition, token limit, and the trace/reasoning verifiers."""
    from agentsft.gate import filter_file

    try:
        tok = None
        if max_tokens:
            from agentsft.tokens import get_tokenizer

            tok = get_tokenizer(tokenizer)
        registry = None
        if not no_verify:
            from agentsft.tools.registry import default_registry

            registry = default_registry()
        summary = filter_file(in_path, out_path, rejects_path, fmt=fmt, tokenizer=tok, max_tokens=max_tokens,
                              registry=registry, redact=redact)
    except (InputError, ValueError, OSError, RuntimeError) as exc:
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    out.print(summary.format_lines(), highlight=False)


@app.command()
def stages() -> None:
    """List the stages a recipe can name (graphs/*.yaml 'stages:'), with their settings and defaults."""
    from agentsft.steps.stages import STAGES, resolve_stages

    resolve_stages([])  # registers the built-in stages
    out.print("[bold]propose[/]  (always first) new instructions from seed and pool demos; settings: the 'propose' block", soft_wrap=True)
    for name, spec in STAGES.items():
        fields = ", ".join(f"{k}={f.default!r}" for k, f in spec.settings.model_fields.items())
        out.print(f"[bold]{name}[/]  {spec.doc}" + (f"\n    settings: {fields}" if fields else ""), highlight=False, soft_wrap=True)
    out.print("[bold]commit[/]  (always last) store accepted samples; leftovers past the target are rejects", soft_wrap=True)


@app.command("eval")
def eval_cmd(
    in_path: Path = typer.Argument(..., metavar="RUN_OR_FILE", help="A run directory, or a dataset file (Alpaca, ShareGPT, OpenAI messages, Self-Instruct, agentsft samples)."),
    against: Optional[Path] = typer.Option(None, "--against", help="Another run or dataset file to compare with, side by side."),
    html_path: Optional[Path] = typer.Option(None, "--html", help="Write the report as one static HTML page (offline, figures embedded)."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write every metric as JSON."),
    prices: Optional[Path] = typer.Option(None, "--prices", help="Per-model price table (JSON, like agentsft/report/data/prices.json; its prices are examples)."),
    mix: Optional[str] = typer.Option(None, "--mix", help="Target task-type mix (stats' syntax, e.g. qa=0.4,code=0.6); default: the run's balance block, else uniform over the text types."),
    tokenizer: str = typer.Option("default", "--tokenizer", help="Token counts with: default (offline), hf:NAME_OR_PATH, gguf:PATH, or none."),
    fmt: str = typer.Option("auto", "--format", help="Force the dataset format of a plain file."),
    no_embed: bool = typer.Option(False, "--no-embed", help="Skip the embedder (no novelty or cluster figures)."),
) -> None:
    """Report on a run or a dataset: funnel, task-type mix vs target, lengths and tokens, novelty, diversity,
    verification pass rates, judge scores, votes and cost; as HTML (--html), JSON (--json) and a short summary."""
    from agentsft.report import evaluate, write_outputs
    from agentsft.tokens import TokenizerError

    try:
        tok = optional_tokenizer(tokenizer)
        results = evaluate(in_path, against, fmt=fmt, tokenizer=tok, prices_path=str(prices) if prices else None,
                           mix_spec=mix, use_embedder=not no_embed)
        write_outputs(results, str(html_path) if html_path else None, str(json_path) if json_path else None)
    except (InputError, ValueError, OSError, TokenizerError) as exc:
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    for r in results:
        f = r.get("funnel")
        line = f"{r['name']}: {r['shape']['records']} records"
        if f:
            line += f" · candidates {f['candidates']} · accepted {f['accepted']} ({100 * f['accept_rate']:.1f}%)"
        if r["shape"]["mix"]["tvd"] is not None:
            line += f" · mix distance {r['shape']['mix']['tvd']:.3f}"
        if (r.get("novelty") or {}).get("to_pool"):
            line += f" · mean nearest cosine {r['novelty']['to_pool']['mean']:.3f}"
        out.print(line, highlight=False)
    for label, path in (("report", html_path), ("metrics", json_path)):
        if path:
            out.print(f"{label}: {path}", highlight=False)


@app.command()
def audit(
    run: Optional[Path] = typer.Argument(None, metavar="RUN", help="A run directory or dataset file to draw samples from."),
    n: int = typer.Option(200, "--n", help="Samples on the sheet (all of them when there are fewer)."),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Where audit.csv and audit.html go. (default: RUN/audit, or beside a file)"),
    seed: int = typer.Option(0, "--seed", help="Random seed of the draw."),
    read: Optional[Path] = typer.Option(None, "--read", help="Read a filled audit.csv back and print the rates."),
) -> None:
    """The Self-Instruct audit: a random sheet to label (valid instruction / valid input / correct output), and
    with --read the rates of a filled sheet."""
    from agentsft.report.audit import read_sheet, sheet_rows, write_sheet
    from agentsft.report.load import load

    try:
        if read is not None:
            rates = read_sheet(read)
            for lab, c in rates["labels"].items():
                rate = "–" if c["rate"] is None else f"{100 * c['rate']:.1f}%"
                out.print(f"{lab:<18} {rate:>7}  ({c['yes']} yes, {c['no']} no, {c['empty']} not labelled)", highlight=False)
            allv = "–" if rates["all_valid"] is None else f"{100 * rates['all_valid']:.1f}%"
            out.print(f"{'all three valid':<18} {allv:>7}  ({rates['fully_labelled']} of {rates['rows']} rows fully labelled)", highlight=False)
            return
        if run is None:
            fail("give a RUN to draw a sheet from, or --read SHEET.csv")
        if n < 1:
            fail("--n must be at least 1")
        rows = sheet_rows(load(run), n, seed)
        target = out_dir or (run / "audit" if run.is_dir() else run.parent / f"{run.stem}.audit")
        csv_path, html_path = write_sheet(rows, target, str(run))
    except (InputError, ValueError, OSError) as exc:
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    out.print(f"wrote {len(rows)} rows: {csv_path} (fill the label columns) and {html_path} (to read)", highlight=False)
    out.print(f"then: agentsft audit --read {csv_path}", highlight=False)


@app.command()
def reasons() -> None:
    """List every reject reason code with its meaning."""
    for reason, doc in REASON_DOCS.items():
        out.print(f"[bold]{reason.value:<20}[/] {doc}", highlight=False)


def main() -> None:  # pragma: no cover - console entry
    app(prog_name="agentsft")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
