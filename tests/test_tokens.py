"""Tests for agentsft.tokens: the tokenizers, per-sample token counts and the max-token check."""

from __future__ import annotations

import time

import pytest

from agentsft.schema import Message, Reason, Sample, SeedTask
from agentsft.tokens import (
    GGUFTokenizer,
    HFTokenizer,
    TokenizerError,
    conversation_turns,
    count_tokens,
    get_tokenizer,
    is_none_spec,
    too_many_tokens,
)


class WordTokenizer:
    """One token per whitespace-separated word: counts a test can compute by hand."""

    name = "words"

    def encode(self, text: str) -> list[int]:
        return [len(w) for w in text.split()]

    def count(self, text: str) -> int:
        return len(text.split())


WORDS = WordTokenizer()


@pytest.fixture(autouse=True)
def _fresh_cache():
    get_tokenizer.cache_clear()
    yield
    get_tokenizer.cache_clear()


# --- the real offline default ----------------------------------------------------------------------------------

def test_default_is_the_embedded_gguf_vocabulary_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tok = get_tokenizer()
    assert isinstance(tok, GGUFTokenizer) and tok.name.startswith("gguf:")
    assert get_tokenizer("default") is get_tokenizer("default")  # loaded once per spec
    assert tok.count("") == 0 and tok.encode("") == []
    en = tok.encode("The weather is nice today.")
    assert 3 <= len(en) <= 12 and en == tok.encode("The weather is nice today.")
    zh = tok.count("今天天气很好，我们去公园散步吧。")
    assert zh >= 5
    # no BOS and special tokens read as text: the chat markers are split into ordinary pieces
    assert tok.count("<|im_start|>") > 1
    counts = count_tokens(tok, {"instruction": "把下面这句话翻译成英文。", "input": "今天天气很好。",
                                "output": "The weather is nice today."})
    assert counts["response"] == len(en) and counts["total"] == counts["prompt"] + counts["response"]
    assert counts["prompt"] >= tok.count("把下面这句话翻译成英文。")


def test_default_tokenizer_is_fast():
    tok = get_tokenizer()
    text = "今天天气很好，我们去公园散步吧。The weather is nice today, let us walk in the park. " * 2000
    start = time.perf_counter()
    n = tok.count(text)
    seconds = time.perf_counter() - start
    assert n > 50_000
    assert seconds < 5, f"{n} tokens took {seconds:.2f}s"  # ~0.4-0.8 M tokens/s on one core


def test_missing_default_gguf_is_a_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setenv("AGENTSFT_GGUF", str(tmp_path / "nope.gguf"))
    with pytest.raises(TokenizerError) as e:
        get_tokenizer()
    assert "nope.gguf" in str(e.value) and "\n" not in str(e.value)


def test_gguf_spec_for_a_missing_or_broken_file(tmp_path):
    with pytest.raises(TokenizerError, match="does not exist"):
        get_tokenizer(f"gguf:{tmp_path / 'x.gguf'}")
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a gguf file")
    with pytest.raises(TokenizerError) as e:
        get_tokenizer(str(broken))
    assert "broken.gguf" in str(e.value) and "\n" not in str(e.value)


# --- Hugging Face tokenizers ------------------------------------------------------------------------------------

def test_hf_name_not_available_offline_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    name = "agentsft-tests/no-such-tokenizer-xyz"
    with pytest.raises(TokenizerError) as e:
        get_tokenizer(f"hf:{name}")
    message = str(e.value)
    assert "\n" not in message
    assert name in message and f"hf-online:{name}" in message and "downloaded" in message


def _tiny_hf_tokenizer(path):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"[UNK]": 0, "hello": 1, "world": 2, "tokens": 3}
    raw = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=raw, unk_token="[UNK]").save_pretrained(str(path))
    return path


def test_local_hf_tokenizer_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = _tiny_hf_tokenizer(tmp_path / "tiny")
    for spec in (str(path), f"hf:{path}"):
        tok = get_tokenizer(spec)
        assert isinstance(tok, HFTokenizer)
        assert tok.encode("hello world tokens") == [1, 2, 3]
        assert tok.count("hello unknown world") == 3 and tok.count("") == 0
        assert count_tokens(tok, {"instruction": "hello world", "input": "", "output": "tokens"}) == \
            {"prompt": 2, "response": 1, "total": 3}


def test_bad_specs():
    assert is_none_spec("none") and is_none_spec(" OFF ") and not is_none_spec("default") and not is_none_spec(None)
    for spec in ("none", "hf:", "tiktoken:cl100k_base", "no/such/dir"):
        with pytest.raises(TokenizerError) as e:
            get_tokenizer(spec)
        assert "\n" not in str(e.value)


# --- what is counted -------------------------------------------------------------------------------------------

def test_instruction_record_prompt_is_instruction_and_input():
    rec = {"instruction": "Translate this please", "input": "good morning", "output": "buenos días"}
    assert count_tokens(WORDS, rec) == {"prompt": 5, "response": 2, "total": 7}
    sample = Sample.from_triple(rec["instruction"], rec["input"], rec["output"], lang="en", task_type="translation")
    assert count_tokens(WORDS, sample) == {"prompt": 5, "response": 2, "total": 7}


def test_self_instruct_counts_its_first_instance():
    rec = {"instruction": "Add the numbers", "instances": [{"input": "1 2", "output": "3"},
                                                          {"input": "4 5 6", "output": "15 is it"}]}
    assert count_tokens(WORDS, rec) == {"prompt": 5, "response": 1, "total": 6}
    seed = SeedTask(id="s", instruction="Add the numbers", instances=rec["instances"])
    assert count_tokens(WORDS, seed) == {"prompt": 5, "response": 1, "total": 6}


def test_conversation_roles_system_user_tool_vs_assistant():
    messages = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "what is 2 plus 3"},
        {"role": "assistant", "content": None,
         "tool_calls": [{"id": "c1", "type": "function",
                         "function": {"name": "calculator", "arguments": "{\"expression\": \"2+3\"}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "5"},
        {"role": "assistant", "content": "it is 5"},
        {"role": "user", "content": [{"type": "text", "text": "and times 2"}]},
        {"role": "assistant", "content": "10"},
    ]
    # prompt: 2 + 5 + 1 + 3 = 11; response: 'calculator({"expression": "2+3"})' = 2 words, + 3 + 1
    assert count_tokens(WORDS, {"messages": messages}) == {"prompt": 11, "response": 6, "total": 17}
    typed = [Message(**{k: v for k, v in m.items() if k != "content" or isinstance(v, (str, type(None)))})
             for m in messages[:5]]
    assert count_tokens(WORDS, typed) == {"prompt": 8, "response": 5, "total": 13}
    turns, _ = conversation_turns({"messages": messages})
    assert [r for r, _ in turns] == ["system", "user", "assistant", "tool", "assistant", "user", "assistant"]


def test_sharegpt_with_system_and_tools_in_the_prompt():
    rec = {"system": "you are kind", "tools": [{"name": "f"}],
           "conversations": [{"from": "human", "value": "hi there"}, {"from": "gpt", "value": "hello"},
                             {"from": "observation", "value": "ok"}]}
    # prompt: 3 (system) + 2 (human) + 1 (observation) + 2 ('[{"name": "f"}]' as JSON) ; response: 1
    assert count_tokens(WORDS, rec) == {"prompt": 8, "response": 1, "total": 9}


def test_nothing_to_count():
    with pytest.raises(ValueError, match="nothing to count"):
        count_tokens(WORDS, {"text": "free text"})


# --- the max-token check ---------------------------------------------------------------------------------------

def test_too_many_tokens():
    counts = {"prompt": 100, "response": 2000, "total": 2100}
    assert too_many_tokens(counts, 2100) is None
    assert too_many_tokens(counts, None) is None and too_many_tokens(counts, 0) is None
    reason, detail = too_many_tokens(counts, 2048)
    assert reason is Reason.TOO_MANY_TOKENS
    assert "2100" in detail and "2048" in detail and "response 2000" in detail
    assert too_many_tokens(counts, 1000, part="prompt") is None
    assert too_many_tokens(counts, 1000, part="response")[0] is Reason.TOO_MANY_TOKENS
    with pytest.raises(ValueError):
        too_many_tokens(counts, -1)


def test_too_many_tokens_on_real_counts():
    tok = get_tokenizer()
    poem = "春风又绿江南岸。" * 200
    long = count_tokens(tok, {"instruction": "写一首诗。", "input": "", "output": poem})
    short = count_tokens(tok, {"instruction": "写一首诗。", "input": "", "output": "春风又绿江南岸。"})
    assert too_many_tokens(short, 512) is None
    assert too_many_tokens(long, 512)[0] is Reason.TOO_MANY_TOKENS
