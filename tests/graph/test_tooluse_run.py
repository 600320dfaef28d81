"""A grow run with the tool-use recipe's stages on a scripted model: traces are committed and re-verify."""

import json

from fakes import ToolChat, word_problem
from grow_runs import lines, make_run

from agentsft.tools.registry import default_registry
from agentsft.verify.traces import verify_trace

STAGES = ["screen", "tooluse", "verify"]
PROPOSE = {"prompt": "propose_tooluse", "demo_types": ["tool_use"]}


def _seeds(tmp_path):
    path = tmp_path / "seeds.jsonl"
    rows = [{"id": f"t{i}", "instruction": word_problem(i * 131, True), "instances": [{"input": "", "output": "略"}], "task_type": "tool_use", "lang": "zh"}
            for i in range(4)] + [{"id": "q", "instruction": "解释什么是光合作用。", "instances": [{"input": "", "output": "略"}], "task_type": "qa", "lang": "zh"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_tooluse_recipe_commits_traces_that_reverify(tmp_path):
    out = tmp_path / "run"
    summary = make_run(_seeds(tmp_path), out, chat=ToolChat(), target=6, stages=STAGES, propose=PROPOSE).run()
    assert summary.consistent and summary.accepted == 6
    registry = default_registry()
    for sample in lines(out / "samples.jsonl"):
        assert sample["task_type"] == "tool_use" and sample["tools"][0]["function"]["name"] == "calculator"
        assert any(m.get("tool_calls") for m in sample["messages"])
        check = verify_trace({"messages": sample["messages"], "tools": sample["tools"]}, registry)
        assert check.ok, check.detail
        assert sample["output"] == sample["messages"][-1]["content"]


def test_demos_are_the_tool_use_seeds(tmp_path):
    run = make_run(_seeds(tmp_path), tmp_path / "run", chat=ToolChat(), stages=STAGES, propose=PROPOSE)
    assert {s.id for s in run.svc.demo_seeds} == {"t0", "t1", "t2", "t3"}


def test_lying_model_gets_nothing_accepted_and_every_candidate_is_a_reject(tmp_path):
    out = tmp_path / "run"
    summary = make_run(_seeds(tmp_path), out, chat=ToolChat(lie=True), target=3, stages=STAGES, propose=PROPOSE,
                       max_candidates=16).run()
    assert summary.consistent and summary.accepted == 0
    assert summary.reasons.get("answer_unsupported", 0) > 0
