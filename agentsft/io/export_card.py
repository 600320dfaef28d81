"""The dataset card (README.md) of an HF export: a YAML header the Hub reads (license, languages, size, the data
files) and what is in the data and how it was made (model, recipe, stages, random seed and seed files from the run
manifest when there is one)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import yaml

from ..schema import TASK_TYPE_EN, Sample
from .export_filters import judge_score, verifiers

_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))
LANG_NAMES = {"zh": "Chinese", "en": "English"}


def size_category(n: int) -> str:
    return next((name for limit, name in _SIZES if n < limit), "1M<n<10M")


def _header(samples: list[Sample], license: str) -> str:
    langs = sorted({s.lang for s in samples}) or ["zh", "en"]
    meta = {"license": license, "language": langs, "task_categories": ["text-generation"],
            "tags": ["sft", "synthetic", "agentsft"], "size_categories": [size_category(len(samples))],
            "configs": [{"config_name": "default",
                         "data_files": [{"split": "train", "path": "data/train-*"}]}]}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def _table(title: str, counter: Counter, total: int, names: dict[str, str] | None = None) -> list[str]:
    lines = [f"| {title} | samples | share |", "|---|---:|---:|"]
    for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        label = f"{key} ({names[key]})" if names and names.get(key, key) != key else key
        lines.append(f"| {label} | {n} | {n / total:.1%} |")
    return lines


def _contents(samples: list[Sample]) -> list[str]:
    n = len(samples)
    if not n:
        return ["No samples were exported (the filters left none)."]
    checked = Counter(v for s in samples for v in verifiers(s))
    scores = [x for x in (judge_score(s) for s in samples) if x is not None]
    lines = [f"{n} conversations, {sum(1 for s in samples if s.tools)} with tool schemas.", ""]
    lines += _table("task type", Counter(s.task_type.value for s in samples), n, TASK_TYPE_EN) + [""]
    lines += _table("language", Counter(s.lang for s in samples), n, LANG_NAMES) + [""]
    verified = sum(1 for s in samples if verifiers(s))
    lines.append(f"Verified by a checker: {verified} ({verified / n:.1%})"
                 + (": " + ", ".join(f"{k} {v}" for k, v in sorted(checked.items())) if checked else "") + ".")
    if scores:
        lines.append(f"LLM-judge score (mean of the 1-10 rubric) on {len(scores)} samples: "
                     f"min {min(scores):.2f}, mean {sum(scores) / len(scores):.2f}, max {max(scores):.2f}.")
    return lines


def _made(samples: list[Sample], manifest: dict[str, Any] | None, source: str, filters: str) -> list[str]:
    models = Counter(s.provenance.model for s in samples if s.provenance.model)
    lines = [f"- exported from: `{source}`" if source else "- exported from: a samples file",
             f"- export filters: {filters or 'none'}"]
    if models:
        lines.append("- models named in the samples: " + ", ".join(f"`{m}` ({k})" for m, k in models.most_common()))
    if not manifest:
        return lines + ["- no run manifest was found, so the recipe and seeds are not recorded here."]
    cfg = manifest.get("config") or {}
    versions = manifest.get("versions") or {}
    lines += [f"- generator: agentsft {versions.get('agentsft', '?')} "
              f"(`agentsft grow`, run {manifest.get('created', '?')} – {manifest.get('updated', '?')})",
              f"- model: `{manifest.get('model', '?')}`" + (f" at `{cfg['base_url']}`" if cfg.get("base_url") else ""),
              f"- recipe: `{cfg.get('recipe') or 'built-in default'}`; stages: "
              + ", ".join(f"`{s if isinstance(s, str) else next(iter(s), '?')}`" for s in cfg.get("stages") or [])]
    if cfg.get("mix"):
        lines.append(f"- mix: {', '.join(f'`{k}`' for k in cfg['mix'])}")
    lines.append(f"- random seed: {cfg.get('seed', '?')}; language: {manifest.get('lang', '?')}")
    for path, digest in (manifest.get("seeds") or {}).items():
        lines.append(f"- seed file: `{path}` (sha256 `{digest}`)")
    counts = manifest.get("counts") or {}
    if counts:
        lines.append(f"- run counts: {counts.get('candidates', '?')} candidates, {counts.get('accepted', '?')} "
                     f"accepted, {counts.get('rejected', '?')} rejected (stop: {manifest.get('stop', '?')})")
    return lines


def dataset_card(samples: list[Sample], *, manifest: dict[str, Any] | None, license: str, source: str,
                 filters: str, columns: list[str]) -> str:
    lines = ["# agentsft SFT dataset", "",
             "Supervised fine-tuning conversations (Chinese / English) grown from seed tasks by "
             "agentsft; every sample passed its run's filters, novelty gate and recipe "
             "stages.", "", "## Contents", "", *_contents(samples), "", "## How it was made", "",
             *_made(samples, manifest, source, filters), "", "## Columns", "",
             "- `messages`: the conversation, OpenAI chat shape; every message has `role`, `content`, `tool_calls` "
             "(`arguments` a JSON string), `tool_call_id`, `name` (null where unused)",
             "- `tools`: the OpenAI tool schemas as a JSON string (null when none)",
             "- `input_start`: where the input begins in the first user turn (instruction + blank line + input), "
             "or null",
             "- `verification`, `provenance`: JSON strings (checks, judge scores; model, prompt template, round)",
             f"- all columns: {', '.join(f'`{c}`' for c in columns)}", "",
             "## Loading", "", "```python", "from datasets import load_dataset, load_from_disk",
             'ds = load_dataset("parquet", data_files="data/train-00000-of-00001.parquet", split="train")',
             'ds = load_from_disk("disk")  # the same rows', "```", "", "## Licence", "",
             f"The `license` field says `{license}`. Set it (`agentsft export --license ...`) to terms that fit "
             "your seed data and the terms of the model that wrote the answers.", ""]
    return _header(samples, license) + "\n" + "\n".join(lines)
