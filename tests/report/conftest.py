"""A small run directory written by hand: samples, rejects, ledger, rounds and manifest, with known figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentsft.schema import Sample


def _sample(instruction, output, lang, task_type, cand, branch="", verification=None):
    s = Sample.from_triple(instruction, "", output, lang=lang, task_type=task_type,
                           verification=verification or {},
                           provenance={"candidate_id": cand, "branch": branch, "model": "gpt-4o-mini"})
    return s.model_dump(mode="json", exclude_none=True)


def _reject(cand, stage, reason, instruction="x", verification=None, branch=""):
    return {"candidate_id": cand, "stage": stage, "reason": reason, "detail": f"{reason} detail",
            "candidate": {"id": cand, "lang": "zh", "instruction": instruction, "verification": verification or {},
                          "provenance": {"branch": branch}}}


def write_jsonl(path: Path, rows) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """4 samples (main: qa, qa, code; branch reasoning: reasoning), 6 rejects, 11 candidates (one in flight)."""
    root = tmp_path / "run"
    root.mkdir()
    seeds = tmp_path / "seeds.jsonl"
    write_jsonl(seeds, [{"id": "s1", "instruction": "解释什么是光合作用。", "instances": [{"input": "", "output": "x"}]},
                        {"id": "s2", "instruction": "Write a short poem about the sea.",
                         "instances": [{"input": "", "output": "y"}]}])
    samples = [
        _sample("写一首关于春天的诗", "春风吹绿了江南岸", "zh", "qa", "c1", verification={"grounded": {"ok": True}}),
        _sample("请把这句话翻译成英文", "你好你好", "zh", "qa", "c2",
                verification={"judge": {"helpfulness": 8, "correctness": 8, "groundedness": 8, "structure": 8,
                                        "language": 8, "mean": 8.0}}),
        _sample("Write a short poem about love", "a b a", "en", "code", "c3"),
        _sample("What is 2 plus 3?", "5", "en", "reasoning", "c4", branch="reasoning",
                verification={"cot": {"agreement": 0.667, "k": 3, "steps_total": 4, "steps_checked": 3}}),
    ]
    rejects = [
        _reject("c5", "parse", "surplus"),
        _reject("c6", "novelty", "duplicate_near"),
        _reject("c7", "grounded", "ungrounded_number"),
        _reject("c8", "grounded", "unsupported"),
        _reject("c9", "judge", "judge_low_score", verification={"judge": {"helpfulness": 3, "correctness": 4,
                                                                          "groundedness": 3, "structure": 3,
                                                                          "language": 2, "mean": 3.0}}),
        _reject("c10", "cot", "vote_tie", branch="reasoning"),
    ]
    write_jsonl(root / "samples.jsonl", samples)
    write_jsonl(root / "rejects.jsonl", rejects)
    write_jsonl(root / "ledger.jsonl", [{"round": 1, "minted": [{"id": f"c{i}"} for i in range(1, 12)], "rejects": []}])
    write_jsonl(root / "rounds.jsonl", [{"round": 1, "candidates": 11, "accepted": 4, "duplicates": 1,
                                         "accept_rate": 0.3636}])
    manifest = {
        "status": "complete", "model": "gpt-4o-mini (http://127.0.0.1:8000/v1)", "model_id": "gpt-4o-mini",
        "lang": "zh", "created": "2026-11-26T08:00:00+0000", "updated": "2026-11-26T08:02:00+0000",
        "config": {"seeds": [str(seeds)], "stages": ["screen", "classify", "instances", {"judge": {"threshold": 6}},
                                                     "grounded"],
                   "balance": {"mix": {"qa": 1, "code": 1}}, "mix": {"reasoning": {"share": 0.25,
                                                                                  "stages": ["screen", "cot"]}},
                   "novelty": {"embedder": "default"}},
        "counts": {"candidates": 11, "accepted": 4, "rejected": 6},
        "usage_total": {"prompt_tokens": 1_000_000, "completion_tokens": 500_000, "calls": 8, "cached_calls": 2},
    }
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


class CharTokenizer:
    """One token per character (a stand-in for the GGUF vocabulary)."""

    name = "chars"

    def count(self, text: str) -> int:
        return len(text)

    def encode(self, text: str) -> list[int]:
        return [ord(c) for c in text]


@pytest.fixture
def char_tokenizer() -> CharTokenizer:
    return CharTokenizer()


@pytest.fixture
def alpaca_file(tmp_path: Path) -> Path:
    path = tmp_path / "alpaca.json"
    path.write_text(json.dumps([
        {"instruction": "Summarize this paragraph in one sentence.", "input": "Cats sleep a lot.", "output": "Cats sleep."},
        {"instruction": "Translate this hotel notice into Chinese.", "input": "No smoking.", "output": "禁止吸烟。"},
        {"instruction": "Write a short bash script that backs up a directory.", "input": "", "output": "cp -r a b"},
    ], ensure_ascii=False), encoding="utf-8")
    return path
