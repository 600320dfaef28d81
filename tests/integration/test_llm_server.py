import pytest

from agentsft.llm import LLMService, make_chat_model

pytestmark = pytest.mark.integration



def test_service_through_local_openai_compatible_server(llama_server, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    chat, desc = make_chat_model("local", llama_server, None, temperature=0.2, max_tokens=48, timeout=60, seed=1)
    assert desc == f"OpenAI-compatible: local at {llama_server}"
    svc = LLMService(chat, "local-smollm2", cache=None, concurrency=2)
    res = svc.complete([{"role": "user", "content": "What is the capital of France?"}],
                       temperature=0.2, max_tokens=48, seed=1)
    assert res.ok, res.error
    assert res.text.strip()
    assert res.usage.prompt_tokens > 0 and res.usage.completion_tokens > 0
    print(f"{desc}: {res.usage.completion_tokens} tokens in {res.seconds:.2f}s")
