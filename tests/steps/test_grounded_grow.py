"""A grow run with documents on a scripted model: tasks from chunks, answers from the chunk, the grounded stage."""

import json
from pathlib import Path

import pytest
from docfakes import DocChat, verdict

from agentsft.config import ConfigError, RunConfig, build_config
from agentsft.docs import read_document
from agentsft.graph.run import GrowRun
from agentsft.llm import LLMService, RequestCache
from agentsft.store import RunStore

ROOT = Path(__file__).resolve().parents[2]


def _run(out: Path, chat=None, lang="zh", target=8, **over):
    settings = {"target": target, "concurrency": 2, "novelty": {"embedder": "off"}, "docs": [ROOT / "seeds/docs"],
                "docs_options": {"chunk_size": {"zh": 120, "en": 60}, "chunks_per_round": 2}, **over}
    cfg = RunConfig(seeds=[ROOT / f"seeds/{lang}.jsonl"], lang=lang, out=out, **settings)
    llm = LLMService(chat or DocChat(), "scripted", RequestCache(RunStore.cache_file(out)), cfg.concurrency)
    run = GrowRun(cfg, llm, "scripted fake")
    try:
        return run.run(), run
    finally:
        run.store.close()


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_accepted_sample_carries_its_chunk_and_source(tmp_path, lang):
    summary, _ = _run(tmp_path / "run", lang=lang)
    assert summary.accepted == 8 and summary.consistent
    samples, rejects = _lines(tmp_path / "run" / "samples.jsonl"), _lines(tmp_path / "run" / "rejects.jsonl")
    texts = {}
    for s in samples:
        src = s["provenance"]["source"]
        texts.setdefault(src["file"], read_document(src["file"]).text)
        assert s["input"] == texts[src["file"]][src["start"]:src["end"]]  # the chunk, exactly
        assert s["output"] in s["input"]  # the scripted answers copy a sentence
        assert s["verification"]["grounded"]["rules"] == "ok"
        assert s["lang"] == lang and read_document(src["file"]).lang == lang
    # the invented year ("1875") never gets in: rejected by the rules with their own codes
    invented = [r for r in rejects if "1875" in (r["candidate"].get("output") or "")]
    assert invented and {r["reason"] for r in invented} <= {"ungrounded_number", "ungrounded_date", "ungrounded_name"}
    assert all(r["stage"] == "grounded" for r in invented)


def test_chunks_are_covered_evenly_and_a_resumed_run_continues(tmp_path):
    out = tmp_path / "run"
    _run(out, target=2)
    first = [e for e in _lines(out / "ledger.jsonl")]
    used = {(c["provenance"]["source"]["file"], c["provenance"]["source"]["start"]) for e in first for c in e["minted"]}
    _run(out, target=6)  # resume with a higher target
    later = _lines(out / "ledger.jsonl")[len(first):]
    assert later
    fresh = {(c["provenance"]["source"]["file"], c["provenance"]["source"]["start"]) for e in later for c in e["minted"]}
    assert fresh and not (fresh & used)  # the resumed run went on to chunks not used yet


def test_system_context_places_the_chunk_in_a_system_turn(tmp_path):
    stages = ["screen", "classify", {"docanswer": {"context": "system"}}, "quality", "grounded"]
    summary, _ = _run(tmp_path / "run", stages=stages, target=4)
    assert summary.accepted == 4
    for s in _lines(tmp_path / "run" / "samples.jsonl"):
        src = s["provenance"]["source"]
        chunk = read_document(src["file"]).text[src["start"]:src["end"]]
        assert s["messages"][0]["role"] == "system" and s["messages"][0]["content"].endswith(chunk)
        assert s["input"] == "" and s["messages"][1]["role"] == "user"


def test_judge_verdicts_in_a_run(tmp_path):
    stages = ["screen", "classify", "docanswer", {"grounded": {"judge": True, "unanswerable": "keep"}}]
    chat = DocChat(verdict=verdict("not_answerable"))
    summary, _ = _run(tmp_path / "keep", chat=chat, stages=stages, target=3)
    assert summary.accepted == 3
    for s in _lines(tmp_path / "keep" / "samples.jsonl"):
        assert s["output"] == "原文没有提到这一点。" and s["verification"]["grounded"]["judge"] == "not_answerable"
    chat = DocChat(verdict="I think it is fine")
    summary, _ = _run(tmp_path / "bad", chat=chat, stages=stages, target=1, max_candidates=12)
    assert summary.accepted == 0
    reasons = {r["reason"] for r in _lines(tmp_path / "bad" / "rejects.jsonl")}
    assert "judge_unparsable" in reasons


def test_docs_default_stages_and_instances_refused(tmp_path):
    cfg = RunConfig(docs=[Path("seeds/docs")])
    assert [s if isinstance(s, str) else next(iter(s)) for s in cfg.stages] == \
        ["screen", "classify", "docanswer", "quality", "grounded"]
    recipe = tmp_path / "r.yaml"
    recipe.write_text("grow:\n  stages: [screen, classify, instances]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="instances"):
        build_config(recipe, {"docs": [Path("seeds/docs")]})
    assert build_config(ROOT / "graphs/docs.yaml", {}).docs == [Path("seeds/docs")]


def test_an_unreadable_document_is_an_input_error(tmp_path):
    from agentsft.io import InputError

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(InputError, match="bad.pdf"):
        _run(tmp_path / "run", docs=[bad], target=1)
