"""LLMService: cached, retried, coalesced, bounded-concurrency completions that never raise
(except when the embedded model's process has died)."""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timezone
from typing import Any

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import convert_to_messages
from pydantic import BaseModel, Field

from agentsft.llm.cache import RequestCache, cache_key
from agentsft.llm.embedded import EmbeddedModelCrashed
from agentsft.llm.factory import sampling_fields
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
# the same errors as other client libraries name them (anthropic, httpx under ollama, google-api-core...)
_RETRIABLE_NAMES = {"RateLimitError", "APITimeoutError", "APIConnectionError", "InternalServerError",
                    "OverloadedError", "ServiceUnavailableError", "TransportError", "TimeoutException",
                    "ResourceExhausted", "ServiceUnavailable", "DeadlineExceeded", "TooManyRequests"}


class LLMResult(BaseModel):
    text: str = ""
    ok: bool = True
    error: str = ""
    usage: Usage = Field(default_factory=Usage)
    cached: bool = False
    seconds: float = 0.0
    finish_reason: str | None = None  # "stop", "length", ... as the server said (None: not reported)
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)  # native function calls, OpenAI shape
    invalid_tool_calls: int = 0  # native calls the client could not parse (bad JSON arguments)

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
    if {c.__name__ for c in type(exc).__mro__} & _RETRIABLE_NAMES:  # other SDKs behind LangChain providers
        return True
    status = getattr(exc, "status_code", None)  # anthropic.APIStatusError, ollama.ResponseError, ...
    return isinstance(status, int) and (status == 429 or status >= 500)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _usage_of(message: Any) -> Usage:
    meta = getattr(message, "usage_metadata", None) or {}
    return Usage(prompt_tokens=int(meta.get("input_tokens", 0)),
                 completion_tokens=int(meta.get("output_tokens", 0)), calls=1)


class LLMService:
    """Wraps a LangChain chat model with a request cache, retries and a concurrency bound.

    ``complete`` never raises for a failed call (it returns ``ok=False``), with one exception:
    :class:`~agentsft.llm.embedded.EmbeddedModelCrashed` (the embedded model's process died) is
    re-raised, since no later call can succeed; the caller stops the run.

    Retries: a retriable error (``is_retriable``) is retried up to ``max_attempts`` times. When the
    server says how long to wait (``retry-after-ms`` / ``retry-after`` headers, see
    ``retry_after_seconds``) that wait is used, capped at ``retry_after_cap`` seconds; otherwise a
    jittered exponential backoff from ``backoff`` seconds. ``sleep`` does the waiting (injectable).

    Coalescing: with a cache, a request whose cache key is already being computed by another
    thread is not sent again: it waits for that call and gets the same result as a cache hit
    (``cached=True``, ``usage.cached_calls == 1``, ``usage.calls == 0``). If that call failed the
    waiter gets the same failure (already retried ``max_attempts`` times; not cached, so a later
    request tries again), or the same exception. Without a cache every call is independent
    (e.g. to sample one prompt several times).

    Progress, readable from any thread while calls run: ``calls`` counts results returned
    (cached or not), ``errors`` those with ``ok=False``, ``usage`` sums the usage of every result
    (a cached result brings its stored token counts with ``calls=0``), ``fresh_usage`` only the
    results the model computed in this process (for tokens per second), and ``in_flight`` the
    ``complete`` calls under way (waiting for the model, a retry or a coalesced duplicate). All
    are updated under one lock as each result arrives.
    """

    def __init__(self, chat_model: BaseChatModel, model_id: str, cache: RequestCache | None = None,
                 concurrency: int = 4, max_attempts: int = 4, backoff: float = 1.0,
                 retry_after_cap: float = 120.0, sleep: Callable[[float], None] = time.sleep):
        self.chat_model = chat_model
        self.model_id = model_id
        self.cache = cache
        self.concurrency = max(1, concurrency)
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.retry_after_cap = retry_after_cap
        self.sleep = sleep
        self.usage = Usage()
        self.fresh_usage = Usage()
        self.calls = 0
        self.errors = 0
        self._in_flight = 0
        self._pending: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._fields = sampling_fields(chat_model)  # None: sampling params go with each call as kwargs
        self._copies: dict[tuple, BaseChatModel] = {}

    @property
    def in_flight(self) -> int:
        """``complete`` calls started and not yet returned."""
        with self._lock:
            return self._in_flight

    @property
    def supports_tools(self) -> bool:
        """True when the chat model implements native function calling (``bind_tools``)."""
        return type(self.chat_model).bind_tools is not BaseChatModel.bind_tools

    def complete(self, messages: list[dict[str, Any]], *, temperature: float, max_tokens: int,
                 stop: list[str] | None = None, seed: int | None = None, tag: str = "",
                 tools: list[dict[str, Any]] | None = None, tool_choice: str | None = None,
                 response_format: dict[str, Any] | None = None, sample: int | None = None) -> LLMResult:
        """One completion; with ``tools`` (OpenAI function schemas) the model may answer with native
        ``tool_calls`` (``supports_tools`` must be true; ``tool_choice="required"`` forces a call);
        ``response_format`` asks for JSON (``{"type": "json_object", "schema": ...}``: the embedded model
        constrains its output with a grammar). ``sample`` numbers the k samples of one request (self-consistency):
        it is part of the cache key, so k samples are k calls, never one cached answer k times."""
        start = time.perf_counter()
        params = {"temperature": temperature, "max_tokens": max_tokens, "stop": stop, "seed": seed}
        for key, value in (("tools", tools), ("tool_choice", tool_choice), ("response_format", response_format),
                           ("sample", sample)):
            if value is not None and value != []:
                params[key] = value
        key = cache_key(self.model_id, params, messages)
        self._enter()
        try:
            result = self._from_cache(key) or self._shared_call(messages, params, key, tag)
        except BaseException:
            self._leave(None)
            raise
        result.seconds = time.perf_counter() - start
        self._leave(result)
        return result

    def complete_many(self, message_lists: list[list[dict[str, Any]]], **kwargs: Any) -> list[LLMResult]:
        """Complete every message list, at most ``concurrency`` at once; results keep input order."""
        if not message_lists:
            return []
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(message_lists))) as pool:
            try:
                return list(pool.map(lambda m: self.complete(m, **kwargs), message_lists))
            except KeyboardInterrupt:  # Ctrl-C: drop queued calls and stop a local model mid-generation
                pool.shutdown(wait=False, cancel_futures=True)
                abort = getattr(self.chat_model, "abort", None)
                if callable(abort):
                    abort()
                raise

    def _from_cache(self, key: str) -> LLMResult | None:
        hit = self.cache.get(key) if self.cache is not None else None
        if hit is None:
            return None
        u = hit.get("usage") or {}
        usage = Usage(prompt_tokens=u.get("prompt_tokens", 0), completion_tokens=u.get("completion_tokens", 0),
                      cached_calls=1)
        return LLMResult(text=hit.get("text", ""), usage=usage, cached=True, finish_reason=hit.get("finish_reason"),
                         tool_calls=hit.get("tool_calls") or [])

    def _shared_call(self, messages: list[dict[str, Any]], params: dict[str, Any], key: str, tag: str) -> LLMResult:
        """The call for ``key``, made once however many threads ask for it at the same time."""
        if self.cache is None:
            return self._call(messages, params, key, tag)
        with self._lock:
            pending = self._pending.get(key)
            leader = pending is None
            if leader:
                pending = self._pending[key] = Future()
        if not leader:
            return _as_shared(pending.result())
        try:  # the cache again: a same-key call may have finished since our miss
            result = self._from_cache(key) or self._call(messages, params, key, tag)
        except BaseException as exc:
            pending.set_exception(exc)
            raise
        else:
            pending.set_result(result)
            return result
        finally:
            with self._lock:
                self._pending.pop(key, None)

    def _call(self, messages: list[dict[str, Any]], params: dict[str, Any], key: str, tag: str) -> LLMResult:
        for attempt in range(1, self.max_attempts + 1):
            try:
                reply = self._invoke(messages, params)
            except EmbeddedModelCrashed:
                raise  # the model's process is gone: no later call can succeed
            except Exception as exc:  # noqa: BLE001 - a failed call must never escape
                if not is_retriable(exc) or attempt == self.max_attempts:
                    log.warning("llm call %s failed after %d attempt(s): %s", tag, attempt, _describe(exc))
                    return LLMResult(ok=False, error=_describe(exc))
                self._wait_before_retry(attempt, tag, exc)
                continue
            result = LLMResult(text=_text_of(reply), usage=_usage_of(reply), finish_reason=_finish_reason(reply),
                               tool_calls=_tool_calls_of(reply),
                               invalid_tool_calls=len(getattr(reply, "invalid_tool_calls", None) or []))
            if self.cache is not None:
                self.cache.put(key, {"text": result.text, "usage": result.usage.model_dump(),
                                     "finish_reason": result.finish_reason, "tool_calls": result.tool_calls})
            return result
        raise AssertionError("unreachable")

    def _invoke(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> Any:
        kwargs = {k: v for k, v in params.items()
                  if v is not None and k not in ("stop", "tools", "tool_choice", "sample")}
        model = self.chat_model
        if self._fields is not None:  # a class that takes them as fields (and may refuse them per call)
            model = self._configured({self._fields[k]: kwargs[k] for k in self._fields if k in kwargs})
            kwargs = {k: v for k, v in kwargs.items() if k not in ("temperature", "max_tokens", "seed",
                                                                     "response_format")}
        if params.get("tools"):
            extra = {"tool_choice": params["tool_choice"]} if params.get("tool_choice") else {}
            model = model.bind_tools(params["tools"], **extra)
        return model.invoke(convert_to_messages(messages), stop=params["stop"], **kwargs)

    def _configured(self, update: dict[str, Any]) -> BaseChatModel:
        """The chat model with these field values (one copy per distinct set, shared by threads)."""
        key = tuple(sorted(update.items()))
        with self._lock:
            if key not in self._copies:
                self._copies[key] = self.chat_model.model_copy(update=update)
            return self._copies[key]

    def retry_delay(self, attempt: int, exc: BaseException) -> float:
        """Seconds to wait before retry ``attempt``: the server's Retry-After (capped), else backoff."""
        asked = retry_after_seconds(exc)
        if asked is not None:
            return min(asked, self.retry_after_cap)
        return self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random())

    def _wait_before_retry(self, attempt: int, tag: str, exc: BaseException) -> None:
        delay = self.retry_delay(attempt, exc)
        log.info("llm call %s: %s; retry %d in %.2fs", tag, _describe(exc), attempt, delay)
        self.sleep(delay)

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1

    def _leave(self, result: LLMResult | None) -> None:
        with self._lock:
            self._in_flight -= 1
            if result is None:
                return
            self.usage = self.usage.add(result.usage)
            if not result.cached:
                self.fresh_usage = self.fresh_usage.add(result.usage)
            self.calls += 1
            self.errors += 0 if result.ok else 1


def _as_shared(result: LLMResult) -> LLMResult:
    """What a coalesced duplicate gets: a success as a cache hit, a failure as the same failure."""
    if not result.ok:
        return LLMResult(ok=False, error=result.error)
    u = result.usage
    usage = Usage(prompt_tokens=u.prompt_tokens, completion_tokens=u.completion_tokens, cached_calls=1)
    return LLMResult(text=result.text, usage=usage, cached=True, finish_reason=result.finish_reason)


def retry_after_seconds(exc: BaseException, now: float | None = None) -> float | None:
    """The wait an error's response asks for: ``retry-after-ms``, else ``retry-after`` (seconds or
    an HTTP date); None when it asks for none (or says something unreadable). Never negative."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    millis = _number(headers.get("retry-after-ms"))
    if millis is not None:
        return max(0.0, millis / 1000.0)
    value = headers.get("retry-after")
    seconds = _number(value)
    if seconds is None and value:
        seconds = _seconds_until(value, time.time() if now is None else now)
    return None if seconds is None else max(0.0, seconds)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _seconds_until(http_date: str, now: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() - now


def _text_of(message: Any) -> str:
    text = getattr(message, "text", None)
    if isinstance(text, str):  # langchain-core >= 1.0: a property
        return str(text)
    if callable(text):  # older langchain-core: a method
        return str(text())
    return str(getattr(message, "content", ""))


def _tool_calls_of(message: Any) -> list[dict[str, Any]]:
    """LangChain tool calls as OpenAI ``tool_calls`` (arguments as a JSON string)."""
    calls = getattr(message, "tool_calls", None) or []
    return [{"id": c.get("id") or f"call_{i}", "type": "function",
             "function": {"name": c.get("name", ""), "arguments": json.dumps(c.get("args") or {}, ensure_ascii=False)}}
            for i, c in enumerate(calls)]


def _finish_reason(message: Any) -> str | None:
    meta = getattr(message, "response_metadata", None) or {}
    reason = meta.get("finish_reason") or meta.get("done_reason") or meta.get("stop_reason")
    if not reason:
        return None
    reason = str(reason)  # "length" is the OpenAI word for a cut-off; Anthropic and Gemini say max tokens
    return "length" if reason.lower() in ("max_tokens", "max_output_tokens") else reason
