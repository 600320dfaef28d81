import os
import resource
import signal
import time
from pathlib import Path

import pytest

from agentsft.llm import EmbeddedModelCrashed, LLMService, make_chat_model, shutdown_workers
from agentsft.llm.smoke import HINT

pytestmark = pytest.mark.integration


@pytest.fixture
def embedded_chat(monkeypatch):
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "AGENTSFT_GGUF"):
        monkeypatch.delenv(var, raising=False)
    chat, desc = make_chat_model(None, None, None, temperature=0.2, max_tokens=48, timeout=60, seed=1)
    assert desc.startswith("embedded llama.cpp:")
    yield chat, desc
    log = chat.worker().log
    shutdown_workers()  # the next test (or a crashed worker) starts afresh
    if log:
        Path(log).unlink(missing_ok=True)  # kept after a crash


def test_embedded_smollm2_answers_through_service(embedded_chat):
    chat, desc = embedded_chat
    svc = LLMService(chat, "embedded-smollm2", cache=None, concurrency=2)
    prompt = [{"role": "user", "content": "Name three colours of the rainbow."}]
    t0 = time.perf_counter()
    first = svc.complete(prompt, temperature=0.2, max_tokens=48, seed=1)
    load_and_first = time.perf_counter() - t0
    assert first.ok, first.error
    assert first.text.strip()
    assert first.usage.prompt_tokens > 0 and first.usage.completion_tokens > 0
    assert first.finish_reason in ("stop", "length")
    pid = chat.worker().pid
    assert pid is not None and pid != os.getpid()  # llama.cpp ran in the worker process
    both = svc.complete_many([prompt, [{"role": "user", "content": "Say hello."}]], temperature=0.2, max_tokens=32)
    assert all(r.ok and r.text.strip() for r in both)
    assert chat.worker().pid == pid  # one worker, loaded once
    toks = sum(r.usage.completion_tokens for r in both)
    secs = sum(r.seconds for r in both)
    print(f"\n{desc}: first call (incl. worker start and load) {load_and_first:.2f}s; "
          f"{toks} tokens in {secs:.2f}s -> {toks / secs:.1f} tok/s (serialised)")


def test_embedded_worker_crash_stops_the_service_with_a_message(embedded_chat):
    chat, _ = embedded_chat
    svc = LLMService(chat, "embedded-smollm2", cache=None)
    prompt = [{"role": "user", "content": "Say hi."}]
    assert svc.complete(prompt, temperature=0.2, max_tokens=8).ok
    pid = chat.worker().pid
    resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))  # no core file of the model in the cwd
    os.kill(pid, signal.SIGSEGV)  # what a bad ggml kernel does to it
    with pytest.raises(EmbeddedModelCrashed) as info:
        svc.complete(prompt, temperature=0.2, max_tokens=8)
    assert "killed by SIGSEGV" in str(info.value) and str(info.value).endswith(HINT)
