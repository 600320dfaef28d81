"""Ctrl-C during LLM calls: queued calls are dropped and a local model is stopped mid-generation."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest
from fakes import ScriptedChat

from agentsft.llm import EmbeddedModelCrashed, LLMService, RequestCache
from agentsft.llm.embedded import WorkerProcess


class StuckChat(ScriptedChat):
    """Every call blocks until ``abort`` is called (as a local model generating for a long time)."""

    released: object = None
    aborted: int = 0

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.released.wait(60)
        return super()._generate(messages, stop, run_manager, **kwargs)

    def abort(self) -> None:
        self.aborted += 1
        self.released.set()


def test_ctrl_c_aborts_the_model_and_returns_at_once():
    chat = StuckChat(released=threading.Event())
    llm = LLMService(chat, "stuck", RequestCache(":memory:"), concurrency=2)
    threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        llm.complete_many([[{"role": "user", "content": f"task {i}"}] for i in range(8)],
                          temperature=0.0, max_tokens=8)
    assert chat.aborted == 1
    assert time.monotonic() - start < 10
    assert chat.calls <= 4  # the queued calls were dropped, not run after the abort


def test_worker_kill_wakes_the_waiting_request(tmp_path):
    script = tmp_path / "slow_worker.py"
    script.write_text("import sys, time\nfor line in sys.stdin:\n    time.sleep(60)\n", encoding="utf-8")
    worker = WorkerProcess([sys.executable, str(script)], "slow fake")
    errors = []

    def ask() -> None:
        try:
            worker.request({"messages": [{"role": "user", "content": "hi"}]})
        except EmbeddedModelCrashed as exc:
            errors.append(str(exc))

    asker = threading.Thread(target=ask)
    asker.start()
    end = time.monotonic() + 10
    while worker.pid is None and time.monotonic() < end:
        time.sleep(0.02)
    time.sleep(0.2)
    worker.kill()
    asker.join(10)
    assert not asker.is_alive() and errors and "SIGKILL" in errors[0]
    with pytest.raises(EmbeddedModelCrashed):
        worker.request({"messages": []})  # no restart loop after it died
