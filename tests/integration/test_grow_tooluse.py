"""The tool-use recipe on the real embedded model: the run completes and every accepted trace re-verifies.

The 135M embedded model cannot write a useful whole-problem reference expression, so this run uses the recipe
with ``reference: none`` (everything else as shipped); the reference check itself is tested on scripted models.
"""

import json

import pytest
from grow_helpers import check_run, read_jsonl, recipe_variant, run_grow

from agentsft.tools.registry import default_registry
from agentsft.verify.traces import verify_trace

pytestmark = pytest.mark.integration


def test_tooluse_recipe_on_embedded_model(tmp_path):
    out = tmp_path / "tooluse"
    recipe = recipe_variant(tmp_path, "tooluse", stages={"verify": {"reference": "none"}})
    proc = run_grow("--recipe", str(recipe), "--seeds", "seeds/en.jsonl", "--lang", "en",
                    "--target", "1", "--max-candidates", "200", "--out", str(out))
    assert proc.returncode in (0, 3), proc.stderr[-2000:]  # 3: the budget ran out first (a normal stop)
    samples = read_jsonl(out / "samples.jsonl")
    manifest = check_run(out, len(samples))
    assert manifest["config"]["stages"][1]["tooluse"]["protocol"] == "auto"
    assert (proc.returncode == 0) == (len(samples) == 1)
    registry = default_registry()
    for sample in samples:
        assert sample["task_type"] == "tool_use" and sample["verification"]["tool_protocol"] == "text"
        check = verify_trace({"messages": sample["messages"], "tools": sample["tools"]}, registry)
        assert check.ok, (check.reason, check.detail, json.dumps(sample["messages"], ensure_ascii=False)[:500])
    traced = [r for r in read_jsonl(out / "rejects.jsonl") if r["stage"] in ("tooluse", "verify")]
    assert traced, "no candidate reached the tool loop"
