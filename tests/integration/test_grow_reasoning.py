"""The reasoning recipe on the real embedded model: the run completes with consistent accounting, and every
accepted chain re-verifies (its steps recompute, its final answer agrees with its last result).

The 135M model is slow on shared cores and a weak reasoner: the run shortens the shipped recipe (English, one
proposal call per round, one chain per problem, short chains) and may end on its candidate budget with no sample
(exit 3, a normal stop). The vote itself is tested with scripted models.
"""

import pytest
from grow_helpers import check_run, read_jsonl, recipe_variant, run_grow

from agentsft.verify.cot import check_chain

pytestmark = pytest.mark.integration


def test_reasoning_recipe_on_embedded_model(tmp_path):
    out = tmp_path / "reasoning"
    recipe = recipe_variant(tmp_path, "reasoning", grow={"batch_size": 1, "max_tokens": 256},
                            stages={"cot": {"k": 1, "max_tokens": 256}})
    proc = run_grow("--recipe", str(recipe), "--seeds", "seeds/en.jsonl", "--lang", "en",
                    "--target", "1", "--max-candidates", "12", "--out", str(out))
    assert proc.returncode in (0, 3), proc.stderr[-2000:]  # 3: the budget ran out first (a normal stop)
    samples = read_jsonl(out / "samples.jsonl")
    check_run(out, len(samples))
    assert (proc.returncode == 0) == (len(samples) == 1)
    for sample in samples:
        assert sample["verification"]["cot"]["k"] == 1
        assert check_chain(sample["output"]).ok and sample["messages"][-1]["content"] == sample["output"]
    reasoned = [r for r in read_jsonl(out / "rejects.jsonl") if r["stage"] == "cot"]
    assert reasoned or samples, "no candidate reached the cot stage"
