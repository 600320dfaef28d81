import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from agentsft.llm import LLMService, locate_gguf, make_chat_model

pytestmark = pytest.mark.integration

START_TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, proc: subprocess.Popen, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


@pytest.fixture(scope="module")
def llama_server():
    pytest.importorskip("llama_cpp.server")
    gguf = locate_gguf()
    port = _free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seconds = _wait_ready(f"http://127.0.0.1:{port}/v1/models", proc, START_TIMEOUT)
        print(f"\nllama_cpp.server ready in {seconds:.2f}s on port {port}")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
