"""LLMService: cached, retried, bounded-concurrency completions that never raise."""

from __future__ import annotations

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import convert_to_messages
from pydantic import BaseModel, Field

from agentsft.llm.cache import RequestCache, cache_key
from agentsft.schema import Usage

log = logging.getLogger(__name__)

_RETRIABLE = (
    openai.RateLimitError,
    openai.APITimeoutError,
    openai.APIConnectionError,
    openai.InternalServerError,
    TimeoutError,
    ConnectionError,
)


class LLMResult(BaseModel):
    text: str = ""
    ok: bool = True
    error: str = ""
    usage: Usage = Field(default_factory=Usage)
    cached: bool = False
    seconds: float = 0.0
    finish_reason: str | None = None  # "stop", "length", ... as the server said (None: not reported)

    def cut_off(self, max_tokens: int | None = None) -> bool:
        """True when the answer stopped at the token limit: ``finish_reason == "length"``; only when the
        server reported no finish reason, completion tokens at ``max_tokens``."""
        if self.finish_reason:
            return self.finish_reason == "length"
        return bool(max_tokens) and self.usage.completion_tokens >= max_tokens - 2


def is_retriable(exc: BaseException) -> bool:
    """Rate limits, timeouts, connection problems and 5xx are worth another try."""
    if isinstance(exc, _RETRIABLE):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _usage_of(message: Any) -> Usage:
    meta = getattr(message, "usage_metadata", None) or {}
    return Usage(prompt_tokens=int(meta.get("input_tokens", 0)),
                 completion_tokens=int(meta.get("output_tokens", 0)), calls=1)


class LLMService:
    """Wraps a LangChain chat model with a request cache, retries and a concurrency bound.

    ``usage`` sums the usage of every result; ``calls`` counts results returned
    (cached or not), ``errors`` the results with ``ok=False``.
    """

    def __init__(self, chat_model: BaseChatModel, model_id: str, cache: RequestCache | None = None,
                 concurrency: int = 4, max_attempts: int = 4, backoff: float = 1.0):
        self.chat_model = chat_model
        self.model_id = model_id
        self.cache = cache
        self.concurrency = max(1, concurrency)
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.usage = Usage()
        self.calls = 0
        self.errors = 0
        self._lock = threading.Lock()

    def complete(self, messages: list[dict[str, Any]], *, temperature: float, max_tokens: int,
                 stop: list[str] | None = None, seed: int | None = None, tag: str = "") -> LLMResult:
        start = time.perf_counter()
        params = {"temperature": temperature, "max_tokens": max_tokens, "stop": stop, "seed": seed}
        key = cache_key(self.model_id, params, messages)
        result = self._from_cache(key) or self._call(messages, params, key, tag)
        result.seconds = time.perf_counter() - start
        self._record(result)
        return result

    def complete_many(self, message_lists: list[list[dict[str, Any]]], **kwargs: Any) -> list[LLMResult]:
        """Complete every message list, at most ``concurrency`` at once; results keep input order."""
        if not message_lists:
            return []
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(message_lists))) as pool:
            return list(pool.map(lambda m: self.complete(m, **kwargs), message_lists))

    def _from_cache(self, key: str) -> LLMResult | None:
        hit = self.cache.get(key) if self.cache is not None else None
        if hit is None:
            return None
        u = hit.get("usage") or {}
        usage = Usage(prompt_tokens=u.get("prompt_tokens", 0), completion_tokens=u.get("completion_tokens", 0),
                      cached_calls=1)
        return LLMResult(text=hit.get("text", ""), usage=usage, cached=True, finish_reason=hit.get("finish_reason"))

    def _call(self, messages: list[dict[str, Any]], params: dict[str, Any], key: str, tag: str) -> LLMResult:
        for attempt in range(1, self.max_attempts + 1):
            try:
                reply = self._invoke(messages, params)
            except Exception as exc:  # noqa: BLE001 - a failed call must never escape
                if not is_retriable(exc) or attempt == self.max_attempts:
                    log.warning("llm call %s failed after %d attempt(s): %s", tag, attempt, _describe(exc))
                    return LLMResult(ok=False, error=_describe(exc))
                self._sleep(attempt, tag, exc)
                continue
            result = LLMResult(text=_text_of(reply), usage=_usage_of(reply), finish_reason=_finish_reason(reply))
            if self.cache is not None:
                self.cache.put(key, {"text": result.text, "usage": result.usage.model_dump(),
                                     "finish_reason": result.finish_reason})
            return result
        raise AssertionError("unreachable")

    def _invoke(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> Any:
        kwargs = {k: v for k, v in params.items() if v is not None and k != "stop"}
        return self.chat_model.invoke(convert_to_messages(messages), stop=params["stop"], **kwargs)

    def _sleep(self, attempt: int, tag: str, exc: BaseException) -> None:
        delay = self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
        log.info("llm call %s: %s; retry %d in %.2fs", tag, _describe(exc), attempt, delay)
        time.sleep(delay)

    def _record(self, result: LLMResult) -> None:
        with self._lock:
            self.usage = self.usage.add(result.usage)
            self.calls += 1
            self.errors += 0 if result.ok else 1


def _text_of(message: Any) -> str:
    text = getattr(message, "text", None)
    if isinstance(text, str):  # langchain-core >= 1.0: a property
        return str(text)
    if callable(text):  # older langchain-core: a method
        return str(text())
    return str(getattr(message, "content", ""))


def _finish_reason(message: Any) -> str | None:
    meta = getattr(message, "response_metadata", None) or {}
    reason = meta.get("finish_reason") or meta.get("done_reason")
    return str(reason) if reason else None
