"""Any LangChain chat class named by import path: loading, checks, and the LLM service around such a model."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agentsft.config import ConfigError
from agentsft.llm import LLMService, RequestCache, is_retriable, make_chat_model
from agentsft.llm.factory import (check_provider_kwargs, load_provider, make_provider_model, provider_model_id,
                                  sampling_fields)

ARGS = dict(temperature=0.3, max_tokens=64, timeout=12.0, seed=5)
HERE = __name__  # this module, importable by name: the provider paths below point into it


class FieldChat(BaseChatModel):
    """Takes its sampling settings as fields and refuses them per call, like ChatOllama; records what it saw."""

    temperature: float = 0.8
    num_predict: int = 128
    seed: int | None = None
    fail_first: int = 0  # raise a retriable error (an SDK's own class, not openai's) this many times
    delay: float = 0.0
    log: list = []  # shared by the service's copies of the model (pydantic copies are shallow)

    @property
    def _llm_type(self) -> str:
        return "field-chat"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        if kwargs:
            raise TypeError(f"unexpected keyword arguments {sorted(kwargs)}")
        self.log.append({"temperature": self.temperature, "num_predict": self.num_predict, "seed": self.seed,
                         "thread": threading.get_ident(), "t": time.perf_counter()})
        if len(self.log) <= self.fail_first:
            raise RateLimitError("slow down")
        time.sleep(self.delay)
        text = f"echo: {messages[-1].content}"
        msg = AIMessage(content=text, usage_metadata={"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
                        response_metadata={"stop_reason": "max_tokens" if "long" in text else "end_turn"})
        return ChatResult(generations=[ChatGeneration(message=msg)])


class RateLimitError(Exception):
    """Named like anthropic's and openai's: retriable by name."""


class StatusError(Exception):
    def __init__(self, status_code: int):
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


def msgs(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


@pytest.mark.parametrize("path, says", [
    ("os.system", "must look like"),
    ("os:system; import sys", "must look like"),
    ("no_such_pkg_xyz.chat:Chat", "does not import"),
    ("json:NoSuchThing", "has no attribute"),
    ("json:JSONDecoder", "not a LangChain chat model class"),
    ("os:getcwd", "not a LangChain chat model class"),
])
def test_bad_provider_is_a_config_error_naming_the_recipe(path, says):
    with pytest.raises(ConfigError, match=says) as info:
        load_provider(path, "graphs/mine.yaml: models.main")
    assert str(info.value).startswith("graphs/mine.yaml: models.main: ")
    assert "\n" not in str(info.value)


def test_secrets_in_kwargs_are_refused_but_token_limits_are_not():
    for key in ("api_key", "openai_api_key", "access_token", "password"):
        with pytest.raises(ConfigError, match="api_key_env"):
            make_provider_model(f"{HERE}:FieldChat", {key: "x"}, where="r.yaml")
    check_provider_kwargs({"max_tokens": 9, "num_tokens": 2, "keep_alive": "5m", "top_k": 3}, "r.yaml")


def test_provider_kwargs_checked_by_the_class():
    with pytest.raises(ConfigError, match=r"r.yaml: provider .*FieldChat' rejected its kwargs: temperature"):
        make_provider_model(f"{HERE}:FieldChat", {"temperature": "hot"}, where="r.yaml")


def test_run_settings_fill_the_fields_the_kwargs_leave_unset():
    chat, desc = make_chat_model(provider=f"{HERE}:FieldChat", provider_kwargs={"seed": 11}, **ARGS)
    assert (chat.temperature, chat.num_predict, chat.seed) == (0.3, 64, 11)
    assert desc.startswith(f"{HERE}:FieldChat #") and desc.endswith("(LangChain provider)")


def test_chat_openai_by_path_gets_model_base_url_key_and_no_own_retries():
    from langchain_openai import ChatOpenAI

    chat, desc = make_chat_model("qwen2.5", "http://127.0.0.1:9/v1", "sk-secret",
                                 provider="langchain_openai:ChatOpenAI", **ARGS)
    assert type(chat) is ChatOpenAI
    assert chat.model_name == "qwen2.5" and chat.openai_api_base == "http://127.0.0.1:9/v1"
    assert chat.openai_api_key.get_secret_value() == "sk-secret" and chat.max_retries == 0
    assert chat.temperature == 0.3 and chat.seed == 5 and chat.request_timeout == 12.0
    assert "sk-secret" not in desc and desc.startswith("langchain_openai:ChatOpenAI qwen2.5 #")
    assert sampling_fields(chat) is None  # the OpenAI family takes sampling parameters per call


def test_model_id_is_stable_secret_free_and_follows_the_kwargs():
    a = provider_model_id("p:C", {"model": "m", "num_ctx": 4096})
    assert a == provider_model_id("p:C", {"num_ctx": 4096, "model": "m"})
    assert a != provider_model_id("p:C", {"model": "m", "num_ctx": 8192})
    assert a != provider_model_id("p:C", {"model": "m2", "num_ctx": 4096})
    assert provider_model_id("p:C", {"model": "m"}) == "p:C m"
    assert " (" not in provider_model_id("p:C", {"model": "x (y)"})  # the description splits at " ("


def test_langchain_core_fake_chat_model_through_the_service(tmp_path):
    chat, desc = make_chat_model(provider="langchain_core.language_models.fake_chat_models:FakeListChatModel",
                                 provider_kwargs={"responses": ["一", "二", "三"]}, **ARGS)
    llm = LLMService(chat, desc.split(" (")[0], RequestCache(tmp_path / "c.sqlite"), concurrency=2)
    first = llm.complete(msgs("a"), temperature=0.1, max_tokens=8)
    again = llm.complete(msgs("a"), temperature=0.1, max_tokens=8)
    other = llm.complete(msgs("b"), temperature=0.1, max_tokens=8)
    assert (first.text, again.text, other.text) == ("一", "一", "二")
    assert again.cached and not first.cached
    assert llm.usage.calls == 2 and llm.usage.cached_calls == 1 and llm.calls == 3


def test_field_model_gets_sampling_settings_as_fields_never_as_call_kwargs(tmp_path):
    FieldChat.model_fields["log"].default.clear()
    chat, desc = make_chat_model(provider=f"{HERE}:FieldChat", **ARGS)
    llm = LLMService(chat, desc.split(" (")[0], RequestCache(tmp_path / "c.sqlite"))
    res = llm.complete(msgs("hi"), temperature=0.2, max_tokens=40, seed=3,
                       response_format={"type": "json_object"}, stop=["\n"])
    assert res.ok, res.error
    assert res.text == "echo: hi" and res.usage.prompt_tokens == 3 and res.usage.completion_tokens == 2
    assert chat.log[-1] | {"thread": 0, "t": 0} == {"temperature": 0.2, "num_predict": 40, "seed": 3,
                                                     "thread": 0, "t": 0}
    assert chat.temperature == 0.3  # the original is untouched: each setting gets its own copy
    cut = llm.complete(msgs("a long one"), temperature=0.2, max_tokens=40)
    assert cut.finish_reason == "length" and cut.cut_off(40)  # Anthropic's stop_reason "max_tokens"
    assert llm.cache is not None and len(llm.cache) == 2


def test_other_sdks_errors_are_retried(tmp_path):
    FieldChat.model_fields["log"].default.clear()
    chat, _ = make_chat_model(provider=f"{HERE}:FieldChat", provider_kwargs={"fail_first": 2}, **ARGS)
    waits: list[float] = []
    llm = LLMService(chat, "p", None, sleep=waits.append, backoff=0.01)
    res = llm.complete(msgs("x"), temperature=0.0, max_tokens=5)
    assert res.ok and len(chat.log) == 3 and len(waits) == 2
    assert is_retriable(StatusError(503)) and is_retriable(StatusError(429))
    assert not is_retriable(StatusError(400)) and not is_retriable(ValueError("bad"))


def test_concurrency_bound_holds_for_a_provider_model():
    FieldChat.model_fields["log"].default.clear()
    chat, _ = make_chat_model(provider=f"{HERE}:FieldChat", provider_kwargs={"delay": 0.05}, **ARGS)
    llm = LLMService(chat, "p", None, concurrency=3)
    results = llm.complete_many([msgs(f"q{i}") for i in range(9)], temperature=0.5, max_tokens=10)
    assert [r.text for r in results] == [f"echo: q{i}" for i in range(9)]
    threads = {e["thread"] for e in chat.log}
    assert 1 < len(threads) <= 3
    assert llm.usage.calls == 9 and llm.in_flight == 0
