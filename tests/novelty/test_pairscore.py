"""The pair judge: template clones (a substituted slot) are new, rewordings and light edits are duplicates."""

from agentsft.novelty.engine import NoveltyEngine
from agentsft.novelty.factory import make_gate
from agentsft.novelty.pairscore import FEATURES, WEIGHTS, DocFreq, Profile, features, hard_veto, text_grams


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
