import random
import threading
import time
from typing import Any

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agentsft.llm import LLMResult, LLMService, RequestCache, cache_key, is_retriable

_REQ = httpx.Request("POST", "http://test/v1/chat/completions")


def rate_limit() -> openai.RateLimitError:
    return openai.RateLimitError("slow down", response=httpx.Response(429, request=_REQ), body=None)


def bad_request() -> openai.BadRequestError:
    return openai.BadRequestError("bad prompt", response=httpx.Response(400, request=_REQ), body=None)


class ScriptedChat(BaseChatModel):
    """Echoes the last message; ``script`` items (exceptions) are raised first, one per call."""

    script: list[Any] = []
    calls: int = 0
    seen_kwargs: list[dict] = []
    jitter: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        with _LOCK:
            self.calls += 1
            self.seen_kwargs.append(dict(kwargs, stop=stop))
            step = self.script.pop(0) if self.script else None
        if isinstance(step, BaseException):
            raise step
        if self.jitter:
            time.sleep(random.random() * self.jitter)
        text = f"echo: {messages[-1].content}"
        usage = {"input_tokens": 10, "output_tokens": 3, "total_tokens": 13}
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text, usage_metadata=usage))])


_LOCK = threading.Lock()


def msgs(text: str) -> list[dict]:
    return [{"role": "system", "content": "be brief"}, {"role": "user", "content": text}]


def service(chat, cache=None, **kw) -> LLMService:
    return LLMService(chat, "fake-model", cache=cache, concurrency=kw.pop("concurrency", 4), backoff=0.01, **kw)


def test_complete_returns_text_usage_and_passes_params():
    chat = ScriptedChat()
    res = service(chat).complete(msgs("hi"), temperature=0.2, max_tokens=50, stop=["\n\n"], seed=7)
    assert isinstance(res, LLMResult) and res.ok and not res.cached
    assert res.text == "echo: hi"
    assert (res.usage.prompt_tokens, res.usage.completion_tokens, res.usage.calls) == (10, 3, 1)
    assert chat.seen_kwargs[0] == {"temperature": 0.2, "max_tokens": 50, "seed": 7, "stop": ["\n\n"]}


def test_seed_omitted_when_none():
    chat = ScriptedChat()
    service(chat).complete(msgs("hi"), temperature=0.2, max_tokens=50)
    assert "seed" not in chat.seen_kwargs[0]


def test_complete_many_preserves_order_with_concurrency():
    chat = ScriptedChat(jitter=0.02)
    svc = service(chat, concurrency=4)
    prompts = [msgs(f"q{i}") for i in range(20)]
    results = svc.complete_many(prompts, temperature=0.7, max_tokens=20)
    assert [r.text for r in results] == [f"echo: q{i}" for i in range(20)]
    assert chat.calls == 20 and svc.calls == 20 and svc.errors == 0
    assert svc.usage.prompt_tokens == 200 and svc.usage.completion_tokens == 60 and svc.usage.calls == 20


def test_complete_many_bounded_concurrency():
    active, peak = 0, 0
    lock = threading.Lock()

    class Slow(ScriptedChat):
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.02)
            with lock:
                active -= 1
            return super()._generate(messages, stop, run_manager, **kwargs)

    service(Slow(), concurrency=3).complete_many([msgs(str(i)) for i in range(12)], temperature=0, max_tokens=5)
    assert 1 <= peak <= 3


def test_cache_hit_on_second_call(tmp_path):
    chat = ScriptedChat()
    cache = RequestCache(tmp_path / "cache.sqlite")
    svc = service(chat, cache)
    first = svc.complete(msgs("same"), temperature=0.5, max_tokens=10)
    second = svc.complete(msgs("same"), temperature=0.5, max_tokens=10)
    assert chat.calls == 1
    assert not first.cached and second.cached and second.ok
    assert second.text == first.text
    assert second.usage.cached_calls == 1 and second.usage.calls == 0
    assert svc.usage.calls == 1 and svc.usage.cached_calls == 1 and svc.calls == 2
    other = svc.complete(msgs("same"), temperature=0.9, max_tokens=10)  # other params: new call
    assert not other.cached and chat.calls == 2


def test_cache_survives_a_new_service(tmp_path):
    path = tmp_path / "c.sqlite"
    service(ScriptedChat(), RequestCache(path)).complete(msgs("x"), temperature=0, max_tokens=5)
    chat = ScriptedChat()
    res = service(chat, RequestCache(path)).complete(msgs("x"), temperature=0, max_tokens=5)
    assert res.cached and chat.calls == 0


def test_cache_key_is_stable_and_sensitive():
    a = cache_key("m", {"temperature": 0.1, "max_tokens": 5}, msgs("中文"))
    b = cache_key("m", {"max_tokens": 5, "temperature": 0.1}, msgs("中文"))
    assert a == b and len(a) == 64
    assert a != cache_key("m2", {"temperature": 0.1, "max_tokens": 5}, msgs("中文"))
    assert a != cache_key("m", {"temperature": 0.1, "max_tokens": 5}, msgs("英文"))


def test_cache_is_thread_safe(tmp_path):
    cache = RequestCache(tmp_path / "t.sqlite")

    def work(n):
        for i in range(50):
            cache.put(f"{n}-{i}", {"text": str(i), "usage": {}})
            assert cache.get(f"{n}-{i}")["text"] == str(i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 300


def test_retry_on_rate_limit_then_success():
    chat = ScriptedChat(script=[rate_limit(), rate_limit()])
    svc = service(chat)
    res = svc.complete(msgs("retry"), temperature=0, max_tokens=5)
    assert res.ok and res.text == "echo: retry"
    assert chat.calls == 3 and svc.errors == 0


def test_non_retriable_error_fails_at_once():
    chat = ScriptedChat(script=[bad_request()])
    svc = service(chat)
    res = svc.complete(msgs("bad"), temperature=0, max_tokens=5)
    assert not res.ok and res.error.startswith("BadRequestError:")
    assert chat.calls == 1 and svc.errors == 1 and svc.calls == 1


def test_plain_value_error_is_not_retried():
    chat = ScriptedChat(script=[ValueError("boom")])
    res = service(chat).complete(msgs("v"), temperature=0, max_tokens=5)
    assert not res.ok and res.error == "ValueError: boom" and chat.calls == 1


def test_exhausted_retries_report_error(tmp_path):
    chat = ScriptedChat(script=[rate_limit() for _ in range(10)])
    cache = RequestCache(tmp_path / "c.sqlite")
    svc = service(chat, cache, max_attempts=3)
    res = svc.complete(msgs("never"), temperature=0, max_tokens=5)
    assert not res.ok and res.error.startswith("RateLimitError:") and "slow down" in res.error
    assert chat.calls == 3 and svc.errors == 1
    assert len(cache) == 0  # failures are not cached


def test_retriable_classification():
    assert is_retriable(rate_limit())
    assert is_retriable(openai.APITimeoutError(request=_REQ))
    assert is_retriable(openai.APIConnectionError(request=_REQ))
    assert is_retriable(openai.InternalServerError("x", response=httpx.Response(500, request=_REQ), body=None))
    assert is_retriable(openai.APIStatusError("x", response=httpx.Response(503, request=_REQ), body=None))
    assert is_retriable(TimeoutError()) and is_retriable(ConnectionResetError())
    assert not is_retriable(bad_request())
    assert not is_retriable(openai.APIStatusError("x", response=httpx.Response(404, request=_REQ), body=None))
    assert not is_retriable(KeyError("k"))
