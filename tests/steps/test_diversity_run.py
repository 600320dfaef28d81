"""The diversity recipe (graphs/evol.yaml) through the real grow graph on a scripted model: samples answer the
rewritten instruction, carry the original in provenance, and candidates = accepted + rejected."""

import json
from pathlib import Path
from typing import Any

from fakes import ScriptedChat
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agentsft.config import RunConfig, load_recipe
from agentsft.graph.run import GrowRun, check_recipe
from agentsft.llm import LLMService, RequestCache
from agentsft.store import RunStore

RECIPE = Path(__file__).resolve().parents[2] / "graphs" / "evol.yaml"


class RewritingChat(ScriptedChat):
    """The scripted model, plus answers to the paraphrase and evol prompts (Chinese)."""

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        if "训练助手用的任务指令" not in prompt and "换一种说法重写" not in prompt:
            return super()._generate(messages, stop, run_manager, **kwargs)
        original = prompt.rsplit("指令：", 1)[-1].strip().rstrip("。")
        text = (f"有个问题想请教一下，{original}？麻烦说得通俗一点，谢谢！" if "换一种说法" in prompt
                else f"假如你要给初中生上一堂课，{original}，并把讲解控制在两百字以内。")
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_the_evol_recipe_grows_samples_that_answer_the_rewritten_instruction(tmp_path, seed_file):
    recipe = load_recipe(RECIPE)
    cfg = RunConfig(seeds=[seed_file], out=tmp_path / "r", target=8, batch_size=2, concurrency=2,
                    novelty={"embedder": "off"}, stages=recipe["stages"])
    check_recipe(cfg)  # the recipe's stage list and settings validate
    llm = LLMService(RewritingChat(), "scripted", RequestCache(RunStore.cache_file(cfg.out)), cfg.concurrency)
    summary = GrowRun(cfg, llm, "scripted fake").run()
    assert summary.consistent and summary.accepted == 8
    samples = _lines(tmp_path / "r" / "samples.jsonl")
    rewritten = [s for s in samples if any(e["ok"] for e in s["provenance"]["rewrites"])]
    assert rewritten  # share 0.5 of each operator: some samples were rewritten ...
    assert len(rewritten) < len(samples) or len(samples) < 4  # ... and (very likely) not all
    for s in rewritten:
        last = [e for e in s["provenance"]["rewrites"] if e["ok"]][-1]
        assert last["original"] != s["instruction"] and last["stage"] in ("evol", "paraphrase")
        assert s["instruction"] in s["output"]  # the scripted answer quotes the instruction it was given
    ops = {e["operator"] for s in samples for e in s["provenance"]["rewrites"]}
    assert ops - {"paraphrase"}  # an evol operator ran
