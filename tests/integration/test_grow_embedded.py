"""README's main command on the real embedded model: no key, no server, no network."""

import json

import pytest
from grow_helpers import ROOT, check_run, read_jsonl, run_grow

from agentsft.config import NoveltyConfig
from agentsft.io import read_seeds
from agentsft.novelty import make_gate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("grow") / "demo"
    proc = run_grow("--seeds", "seeds/zh.jsonl", "--target", "4", "--out", str(out))
    return out, proc


def test_grow_zh_on_embedded_model(zh_run):
    out, proc = zh_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "embedded llama.cpp" in proc.stderr
    manifest = check_run(out, 4)
    assert manifest["status"] == "complete" and manifest["lang"] == "zh"
    assert "embedded" in manifest["model"]
    assert "= 4 +" in proc.stdout  # the summary prints candidates = accepted + rejected


def test_no_accepted_pair_is_a_duplicate_by_the_configured_gate(zh_run):
    """Re-check samples.jsonl after the run: each sample is novel against the seeds and the samples before it."""
    out, _ = zh_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["novelty"]["gate"] == "NoveltyEngine"
    gate = make_gate(NoveltyConfig.model_validate(manifest["config"]["novelty"]), None)
    for seed in read_seeds(ROOT / "seeds/zh.jsonl"):
        gate.add(seed.id, seed.instruction)
    for sample in read_jsonl(out / "samples.jsonl"):
        decision = gate.check_batch([(sample["id"], sample["instruction"])])[0]
        assert decision.novel, (sample["instruction"], decision)
        gate.add(sample["id"], sample["instruction"])


def test_a_judged_run_on_the_embedded_model_scores_and_counts_every_sample(tmp_path):
    """graphs/judged.yaml's stages on the embedded model: every accepted sample carries the judge's rubric scores
    and its token counts; every judged-out candidate is a recorded judge reject. The judge threshold is 1 here
    (score, keep all): SmolLM2-135M's answers are junk and its judge rightly scores them 1, so the recipe's
    threshold of 5 would never let a sample through."""
    recipe = tmp_path / "judged.yaml"
    text = (ROOT / "graphs/judged.yaml").read_text(encoding="utf-8")
    assert "threshold: 5," in text
    recipe.write_text(text.replace("threshold: 5,", "threshold: 1,"), encoding="utf-8")
    out = tmp_path / "judged"
    proc = run_grow("--recipe", str(recipe), "--seeds", "seeds/zh.jsonl", "--target", "2", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    check_run(out, 2)
    for sample in read_jsonl(out / "samples.jsonl"):
        judge, tokens = sample["verification"]["judge"], sample["verification"]["tokens"]
        assert all(1 <= judge[k] <= 10 for k in ("helpfulness", "correctness", "groundedness", "structure", "language"))
        assert judge["model"] == "main" and judge["mean"] >= 1
        assert tokens["total"] == tokens["prompt"] + tokens["response"] > 0
    judged_out = [r for r in read_jsonl(out / "rejects.jsonl") if r["stage"] == "judge"]
    assert all(r["reason"] in ("judge_low_score", "judge_unparsable", "llm_error") for r in judged_out)
