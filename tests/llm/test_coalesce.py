"""Duplicate requests in flight share one model call; progress counters update as results arrive."""

import threading
import time

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agentsft.llm import EmbeddedModelCrashed, LLMService, RequestCache

_LOCK = threading.Lock()


class SlowChat(BaseChatModel):
    """Echoes the last message after ``delay`` seconds (or after its gate opens); counts calls."""

    delay: float = 0.2
    calls: int = 0
    prompts: list[str] = []
    error: Exception | None = None
    gates: dict[str, threading.Event] = {}

    @property
    def _llm_type(self) -> str:
        return "slow"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        prompt = str(messages[-1].content)
        with _LOCK:
            self.calls += 1
            self.prompts.append(prompt)
        gate = self.gates.get(prompt)
        if gate is not None:
            gate.wait(10)
        else:
            time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        usage = {"input_tokens": 10, "output_tokens": 3, "total_tokens": 13}
        msg = AIMessage(content=f"echo: {prompt}", usage_metadata=usage, response_metadata={"finish_reason": "stop"})
        return ChatResult(generations=[ChatGeneration(message=msg)])


def ask(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


@pytest.fixture
def cache():
    c = RequestCache(":memory:")
    yield c
    c.close()


def wait_until(check, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "condition not reached in time"
        time.sleep(0.005)


def test_duplicates_in_flight_make_one_model_call(cache):
    chat = SlowChat()
    svc = LLMService(chat, "m", cache=cache, concurrency=6)
    prompts = [ask("a"), ask("a"), ask("b"), ask("a"), ask("b"), ask("c")]
    results = svc.complete_many(prompts, temperature=0.7, max_tokens=8)
    assert sorted(chat.prompts) == ["a", "b", "c"]  # one call per distinct request
    assert [r.text for r in results] == [f"echo: {p[0]['content']}" for p in prompts]
    assert all(r.ok and r.finish_reason == "stop" for r in results)
    assert sum(r.cached for r in results) == 3
    shared = [r for r in results if r.cached]
    assert all(r.usage.calls == 0 and r.usage.cached_calls == 1 and r.usage.completion_tokens == 3 for r in shared)
    assert svc.calls == 6 and svc.errors == 0 and svc.in_flight == 0
    assert (svc.usage.calls, svc.usage.cached_calls) == (3, 3)
    assert svc.fresh_usage.calls == 3 and svc.fresh_usage.prompt_tokens == 30  # tokens paid once per request
    assert svc.fresh_usage.cached_calls == 0


def test_duplicates_overlap_in_time_rather_than_run_in_turn(cache):
    chat = SlowChat(delay=0.3)
    svc = LLMService(chat, "m", cache=cache, concurrency=4)
    start = time.perf_counter()
    svc.complete_many([ask("same")] * 4, temperature=0, max_tokens=8)
    assert chat.calls == 1 and time.perf_counter() - start < 0.3 * 2


def test_failed_call_is_shared_not_cached_and_retried_later(cache):
    chat = SlowChat(error=ValueError("model said no"))
    svc = LLMService(chat, "m", cache=cache, concurrency=3)
    results = svc.complete_many([ask("x")] * 3, temperature=0, max_tokens=8)
    assert chat.calls == 1
    assert all(not r.ok and r.error == "ValueError: model said no" and not r.cached for r in results)
    assert svc.errors == 3 and svc.usage.calls == 0 and svc.usage.cached_calls == 0
    assert len(cache) == 0
    chat.error = None
    again = svc.complete(ask("x"), temperature=0, max_tokens=8)
    assert again.ok and not again.cached and chat.calls == 2


def test_without_cache_duplicates_are_independent_calls():
    chat = SlowChat(delay=0.05)
    svc = LLMService(chat, "m", cache=None, concurrency=3)
    results = svc.complete_many([ask("s")] * 3, temperature=1.0, max_tokens=8)
    assert chat.calls == 3 and not any(r.cached for r in results)


def test_crash_reaches_every_waiter_and_is_not_a_result(cache):
    chat = SlowChat(error=EmbeddedModelCrashed("the embedded model process was killed by SIGSEGV"))
    svc = LLMService(chat, "m", cache=cache, concurrency=3)
    caught: list[BaseException] = []

    def one():
        try:
            svc.complete(ask("boom"), temperature=0, max_tokens=8)
        except EmbeddedModelCrashed as exc:
            caught.append(exc)

    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert chat.calls == 1 and len(caught) == 3 and all("SIGSEGV" in str(e) for e in caught)
    assert svc.in_flight == 0 and svc.calls == 0 and svc.errors == 0


def test_progress_counters_update_as_each_result_arrives(cache):
    gates = {name: threading.Event() for name in ("p", "q", "r")}
    chat = SlowChat(gates=gates)
    svc = LLMService(chat, "m", cache=cache, concurrency=4)
    box: list = []
    runner = threading.Thread(target=lambda: box.append(
        svc.complete_many([ask("p"), ask("q"), ask("r"), ask("p")], temperature=0, max_tokens=8)))
    runner.start()
    wait_until(lambda: chat.calls == 3 and svc.in_flight == 4)  # the second "p" waits for the first
    assert svc.calls == 0 and svc.usage.completion_tokens == 0
    gates["q"].set()
    wait_until(lambda: svc.calls == 1)
    assert svc.in_flight == 3 and svc.usage.completion_tokens == 3 and svc.fresh_usage.calls == 1
    gates["p"].set()  # "p" and its coalesced duplicate finish
    wait_until(lambda: svc.calls == 3)
    assert svc.in_flight == 1 and svc.usage.calls == 2 and svc.usage.cached_calls == 1
    gates["r"].set()
    runner.join(10)
    assert svc.in_flight == 0 and svc.calls == 4 and chat.calls == 3
    assert [r.text for r in box[0]] == ["echo: p", "echo: q", "echo: r", "echo: p"]
