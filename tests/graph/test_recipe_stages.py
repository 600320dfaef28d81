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
    nodes = [n for n in run.app.get_graph().nodes if not n.startswith("__")]
    assert nodes == ["propose", "classify", "screen", "drop_odd", "instances", "commit"]


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
