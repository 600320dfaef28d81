"""The grow graph end to end with a scripted fake chat model behind the real LLM service."""

from __future__ import annotations

import json

import pytest
from fakes import ScriptedChat
from grow_runs import lines, make_run

from agentsft.schema import Reason
from agentsft.store import StoreError


def test_grow_reaches_target_and_accounts_for_every_candidate(seed_file, tmp_path):
    run = make_run(seed_file, tmp_path / "run")
    summary = run.run()
    samples, rejects = lines(run.store.samples_path), lines(run.store.rejects_path)
    assert summary.accepted == len(samples) == 12
    assert summary.candidates == len(samples) + len(rejects)
    assert summary.consistent
    manifest = json.loads(run.store.manifest_path.read_text())
    assert manifest["counts"] == {"candidates": summary.candidates, "accepted": 12,
                                  "rejected": len(rejects), "consistent": True}
    assert {r["reason"] for r in rejects} <= {r.value for r in Reason}
    # the scripted model always adds a preamble-free blacklisted item and a too-short one
    assert {"blacklisted", "too_short"} <= {r["reason"] for r in rejects}
    assert len({s["id"] for s in samples}) == 12
    assert len({s["instruction"] for s in samples}) == 12
    assert all(s["lang"] == "zh" and s["output"] for s in samples)


def test_samples_carry_provenance(seed_file, tmp_path):
    run = make_run(seed_file, tmp_path / "run", target=3)
    run.run()
    prov = run.store.samples[0].provenance
    assert prov.seed_ids and prov.model == "scripted"
    assert prov.prompt_template.startswith("zh/propose.v1+zh/instances")
    assert prov.candidate_id and prov.novelty["gate"]


def test_same_seed_gives_same_samples(seed_file, tmp_path):
    a = make_run(seed_file, tmp_path / "a", seed=7)
    b = make_run(seed_file, tmp_path / "b", seed=7)
    a.run(), b.run()
    assert [s.id for s in a.store.samples] == [s.id for s in b.store.samples]


def test_rerun_same_out_is_complete_and_larger_target_continues(seed_file, tmp_path):
    out = tmp_path / "run"
    first = make_run(seed_file, out, target=5).run()
    again = make_run(seed_file, out, target=5)
    summary = again.run()
    assert summary.accepted == 5 and again.llm.calls == 0
    assert summary.usage == first.usage and first.usage["calls"] > 0  # token accounting spans sessions
    first_seconds = json.loads((out / "manifest.json").read_text())["seconds"]
    more = make_run(seed_file, out, target=9)
    summary = more.run()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seconds"] == pytest.approx(first_seconds + summary.seconds, abs=0.02)  # working time adds up
    samples = lines(out / "samples.jsonl")
    assert summary.accepted == len(samples) == 9
    assert len({s["id"] for s in samples}) == 9
    assert summary.consistent


def test_resume_refuses_a_different_config(seed_file, tmp_path):
    out = tmp_path / "run"
    make_run(seed_file, out, target=3).run()
    with pytest.raises(StoreError, match="different config"):
        make_run(seed_file, out, target=3, seed=99)
    assert make_run(seed_file, out, target=3, seed=99, force=True).run().accepted == 3


def test_failed_llm_calls_are_rejects_not_crashes(seed_file, tmp_path):
    run = make_run(seed_file, tmp_path / "run", chat=ScriptedChat(fail_every=3), target=6)
    summary = run.run()
    rejects = lines(run.store.rejects_path)
    assert "llm_error" in {r["reason"] for r in rejects}
    assert summary.consistent and summary.accepted == 6


def test_weak_model_stops_at_candidate_budget(seed_file, tmp_path):
    run = make_run(seed_file, tmp_path / "run", lang="en", target=50, max_candidates=20)
    summary = run.run()
    assert summary.accepted < 50
    assert "budget" in summary.stop
    assert summary.consistent


def test_rounds_log_acceptance_per_round(seed_file, tmp_path):
    run = make_run(seed_file, tmp_path / "run", target=12)
    summary = run.run()
    rounds = lines(run.store.rounds_path)
    assert [r["round"] for r in rounds] == list(range(1, len(rounds) + 1))
    assert sum(r["accepted"] for r in rounds) == summary.accepted
    assert sum(r["candidates"] for r in rounds) == summary.candidates
    assert all(0 <= r["accept_rate"] <= 1 for r in rounds)


def test_dead_endpoint_stops_after_failing_rounds(seed_file, tmp_path):
    run = make_run(seed_file, tmp_path / "run", chat=ScriptedChat(fail_every=1), target=5)
    summary = run.run()
    assert summary.accepted == 0
    assert "failed on every call" in summary.stop
    assert summary.reasons == {"llm_error": summary.candidates} and summary.consistent


def test_loop_with_the_novelty_engine_records_its_decisions(seed_file, tmp_path):
    run = make_run(seed_file, tmp_path / "run", target=6, novelty={"embedder": "none"})
    summary = run.run()
    assert type(run.gate).__name__ == "NoveltyEngine"
    assert summary.accepted == 6 and summary.consistent
    assert all(s.provenance.novelty.get("novel") for s in run.store.samples)
    manifest = json.loads(run.store.manifest_path.read_text())
    assert manifest["novelty"]["gate"] == "NoveltyEngine" and manifest["novelty"]["checked"] > 0
    for rej in lines(run.store.rejects_path):
        if rej["reason"] in ("duplicate_exact", "duplicate_near"):
            assert "twin" in rej["detail"]
