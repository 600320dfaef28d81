import time

import pytest

from agentsft.llm import LLMService, make_chat_model

pytestmark = pytest.mark.integration


def test_embedded_smollm2_answers_through_service(monkeypatch):
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "AGENTSFT_GGUF"):
        monkeypatch.delenv(var, raising=False)
    chat, desc = make_chat_model(None, None, None, temperature=0.2, max_tokens=48, timeout=60, seed=1)
    assert desc.startswith("embedded llama.cpp:")
    svc = LLMService(chat, "embedded-smollm2", cache=None, concurrency=2)
    prompt = [{"role": "user", "content": "Name three colours of the rainbow."}]
    t0 = time.perf_counter()
    first = svc.complete(prompt, temperature=0.2, max_tokens=48, seed=1)
    load_and_first = time.perf_counter() - t0
    assert first.ok, first.error
    assert first.text.strip()
    assert first.usage.prompt_tokens > 0 and first.usage.completion_tokens > 0
    both = svc.complete_many([prompt, [{"role": "user", "content": "Say hello."}]], temperature=0.2, max_tokens=32)
    assert all(r.ok and r.text.strip() for r in both)
    toks = sum(r.usage.completion_tokens for r in both)
    secs = sum(r.seconds for r in both)
    print(f"\n{desc}: first call (incl. load) {load_and_first:.2f}s; "
          f"{toks} tokens in {secs:.2f}s -> {toks / secs:.1f} tok/s (serialised)")
