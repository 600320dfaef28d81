"""Recipes compiled into the grow graph: user stages, reordering, dropping stages; accounting always holds."""

import pytest
from grow_runs import lines, make_run

from agentsft.config import RunConfig
from agentsft.schema import Reason, Reject, Stage
from agentsft.steps.stages import STAGES, register_stage


@pytest.fixture
def drop_odd():
    """A user stage that rejects every other candidate with a reason code."""

    @register_stage("drop_odd")
    def _drop(batch, svc, settings):
        """Drop every other candidate."""
        kept = [c for i, c in enumerate(batch) if i % 2 == 0]
        rejects = [Reject(candidate_id=c.id, stage=Stage.FILTER, reason=Reason.TOO_SHORT, detail="drop_odd")
                   for i, c in enumerate(batch) if i % 2]
        return kept, rejects

    yield "drop_odd"
    STAGES.pop("drop_odd", None)


def test_graph_nodes_follow_the_recipe(tmp_path, seed_file, drop_odd):
    run = make_run(seed_file, tmp_path / "r", stages=["classify", "screen", drop_odd, "instances"])
    graph = run.app.get_graph()
    assert {n for n in graph.nodes if not n.startswith("__")} == {"propose", "classify", "screen", "drop_odd",
                                                                  "instances", "commit"}
    edges = {(e.source, e.target) for e in graph.edges}
    assert {("propose", "classify"), ("classify", "screen"), ("screen", "drop_odd"), ("drop_odd", "instances"),
            ("instances", "commit")} <= edges


def test_a_user_stage_runs_and_accounting_holds(tmp_path, seed_file, drop_odd):
    summary = make_run(seed_file, tmp_path / "r", stages=["screen", drop_odd, "classify", "instances"]).run()
    assert summary.consistent and summary.accepted == 12
    dropped = [r for r in lines(tmp_path / "r" / "rejects.jsonl") if r["detail"] == "drop_odd"]
    assert dropped and all(r["reason"] == "too_short" for r in dropped)


def test_a_run_without_instances_commits_instruction_only_samples(tmp_path, seed_file):
    summary = make_run(seed_file, tmp_path / "r", stages=["screen", "classify"]).run()
    assert summary.consistent and summary.accepted == 12
    sample = lines(tmp_path / "r" / "samples.jsonl")[0]
    assert sample["messages"][0]["role"] == "user" and sample["output"] == ""


def test_stage_list_changes_the_fingerprint_but_defaults_keep_old_runs(tmp_path, seed_file):
    base = RunConfig(seeds=[seed_file])
    assert "stages" not in base.shaping() and "propose" not in base.shaping()
    other = RunConfig(seeds=[seed_file], stages=["screen", "instances"])
    assert other.fingerprint() != base.fingerprint()


def test_a_run_directory_from_before_the_conversation_record_resumes(tmp_path, seed_file):
    """Old samples.jsonl lines (instruction/input/output, no messages) load as conversations; the run goes on."""
    import json

    out = tmp_path / "r"
    assert make_run(seed_file, out, target=4).run().accepted == 4
    path = out / "samples.jsonl"
    old = []
    for rec in lines(path):
        rec = {k: v for k, v in rec.items() if k not in ("messages", "input_start", "verification")}
        old.append(rec)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in old), encoding="utf-8")
    summary = make_run(seed_file, out, target=8).run()
    assert summary.consistent and summary.accepted == 8
    rows = lines(path)
    assert rows[:4] == old and all("messages" in r for r in rows[4:])


def test_a_mixed_recipe_serves_each_branch_near_its_share(tmp_path, seed_file):
    """Two branches, 25 % / 75 %: rounds go to the branch furthest below its share of the accepted samples."""
    mix = {"plain": {"share": 0.75, "stages": ["screen", "classify"]}}
    out = tmp_path / "r"
    run = make_run(seed_file, out, target=24, batch_size=1, mix=mix)
    edges = {(e.source, e.target) for e in run.app.get_graph().edges}
    assert {("propose", "screen"), ("propose", "plain.screen"), ("plain.classify", "commit")} <= edges
    summary = run.run()
    assert summary.consistent and summary.accepted == 24
    samples = lines(out / "samples.jsonl")
    plain = [s for s in samples if s["provenance"].get("branch") == "plain"]
    assert 0.6 <= len(plain) / len(samples) <= 0.9
    assert all(s["output"] == "" for s in plain) and all(s["output"] for s in samples if s not in plain)
    assert {r["branch"] for r in lines(out / "rounds.jsonl")} == {"main", "plain"}


def test_mix_shares_over_one_and_a_main_branch_are_config_errors(seed_file):
    import pytest as _pytest
    from pydantic import ValidationError

    with _pytest.raises(ValidationError, match="more than 1"):
        RunConfig(seeds=[seed_file], mix={"a": {"share": 0.7, "stages": []}, "b": {"share": 0.6, "stages": []}})
    with _pytest.raises(ValidationError, match="'main'"):
        RunConfig(seeds=[seed_file], mix={"main": {"share": 0.5, "stages": []}})


def test_the_shipped_mixed_recipe_runs_every_branch_with_exact_accounting(tmp_path, seed_file):
    """graphs/grow.yaml's mix on the scripted model: every branch gets rounds, nothing is lost or crashes."""
    from pathlib import Path

    import yaml

    recipe = yaml.safe_load((Path(__file__).resolve().parents[2] / "graphs" / "grow.yaml").read_text(encoding="utf-8"))
    mix = recipe["grow"]["mix"]
    out = tmp_path / "r"
    summary = make_run(seed_file, out, target=12, batch_size=1, mix=mix, max_candidates=200).run()
    assert summary.consistent
    assert {r["branch"] for r in lines(out / "rounds.jsonl")} == {"main", "reasoning", "tooluse", "dialogue"}
