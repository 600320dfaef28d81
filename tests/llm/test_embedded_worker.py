"""The embedded model runs in a worker process: a native crash there becomes EmbeddedModelCrashed."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from agentsft.llm import EmbeddedChatModel, EmbeddedModelCrashed, EmbeddedModelError, LLMService, shutdown_workers
from agentsft.llm import embedded as embedded_mod
from agentsft.llm.smoke import HINT

# mode k: answer k requests (echo), then per mode: segv / exit / garbage / error (always a JSON error)
FAKE_WORKER = textwrap.dedent('''
    import json, os, resource, signal, sys, time
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    mode, k = sys.argv[1], int(sys.argv[2])
    answered = 0
    for line in sys.stdin:
        req = json.loads(line)
        if answered >= k:
            print("fake worker: giving up on request", answered + 1, file=sys.stderr, flush=True)
            if mode == "segv":
                os.kill(os.getpid(), signal.SIGSEGV)
            if mode == "exit":
                sys.exit(3)
            if mode == "garbage":
                print("this is not json", flush=True)
                continue
        answered += 1
        if mode == "error":
            reply = {"ok": False, "error": "ValueError: bad request"}
        else:
            text = "echo: " + req["messages"][-1]["content"]
            reply = {"ok": True, "result": {
                "choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "length"}],
                "usage": {"prompt_tokens": 5, "completion_tokens": len(text)}}}
        print(json.dumps(reply), flush=True)
    if mode == "linger":
        time.sleep(60)
''')


@pytest.fixture(autouse=True)
def no_workers_left():
    yield
    logs = [w.log for w in embedded_mod._WORKERS.values() if w.log]
    shutdown_workers()
    for log in logs:  # a crashed worker's log is kept for the post-mortem: not after a test
        Path(log).unlink(missing_ok=True)


@pytest.fixture
def gguf(tmp_path) -> Path:
    path = tmp_path / "Fake.gguf"
    path.write_bytes(b"not a model")
    return path


@pytest.fixture
def fake_cmd(tmp_path):
    script = tmp_path / "fake_worker.py"
    script.write_text(FAKE_WORKER)
    return lambda mode, k=1000: [sys.executable, str(script), mode, str(k)]


def model(gguf, cmd) -> EmbeddedChatModel:
    return EmbeddedChatModel(gguf_path=gguf, worker_cmd=cmd, temperature=0.1, max_tokens=16)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def ask(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def test_answers_through_the_worker_with_usage_and_finish_reason(gguf, fake_cmd):
    chat = model(gguf, fake_cmd("echo"))
    reply = chat.invoke([HumanMessage("hello")])
    assert reply.content == "echo: hello"
    assert reply.usage_metadata == {"input_tokens": 5, "output_tokens": 11, "total_tokens": 16}
    assert reply.response_metadata["finish_reason"] == "length"
    pid = chat.worker().pid
    assert pid is not None and pid != os.getpid() and alive(pid)


def test_worker_is_lazy_shared_and_stopped(gguf, fake_cmd):
    cmd = fake_cmd("echo")
    a, b = model(gguf, cmd), model(gguf, cmd)
    assert tuple(cmd) not in embedded_mod._WORKERS  # nothing started by construction
    a.invoke("one")
    b.invoke("two")
    assert a.worker() is b.worker()
    pid, log = a.worker().pid, a.worker().log
    assert alive(pid) and Path(log).exists()
    shutdown_workers()
    assert not alive(pid) and not Path(log).exists() and not embedded_mod._WORKERS


def test_default_command_is_the_worker_module(gguf):
    chat = EmbeddedChatModel(gguf_path=gguf, n_ctx=1024, seed=3)
    cmd = embedded_mod.worker_command(gguf, 1024, 3)
    assert cmd == [sys.executable, "-m", "agentsft.llm.worker", str(gguf.resolve()), "--n-ctx", "1024", "--seed", "3"]
    assert chat.worker().cmd == cmd and chat.worker().pid is None  # not started until a request


def test_segfault_becomes_embedded_model_crashed(gguf, fake_cmd):
    chat = model(gguf, fake_cmd("segv", 2))
    assert chat.invoke("a").content == "echo: a"
    assert chat.invoke("b").content == "echo: b"
    with pytest.raises(EmbeddedModelCrashed) as info:
        chat.invoke("c")
    msg = str(info.value)
    assert "the embedded model process was killed by SIGSEGV" in msg
    assert "fake worker: giving up on request 3" in msg  # the tail of its stderr
    assert msg.endswith(HINT)
    assert Path(chat.worker().log).exists()  # kept for the post-mortem
    with pytest.raises(EmbeddedModelCrashed, match="SIGSEGV"):  # no restart loop
        chat.invoke("d")


def test_service_reraises_the_crash_instead_of_a_result(gguf, fake_cmd):
    svc = LLMService(model(gguf, fake_cmd("segv", 1)), "embedded", concurrency=2, sleep=lambda s: None)
    assert svc.complete(ask("ok"), temperature=0, max_tokens=8).text == "echo: ok"
    with pytest.raises(EmbeddedModelCrashed, match="killed by SIGSEGV"):
        svc.complete(ask("boom"), temperature=0, max_tokens=8)
    with pytest.raises(EmbeddedModelCrashed):
        svc.complete_many([ask(f"q{i}") for i in range(5)], temperature=0, max_tokens=8)
    assert svc.calls == 1 and svc.errors == 0 and svc.in_flight == 0


def test_unexpected_exit_and_garbage_are_crashes_too(gguf, fake_cmd):
    with pytest.raises(EmbeddedModelCrashed, match=r"stopped unexpectedly \(exit 3\)"):
        model(gguf, fake_cmd("exit", 0)).invoke("x")
    with pytest.raises(EmbeddedModelCrashed, match="unreadable reply 'this is not json"):
        model(gguf, fake_cmd("garbage", 0)).invoke("x")


def test_worker_python_error_is_an_ordinary_llm_error(gguf, fake_cmd):
    chat = model(gguf, fake_cmd("error"))
    with pytest.raises(EmbeddedModelError, match="ValueError: bad request"):
        chat.invoke("x")
    svc = LLMService(chat, "embedded", sleep=lambda s: pytest.fail("not retriable"))
    res = svc.complete(ask("y"), temperature=0, max_tokens=8)
    assert not res.ok and res.error == "EmbeddedModelError: ValueError: bad request"
    assert svc.errors == 1 and alive(chat.worker().pid)  # the worker lives on


def test_real_worker_module_reports_python_errors(gguf):
    worker = embedded_mod.worker_for(embedded_mod.worker_command(gguf, 512))
    with pytest.raises(EmbeddedModelError, match="'messages'"):
        worker.request({"messages": "not a list"})
    svc = LLMService(EmbeddedChatModel(gguf_path=gguf, n_ctx=512), "embedded")
    res = svc.complete(ask("hi"), temperature=0, max_tokens=8)  # the GGUF is not a model: loading fails
    assert not res.ok and res.error.startswith("EmbeddedModelError: ") and svc.errors == 1
    assert alive(worker.pid)


def test_requests_are_serialised_and_keep_order(gguf, fake_cmd):
    svc = LLMService(model(gguf, fake_cmd("echo")), "embedded", concurrency=4)
    results = svc.complete_many([ask(f"q{i}") for i in range(12)], temperature=0, max_tokens=8)
    assert [r.text for r in results] == [f"echo: q{i}" for i in range(12)]


def test_worker_is_stopped_when_the_parent_exits(gguf, fake_cmd, tmp_path):
    cmd = fake_cmd("linger")  # ignores the end of its stdin: only the exit finalizer can stop it
    code = textwrap.dedent(f'''
        from agentsft.llm import embedded
        embedded.STOP_TIMEOUT = 0.5
        w = embedded.worker_for({cmd!r})
        w.request({{"messages": [{{"role": "user", "content": "x"}}]}})
        print(w.pid, flush=True)
    ''')
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert not alive(int(out.stdout.strip()))


def test_llama_threads_follow_the_affinity_mask_or_the_override(monkeypatch):
    from agentsft.llm.embedded import cpu_threads

    monkeypatch.delenv("AGENTSFT_THREADS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 3, 5})
    assert cpu_threads() == 3
    monkeypatch.setenv("AGENTSFT_THREADS", "1")
    assert cpu_threads() == 1
    monkeypatch.setenv("AGENTSFT_THREADS", "lots")  # not a number: ignored
    assert cpu_threads() == 3
