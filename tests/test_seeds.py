"""Regression: our own seed tasks pass our own filters with the default limits, in their own language."""

import json
from pathlib import Path

import pytest

from agentsft.config import FilterConfig
from agentsft.filters import check_instruction, check_output
from agentsft.schema import SeedTask

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
LIMITS = FilterConfig()


def _seeds(lang: str) -> list[SeedTask]:
    lines = (SEEDS / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
    return [SeedTask.model_validate(json.loads(line)) for line in lines if line.strip()]


ALL = [(lang, seed) for lang in ("zh", "en") for seed in _seeds(lang)]


def test_seed_files_are_found_and_not_empty():
    assert {lang for lang, _ in ALL} == {"zh", "en"}
    assert all(seed.lang == lang for lang, seed in ALL)


@pytest.mark.parametrize(("lang", "seed"), ALL, ids=[seed.id for _, seed in ALL])
def test_seed_instruction_passes_check_instruction(lang, seed):
    lim = getattr(LIMITS, lang)
    assert check_instruction(seed.instruction, lang, lim.min, lim.max) is None


@pytest.mark.parametrize(("lang", "seed"), ALL, ids=[seed.id for _, seed in ALL])
def test_seed_outputs_pass_check_output(lang, seed):
    assert seed.instances, "every seed has an instance"
    for inst in seed.instances:
        assert check_output(seed.instruction, inst.input, inst.output, lang, LIMITS.min_output_chars) is None
