from agentsft.novelty.engine import NoveltyEngine
from agentsft.novelty.factory import make_gate
from agentsft.novelty.exact import ExactGate
from agentsft.schema import Reason


def test_keep_first_within_a_batch(embedder):
    gate = NoveltyEngine(embedder)
    ds = gate.check_batch([("a", "写一首关于春天的诗"), ("b", "写一首关于春天的诗。"), ("c", "请写一首关于春天的诗歌"),
                           ("d", "写一首关于秋天的诗")])
    assert ds[0].novel
    assert not ds[1].novel and ds[1].reason == Reason.DUPLICATE_EXACT and ds[1].twin_id == "a"
    assert not ds[2].novel and ds[2].reason == Reason.DUPLICATE_NEAR and ds[2].twin_id == "a"
    assert ds[3].novel  # a template clone on another topic is new
    assert len(gate) == 0  # check_batch adds nothing


def test_against_the_pool_and_gate_recorded(embedder):
    gate = NoveltyEngine(embedder)
    gate.add("s1", "Explain why the sky is blue.")
    gate.add("s2", "请写一首关于春天的诗")
    ds = gate.check_batch([("c1", "Explain why the sky is blue!!"), ("c2", "Please explain why the sky is blue"),
                           ("c3", "请写一首关于秋天的诗"), ("c4", "Write a Python function to reverse a list.")])
    assert ds[0].gate == "exact" and ds[0].twin_id == "s1"
    assert not ds[1].novel and ds[1].twin_id == "s1" and ds[1].gate in ("lexical", "embedding")
    assert ds[1].score is not None
    assert ds[2].novel and ds[3].novel
    st = gate.stats()
    assert st["checked"] == 4 and st["novel"] == 2 and st["last"]["exact"] == 1


def test_lexical_only_gate():
    gate = make_gate({"embedder": "none"}, None)
    gate.add("s", "请写一首关于春天的诗")
    ds = gate.check_batch([("c1", "请写一首关于春天的诗歌吧"), ("c2", "请写一首关于秋天的诗")])
    assert not ds[0].novel and ds[0].gate == "lexical"
    assert ds[1].novel


def test_make_gate_off_is_exact():
    assert isinstance(make_gate({"embedder": "off"}, None), ExactGate)


def test_make_gate_takes_the_recipe_pair_threshold_for_both_languages():
    gate = make_gate({"embedder": "none", "pair_threshold": 0.61, "persist": False}, None)
    assert gate.pair_threshold == {"zh": 0.61, "en": 0.61}
    default = make_gate({"embedder": "none", "persist": False}, None)
    assert default.pair_threshold["zh"] != 0.61  # untouched: the tuned value per language
