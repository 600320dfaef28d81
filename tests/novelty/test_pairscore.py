"""The pair judge: template clones (a substituted slot) are new, rewordings and light edits are duplicates."""

import math

import numpy as np
import pytest

from agentsft.novelty.engine import NoveltyEngine
from agentsft.novelty.factory import make_gate
from agentsft.novelty.pairscore import (FEATURES, WEIGHTS, DocFreq, Profile, features, hard_veto, judge_params,
                                        probability, text_grams, uses_vectors)


def _gate(embedder, seeds):
    gate = NoveltyEngine(embedder)
    for i, s in enumerate(seeds):
        gate.add(f"s{i}", s)
    return gate


def test_weights_match_features():
    for lang in ("zh", "en"):
        assert len(WEIGHTS[lang]["w"]) == len(FEATURES)
        assert 0 < WEIGHTS[lang]["threshold"] < 1


def test_zh_template_clone_with_a_small_slot_is_novel(embedder):
    # (a three-character swap, 班主任 → 女朋友, is merged by the real-pair judge: a known gap, evals/README.md)
    gate = _gate(embedder, ["给老师写一段生日祝福语", "写一首关于春天的诗"])
    ds = gate.check_batch([("c1", "给妈妈写一段生日祝福语"), ("c2", "写一首关于大海的诗")])
    assert ds[0].novel and ds[1].novel


def test_zh_reworded_copy_is_duplicate(embedder):
    gate = _gate(embedder, ["给班主任写一段生日祝福语", "写一首关于春天的诗", "列出三个提高睡眠质量的方法"])
    ds = gate.check_batch([("c1", "请帮我给班主任写几句生日祝福"), ("c2", "帮我写首和春天有关的小诗"),
                           ("c3", "请给出三条改善睡眠质量的建议"), ("c4", "写一首关于春天的现代诗，谢谢")])
    assert [d.novel for d in ds] == [False, False, False, False]
    assert [d.twin_id for d in ds] == ["s0", "s1", "s2", "s1"]
    assert all(d.gate in ("lexical", "embedding") and gate.pair_threshold["zh"] <= d.score <= 1 for d in ds)


def test_en_clones_novel_and_rewordings_duplicate(embedder):
    gate = _gate(embedder, ["Describe the scenery of the Swiss Alps.", "Translate 'Good morning' into French."])
    ds = gate.check_batch([("c1", "Describe the scenery of the Grand Canyon."),
                           ("c2", "Translate 'Good morning' into German."),
                           ("c3", "Write a description of the scenery in the Swiss Alps."),
                           ("c4", "Please translate 'Good morning' into French.")])
    assert [d.novel for d in ds] == [True, True, False, False]


def test_hard_veto_numbers_and_languages():
    assert hard_veto(Profile("列出三个提高睡眠质量的方法"), Profile("列出五个提高睡眠质量的方法")) == "numbers differ"
    assert hard_veto(Profile("Translate it into French."), Profile("Translate it into German.")) == "languages differ"
    assert hard_veto(Profile("写一首关于春天的诗"), Profile("请以春天为主题创作一首诗歌")) == ""


def test_rare_differing_content_weighs_more():
    df = DocFreq(bits=12)
    for t in ["写一首关于春天的诗", "写一首关于夏天的诗", "写一首关于秋天的诗", "写一首关于大海的诗", "请以大海为主题创作一首诗歌"]:
        df.add(text_grams(t))
    clone = features(Profile("写一首关于春天的诗"), Profile("写一首关于秋天的诗"), 0.95, "zh", df)
    reword = features(Profile("写一首关于春天的诗"), Profile("请以春天为主题创作一首诗歌"), 0.95, "zh", df)
    wmin = FEATURES.index("wmin")
    assert clone[wmin] > reword[wmin]
    assert df.counts.nbytes == 4 * 4096


def test_threshold_judge_still_available(embedder):
    gate = make_gate({"judge": "threshold", "persist": False}, None)
    assert gate.judge == "threshold"
    gate.add("s", "Explain why the sky is blue.")
    ds = gate.check_batch([("c", "Please explain why the sky is blue")])
    assert not ds[0].novel and ds[0].gate in ("lexical", "embedding")


def _vector_judge(diff: float, prod: float, dim: int = 4) -> dict:
    return {"x": {"bias": 0.0, "w": [0.0] * len(FEATURES), "threshold": 0.5, "cos_floor": 0.0,
                  "vec": {"diff": [diff] * dim, "prod": [prod] * dim},
                  "_diff": np.full(dim, diff, np.float32), "_prod": np.full(dim, prod, np.float32)}}


def test_probability_weighs_the_pair_vectors():
    u, v = np.array([0.5, 0.5, 0.5, 0.5], np.float32), np.array([0.5, 0.5, 0.5, -0.5], np.float32)
    feats = [0.0] * len(FEATURES)
    # z = diff * sum|u - v| + prod * sum(u * v) = 2 * 1.0 + 1 * 0.5
    assert math.isclose(probability(feats, "x", _vector_judge(2.0, 1.0), (u, v)), 1 / (1 + math.exp(-2.5)),
                        rel_tol=1e-6)
    assert probability(feats, "x", _vector_judge(-2.0, 0.0), (u, v)) < 0.5
    with pytest.raises(ValueError, match="pair"):
        probability(feats, "x", _vector_judge(1.0, 1.0))


def test_engine_hands_pool_and_batch_vectors_to_a_vector_judge(embedder):
    """The engine passes the stored (FAISS) vector of a pool neighbour and the vector of an earlier candidate of
    the same batch: a judge whose vector weights veto everything turns both duplicates into novel ones."""
    gate = _gate(embedder, ["写一首关于春天的诗"])
    batch = [("c1", "帮我写首和春天有关的小诗"), ("c2", "Explain why the sky is blue."), ("c3", "Please explain why the sky is blue")]
    assert [d.novel for d in gate.check_batch(batch)] == [False, True, False]
    dim = embedder.encode(["x"]).shape[1]
    veto = {lang: {**m, **_vector_judge(0.0, -100.0, dim)["x"]} for lang, m in gate.params.items()}
    gate.params = veto
    assert [d.novel for d in gate.check_batch(batch)] == [True, True, True]
    gate.params = {lang: {**m, **_vector_judge(0.0, 100.0, dim)["x"], "bias": m["bias"]} for lang, m in veto.items()}
    assert [d.novel for d in gate.check_batch(batch)] == [False, True, False]


def test_shipped_questions_judge_weighs_vectors_in_zh_only(embedder):
    blend, questions = judge_params(embedder.model_name), judge_params(embedder.model_name, "questions")
    dim = embedder.encode(["x"]).shape[1]
    assert uses_vectors(questions["zh"]) and questions["zh"]["_diff"].shape == questions["zh"]["_prod"].shape == (dim,)
    assert not uses_vectors(blend["zh"]) and not uses_vectors(blend["en"])
    assert questions["en"] == blend["en"]  # no English design beat the blend on question pairs: it falls back


def _same(embedder, judge, a, b):
    gate = NoveltyEngine(embedder, judge=judge)
    gate.add("s", a)
    return not gate.check_batch([("c", b)])[0].novel


def test_questions_judge_keeps_apart_what_question_matching_calls_different(embedder):
    """LCQMC-style pairs: asking about another character of the same idiom is another question for the questions
    judge, a near-copy for the blend (which SFT de-duplication wants to merge light edits)."""
    for a, b in [("无缘无故的缘", "无缘无故的故是什么意思"), ("思念是什么意思", "思念的念是什么意思")]:
        assert _same(embedder, "blend", a, b) and not _same(embedder, "questions", a, b)
    assert _same(embedder, "questions", "怎么把微信聊天记录导出来", "如何导出微信聊天记录")
    assert not _same(embedder, "questions", "中国的人口有多少", "美国的人口有多少")


def test_recipe_selects_the_questions_judge(embedder):
    gate = make_gate({"judge": "questions", "persist": False}, None)
    assert gate.judge == "questions" and uses_vectors(gate.params["zh"])
    assert gate.pair_threshold["zh"] == judge_params(embedder.model_name, "questions")["zh"]["threshold"]
    gate.add("s", "思念是什么意思")
    assert gate.check_batch([("c", "思念的念是什么意思")])[0].novel
