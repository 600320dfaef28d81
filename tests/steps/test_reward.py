"""The reward stage on a tiny sequence-classification model made here (a 1-layer BERT with a 40-word vocabulary)."""

from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from agentsft.config import ConfigError  # noqa: E402
from agentsft.schema import Candidate, single_turn  # noqa: E402
from agentsft.steps.reward import load_reward_model, score_candidates  # noqa: E402
from agentsft.steps.stages import resolve_stages  # noqa: E402

WORDS = ["the", "sky", "is", "blue", "green", "why", "what", "colour", "grass", "because", "light", "scatter",
         "answer", "bad", "good", "it", "i", "don", "t", "know", ".", "?", ",", "天", "空", "是", "蓝", "色", "的",
         "为", "什", "么", "草", "绿"]


def _tiny_model(path, num_labels=1, bias=0.0, seed=0):
    torch.manual_seed(seed)
    (path / "vocab.txt").parent.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n",
                                    encoding="utf-8")
    tok = transformers.BertTokenizerFast(vocab_file=str(path / "vocab.txt"))
    cfg = transformers.BertConfig(vocab_size=len(WORDS) + 5, hidden_size=16, num_hidden_layers=1,
                                  num_attention_heads=2, intermediate_size=32, num_labels=num_labels,
                                  max_position_embeddings=64)
    model = transformers.BertForSequenceClassification(cfg)
    with torch.no_grad():  # BERT's 0.02-std init maps every text to nearly one score: spread the weights
        for param in model.parameters():
            param.normal_(0.0, 0.5)
        model.classifier.bias.fill_(bias)
    tok.save_pretrained(path)
    model.save_pretrained(path)
    load_reward_model.cache_clear()
    return path


def _cands():
    pairs = [("why is the sky blue ?", "because light scatter ."), ("what colour is the grass ?", "green ."),
             ("why is the sky blue ?", "i don t know ."), ("天空是什么色的？", "蓝色的。")]
    out = []
    for i, (q, a) in enumerate(pairs):
        msgs, _ = single_turn(q, "", a)
        out.append(Candidate(id=f"c{i}", lang="zh" if "天" in q else "en", instruction=q, output=a, messages=msgs))
    return out


def test_scores_are_the_models_own_logits_and_the_threshold_splits_on_them(tmp_path):
    path = _tiny_model(tmp_path / "rm")
    cands = _cands()
    scores = score_candidates(cands, resolve_stages([{"reward": {"model": str(path)}}])[0].settings)
    tok = transformers.AutoTokenizer.from_pretrained(path)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(path).eval()
    with torch.no_grad():  # recomputed one at a time, unpadded: the batched stage must agree
        direct = [model(**tok(c.instruction, c.output, return_tensors="pt")).logits[0, 0].item() for c in cands]
    assert scores == pytest.approx(direct, abs=1e-4)
    assert len(set(round(s, 4) for s in scores)) > 1  # the texts are told apart
    cut = sorted(scores)[2]
    (stage,) = resolve_stages([{"reward": {"model": str(path), "threshold": cut, "batch_size": 3}}])
    kept, rejects = stage(cands, SimpleNamespace())
    assert {c.id for c in kept} == {c.id for c, s in zip(cands, scores) if s >= cut} and len(kept) == 2
    assert all(r.reason.value == "reward_low_score" and r.stage.value == "reward" for r in rejects)
    assert all(c.verification["reward"]["score"] >= cut - 1e-4 for c in kept)
    assert all(r.candidate["verification"]["reward"]["score"] < cut for r in rejects)


def test_a_two_label_model_scores_the_probability_of_its_good_label(tmp_path):
    path = _tiny_model(tmp_path / "rm2", num_labels=2)
    (stage,) = resolve_stages([{"reward": {"model": str(path), "threshold": 0.0}}])
    kept, rejects = stage(_cands(), SimpleNamespace())
    assert not rejects and all(0.0 < c.verification["reward"]["score"] < 1.0 for c in kept)
    (stage0,) = resolve_stages([{"reward": {"model": str(path), "label": 0}}])
    kept0, _ = stage0(_cands(), SimpleNamespace())
    for a, b in zip(kept, kept0):
        assert a.verification["reward"]["score"] + b.verification["reward"]["score"] == pytest.approx(1.0, abs=1e-3)


def test_a_missing_model_folder_is_a_config_error_naming_it(tmp_path):
    with pytest.raises(ConfigError, match="reward model folder"):
        resolve_stages([{"reward": {"model": str(tmp_path / "nowhere")}}], "graphs/x.yaml")


def test_a_model_that_will_not_load_rejects_every_candidate_with_the_cause(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    load_reward_model.cache_clear()
    (stage,) = resolve_stages([{"reward": {"model": str(broken)}}])
    kept, rejects = stage(_cands(), SimpleNamespace())
    assert not kept and len(rejects) == 4 and all(r.reason.value == "reward_error" for r in rejects)
    assert "reward model failed" in rejects[0].detail
