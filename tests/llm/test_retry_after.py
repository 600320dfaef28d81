"""Retry-After honoured: the server's wait (capped) replaces the jittered backoff."""

import email.utils
import time

import httpx
import openai
import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agentsft.llm import LLMService, retry_after_seconds

_REQ = httpx.Request("POST", "http://x")


def rate_limit(**headers: str) -> openai.RateLimitError:
    return openai.RateLimitError("slow down", response=httpx.Response(429, headers=headers, request=_REQ), body=None)


def server_error(**headers: str) -> openai.InternalServerError:
    return openai.InternalServerError("busy", response=httpx.Response(503, headers=headers, request=_REQ), body=None)


class Failing(BaseChatModel):
    """Raises the scripted errors one per call, then answers."""

    script: list = []
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "failing"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.calls += 1
        if self.script:
            raise self.script.pop(0)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="done"))])


def run(errors: list, **kw) -> tuple[list[float], LLMService, object]:
    slept: list[float] = []
    svc = LLMService(Failing(script=list(errors)), "m", backoff=kw.pop("backoff", 1.0), sleep=slept.append, **kw)
    res = svc.complete([{"role": "user", "content": "hi"}], temperature=0, max_tokens=5)
    return slept, svc, res


@pytest.mark.parametrize("headers, wait", [
    ({"retry-after-ms": "1500"}, 1.5),
    ({"retry-after": "7"}, 7.0),
    ({"Retry-After": "2.5"}, 2.5),
    ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # the finer one wins
    ({"retry-after": "0"}, 0.0),
])
def test_rate_limit_waits_what_the_server_says(headers, wait):
    slept, svc, res = run([rate_limit(**headers)])
    assert res.ok and res.text == "done"
    assert slept == [wait]
    assert svc.chat_model.calls == 2


def test_http_date_retry_after():
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    slept, _, res = run([server_error(**{"retry-after": date})])
    assert res.ok and len(slept) == 1 and 28.0 <= slept[0] <= 31.0


def test_retry_after_is_capped_and_cap_is_configurable():
    assert run([rate_limit(**{"retry-after": "3600"})])[0] == [120.0]
    assert run([rate_limit(**{"retry-after": "3600"})], retry_after_cap=5.0)[0] == [5.0]
    assert run([rate_limit(**{"retry-after-ms": "90000"})], retry_after_cap=60)[0] == [60.0]


def test_each_retry_uses_its_own_header():
    slept, svc, res = run([rate_limit(**{"retry-after": "3"}), server_error(**{"retry-after-ms": "40"})])
    assert res.ok and slept == [3.0, 0.04] and svc.chat_model.calls == 3


def test_without_header_the_backoff_is_jittered_exponential():
    slept, _, res = run([rate_limit(), rate_limit(), server_error()], backoff=2.0)
    assert res.ok and len(slept) == 3
    for attempt, delay in enumerate(slept, start=1):
        base = 2.0 * 2 ** (attempt - 1)
        assert 0.5 * base <= delay <= 1.5 * base


def test_unreadable_header_falls_back_to_backoff():
    slept, _, res = run([rate_limit(**{"retry-after": "soon"})], backoff=10.0)
    assert res.ok and 5.0 <= slept[0] <= 15.0


def test_non_retriable_error_never_sleeps_even_with_header():
    err = openai.BadRequestError("no", response=httpx.Response(400, headers={"retry-after": "5"}, request=_REQ),
                                 body=None)
    slept, svc, res = run([err])
    assert not res.ok and res.error.startswith("BadRequestError") and slept == [] and svc.chat_model.calls == 1


def test_last_attempt_does_not_sleep():
    slept, _, res = run([rate_limit(**{"retry-after": "1"})] * 3, max_attempts=2)
    assert not res.ok and slept == [1.0]


def test_retry_after_seconds_parsing():
    now = 1_700_000_000.0
    assert retry_after_seconds(rate_limit(**{"retry-after": email.utils.formatdate(now + 12, usegmt=True)}),
                               now=now) == pytest.approx(12.0)
    assert retry_after_seconds(rate_limit(**{"retry-after": email.utils.formatdate(now - 60, usegmt=True)}),
                               now=now) == 0.0  # a date in the past: no wait
    assert retry_after_seconds(rate_limit(**{"retry-after": "-4"})) == 0.0
    assert retry_after_seconds(rate_limit(**{"retry-after": "nan"})) is None
    assert retry_after_seconds(rate_limit()) is None
    assert retry_after_seconds(openai.APITimeoutError(request=_REQ)) is None
    assert retry_after_seconds(TimeoutError()) is None
