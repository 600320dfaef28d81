"""Task-type balance during generation: a skewed seed file still ends near the target mix."""

import json
from collections import Counter

import pytest
from fakes import BalancedChat
from typer.testing import CliRunner
from grow_runs import lines, make_run

from agentsft.cli import app
from agentsft.steps.balance import focus_types, quota


def _skewed_seeds(tmp_path):
    """80 % questions."""
    rows = [{"id": f"q{i}", "instruction": f"为什么第{i}种现象会出现？", "task_type": "qa"} for i in range(8)]
    rows += [{"id": "t", "instruction": "把这句话翻译成英文：你好。", "task_type": "translation"},
             {"id": "c", "instruction": "用Python写一个求和函数。", "task_type": "code"}]
    path = tmp_path / "seeds.jsonl"
    path.write_text("\n".join(json.dumps({**r, "instances": [{"input": "", "output": "答"}], "lang": "zh"},
                                         ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_a_skewed_seed_file_ends_within_ten_points_of_the_uniform_mix(tmp_path):
    out = tmp_path / "r"
    run = make_run(_skewed_seeds(tmp_path), out, chat=BalancedChat(), target=30, batch_size=2, max_candidates=400,
                   balance={}, stages=["screen", "classify", "balance", "instances"])
    summary = run.run()
    assert summary.consistent and summary.accepted == 30
    mix = Counter(s["task_type"] for s in lines(out / "samples.jsonl"))
    assert all(abs(mix.get(t, 0) / 30 - 0.1) <= 0.10 for t in run.cfg.balance.shares()), mix
    assert len(mix) >= 8 and max(mix.values()) <= quota(0.1, 30, 0.1)
    assert summary.reasons.get("type_quota_full", 0) > 0
    stats = CliRunner().invoke(app, ["stats", str(out), "--json", "--tokenizer", "none"])  # and stats shows it
    assert stats.exit_code == 0, stats.output
    prof = json.loads(stats.output)
    assert prof["mix"]["spec"].count("=0.1") == 10 and prof["mix"]["tvd"] <= 0.25
    rows = {r["task_type"]: r for r in prof["mix"]["types"]}
    assert all(rows[t]["count"] == n and rows[t]["target"] == pytest.approx(0.1) for t, n in mix.items())


def test_calls_of_one_round_ask_for_different_types():
    shares = {t: 0.2 for t in ("qa", "code", "translation", "generation", "extraction")}
    counts = Counter({"qa": 5})
    first, second = focus_types(shares, counts, 20, 0, 2), focus_types(shares, counts, 20, 1, 2)
    assert "qa" not in first + second and set(first).isdisjoint(second)


def test_a_per_language_mix_steers_a_zh_run(tmp_path):
    """by_lang.zh wins over the global mix for a zh run: only qa/translation/code are asked for and accepted,
    at about 50/25/25."""
    out = tmp_path / "r"
    balance = {"mix": {"generation": 1}, "by_lang": {"zh": {"qa": 2, "translation": 1, "code": 1},
                                                     "en": {"code": 1}}}
    run = make_run(_skewed_seeds(tmp_path), out, chat=BalancedChat(), target=20, batch_size=2, max_candidates=400,
                   balance=balance, stages=["screen", "classify", "balance", "instances"])
    summary = run.run()
    assert summary.consistent and summary.accepted == 20
    mix = Counter(s["task_type"] for s in lines(out / "samples.jsonl"))
    assert set(mix) <= {"qa", "translation", "code"}, mix
    for t, share in {"qa": 0.5, "translation": 0.25, "code": 0.25}.items():
        assert abs(mix.get(t, 0) / 20 - share) <= 0.10, mix
