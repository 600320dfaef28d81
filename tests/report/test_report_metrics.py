"""Each metric of the run report against figures computed by hand on the fixture run (tests/report/conftest.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from agentsft.io.errors import InputError
from agentsft.report import checks, cost, diversity, funnel, mix, similarity
from agentsft.report.load import load
from agentsft.report.metrics import compute


def test_funnel_counts_and_stage_order(run_dir):
    f = funnel.funnel(load(run_dir))
    assert (f["candidates"], f["accepted"], f["rejected"], f["in_flight"]) == (11, 4, 6, 1)
    assert not f["consistent"]  # c11 was minted and never settled
    assert [(s["stage"], s["entered"], s["rejected"], s["left"]) for s in f["steps"]] == [
        ("parse", 11, 1, 10), ("novelty", 10, 1, 9), ("cot", 9, 1, 8), ("judge", 8, 1, 7), ("grounded", 7, 2, 5)]
    grounded = {r["reason"]: r["count"] for r in f["reasons"] if r["stage"] == "grounded"}
    assert grounded == {"ungrounded_number": 1, "unsupported": 1}
    assert all(r["doc"] and "does not document" not in r["doc"] for r in f["reasons"])


def test_unknown_stage_and_reason_are_listed_not_dropped(run_dir):
    with open(run_dir / "rejects.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"candidate_id": "c11", "stage": "brand_new", "reason": "brand_new_reason"}) + "\n")
    f = funnel.funnel(load(run_dir))
    assert f["consistent"] and f["unknown_reasons"] == ["brand_new_reason"]
    assert f["steps"][-1]["stage"] == "brand_new"


def test_torn_last_line_is_skipped_but_a_bad_middle_line_is_an_error(run_dir):
    with open(run_dir / "rejects.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"candidate_id": "c11", "sta')
    assert len(load(run_dir).rejects) == 6
    lines = (run_dir / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    (run_dir / "rejects.jsonl").write_text("\n".join([lines[0], "not json", *lines[1:6]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rejects.jsonl:2:"):
        load(run_dir)


def test_branches_against_their_shares(run_dir):
    rows = {b["branch"]: b for b in funnel.branches(load(run_dir))}
    assert (rows["main"]["accepted"], rows["main"]["rejected"], rows["main"]["target"]) == (3, 5, 0.75)
    assert (rows["reasoning"]["accepted"], rows["reasoning"]["share"], rows["reasoning"]["target"]) == (1, 0.25, 0.25)


def test_mix_against_the_balance_block_of_the_main_branch(run_dir):
    m = mix.type_mix(load(run_dir))
    assert m["branch"] == "main" and m["source"] == "the run's balance block"
    rows = {r["task_type"]: r for r in m["types"]}
    assert rows["qa"]["count"] == 2 and rows["qa"]["target"] == 0.5 and rows["code"]["share"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["tvd"] == pytest.approx(1 / 6, abs=1e-4)


def test_mix_flag_wins_and_a_plain_file_is_uniform_over_text_types(run_dir, alpaca_file):
    m = mix.type_mix(load(run_dir), "reasoning=1")
    assert m["branch"] is None and m["tvd"] == pytest.approx(0.75)
    plain = mix.type_mix(load(alpaca_file))
    assert plain["source"].startswith("uniform") and sum(r["target"] for r in plain["types"]) == pytest.approx(1.0)
    assert len([r for r in plain["types"] if r["target"] > 0]) == 10


def test_per_type_tokens_and_lengths(run_dir, char_tokenizer):
    ev = load(run_dir)
    rows = mix.per_record(ev, char_tokenizer)
    first = rows[0]  # 写一首关于春天的诗 / 春风吹绿了江南岸
    assert first["chars"] == 9 + 8 and first["tokens"] == {"prompt": 9, "response": 8, "total": 17}
    shape = mix.shape_report(ev, rows, char_tokenizer.name)
    assert shape["per_type"]["qa"]["chars"]["n"] == 2
    assert shape["tokens"]["sum"] == sum(r["tokens"]["total"] for r in rows)


def test_distinct_n_counts_characters_for_zh_and_words_for_en():
    assert diversity.distinct_n(["你好你好"], "zh", 1) == 0.5
    assert diversity.distinct_n(["你好你好"], "zh", 2) == pytest.approx(2 / 3, abs=1e-4)
    assert diversity.distinct_n(["a b a"], "en", 1) == pytest.approx(2 / 3, abs=1e-4)
    assert diversity.distinct_n(["a b a"], "en", 2) == 1.0
    assert diversity.distinct_n(["，。！"], "zh", 1) is None  # punctuation only: no unit


def test_distinct_report_on_the_run(run_dir):
    d = compute(load(run_dir), use_embedder=False)["distinct"]
    assert d["zh"]["output"]["distinct_1"] == pytest.approx(10 / 12, abs=1e-4)  # 春风吹绿了江南岸 + 你好你好
    assert d["en"]["output"]["distinct_1"] == 0.75 and d["en"]["output"]["distinct_2"] == 1.0


def test_pass_rates_per_family(run_dir):
    rates = {p["family"]: p for p in checks.pass_rates(load(run_dir))}
    g = rates["groundedness"]
    assert (g["passed"], g["failed"], g["pass_rate"]) == (3, 2, 0.6)
    assert g["reasons"] == {"ungrounded_number": 1, "unsupported": 1}
    assert (rates["LLM judge"]["passed"], rates["LLM judge"]["failed"]) == (3, 1)
    r = rates["reasoning steps"]
    assert (r["passed"], r["failed"]) == (1, 1) and r["detail"]["checked_share"] == 0.75
    assert "tool traces" not in rates  # nothing touched it


def test_judge_scores_and_votes(run_dir):
    ev = load(run_dir)
    j = checks.judge_scores(ev)
    assert (j["kept"], j["rejected"], j["mean_kept"]) == (1, 1, 8.0)
    assert j["hist_kept"][7] == 1 and j["hist_rejected"][2] == 1
    v = checks.votes(ev)
    assert v["kept"] == 1 and v["mean_agreement"] == 0.667 and v["unanimous"] == 0 and v["rejected"] == {"vote_tie": 1}


def test_cost_sums_and_price_estimate(run_dir):
    c = cost.cost(load(run_dir), cost.load_prices())
    assert (c["calls"], c["cached_calls"], c["prompt_tokens"], c["completion_tokens"]) == (8, 2, 1_000_000, 500_000)
    assert c["seconds"] == 120 and c["samples_per_minute"] == 2.0
    assert c["price_all_tokens"] == pytest.approx(0.45)  # 1M x 0.15 + 0.5M x 0.60 per 1M
    assert c["price_sent"] == pytest.approx(0.36)  # 8 of 10 calls sent
    assert c["price_per_1k_samples"] == pytest.approx(90.0)


def test_price_table_override_and_errors(run_dir, tmp_path):
    table = tmp_path / "prices.json"
    table.write_text(json.dumps({"models": [{"pattern": "gpt-4o-mini", "prompt": 1.0, "completion": 2.0}]}))
    c = cost.cost(load(run_dir), cost.load_prices(table))
    assert c["price_all_tokens"] == pytest.approx(2.0)
    table.write_text(json.dumps({"models": [{"pattern": "x", "prompt": -1, "completion": 2}]}))
    with pytest.raises(InputError, match="prices.json"):
        cost.load_prices(table)
    assert cost.price_of("some-unknown-model", cost.load_prices()) is None


def test_max_cosine_to_seeds_and_pool():
    a = np.array([[1, 0], [0.6, 0.8], [0, 1]], dtype=np.float32)
    seeds = np.array([[1, 0]], dtype=np.float32)
    assert similarity.max_cosine(a, seeds).tolist() == pytest.approx([1.0, 0.6, 0.0])
    assert similarity.max_cosine(a).tolist() == pytest.approx([0.6, 0.8, 0.8])  # itself left out
    rep = similarity.novelty_report(a, seeds)
    assert rep["to_seeds"]["share_ge_0_9"] == pytest.approx(1 / 3, abs=1e-4) and sum(rep["to_pool"]["hist"]) == 3


def test_clusters_entropy_and_coverage():
    rng = np.random.default_rng(1)
    a, b, far = np.array([5.0, 0.0]), np.array([0.0, 5.0]), np.array([-50.0, -50.0])
    pts = np.vstack([a + rng.normal(0, 0.1, (10, 2)), b + rng.normal(0, 0.1, (10, 2))])  # two equal groups
    seeds = np.vstack([a + rng.normal(0, 0.1, (5, 2)), far + rng.normal(0, 0.1, (5, 2))])
    rep = diversity.cluster_report(pts, seed_vecs=seeds, k=2)
    assert rep["entropy"] == 1.0 and rep["largest_share"] == 0.5 and rep["sizes"] == [10, 10]
    assert rep["coverage"] == 0.5 and rep["seed_k"] == 2  # nothing near the far seed group
    lopsided = np.vstack([a + rng.normal(0, 0.1, (19, 2)), far])
    rep = diversity.cluster_report(lopsided, k=2)
    assert rep["sizes"] == [19, 1] and rep["entropy"] == pytest.approx(0.2864, abs=1e-4)
    assert rep["coverage"] is None


def test_novelty_with_a_stand_in_embedder(run_dir, monkeypatch):
    class Fake:
        model_name = "fake"

        def encode(self, texts):
            vecs = np.array([[len(t) % 3 + 1, 1.0] for t in texts], dtype=np.float32)
            return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)

    monkeypatch.setattr(similarity, "embedder_for", lambda manifest: Fake())
    out = compute(load(run_dir))
    assert out["embedder"] == "fake" and out["novelty"]["to_seeds"]["n"] == 4 and out["clusters"]["k"] == 2


def test_vectors_stored_by_the_novelty_gate_are_reused(tmp_path):
    import faiss

    class Fake:
        model_name, max_seq_length, prefix = "fake", 128, ""

        def __init__(self):
            self.encoded = []

        def encode(self, texts):
            self.encoded += texts
            return np.ones((len(texts), 2), dtype=np.float32) / np.sqrt(2)

    index = faiss.IndexFlatIP(2)
    index.add(np.array([[1, 0], [0, 1]], dtype=np.float32))
    faiss.write_index(index, str(tmp_path / "novelty.faiss"))
    (tmp_path / "novelty.ids.json").write_text(json.dumps({"embedder": "fake", "max_seq_length": 128, "prefix": "",
                                                           "ids": ["s1", "x1"]}))
    emb = Fake()
    stored = similarity.stored_vectors(tmp_path, emb)
    vecs = similarity.encode_with_store(emb, ["seed text", "new text"], ["s1", "new"], stored)
    assert emb.encoded == ["new text"] and vecs[0].tolist() == [1.0, 0.0]
    emb.model_name = "other"
    assert similarity.stored_vectors(tmp_path, emb) == {}  # made by another embedder: not used


def test_a_call_level_reject_only_in_the_ledger_counts(run_dir):
    with open(run_dir / "ledger.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"round": 2, "minted": [], "rejects": [
            {"candidate_id": "c11", "stage": "parse", "reason": "parse_empty"},
            {"candidate_id": "c5", "stage": "parse", "reason": "surplus"}]}) + "\n")  # c5 is in rejects.jsonl already
    f = funnel.funnel(load(run_dir))
    assert f["consistent"] and f["rejected"] == 7 and f["steps"][0]["rejected"] == 2
