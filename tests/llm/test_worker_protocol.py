"""The worker side of the embedded model: one JSON request line in, one JSON reply line out."""

import io
import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from agentsft.llm import worker


def echo(request: dict) -> dict:
    return {"echo": request}


def test_check_request_keeps_known_keys_only():
    req = {"messages": [{"role": "user", "content": "hi"}], "temperature": 0.1, "max_tokens": 5,
           "stop": None, "seed": 3, "logits_processor": "x", "model_path": "/etc/passwd"}
    assert worker.check_request(req) == {"messages": req["messages"], "temperature": 0.1, "max_tokens": 5, "seed": 3}


@pytest.mark.parametrize("bad", [[1, 2], "text", {"messages": "hi"}, {"messages": ["hi"]}, {}])
def test_check_request_rejects_bad_shapes(bad):
    with pytest.raises(ValueError):
        worker.check_request(bad)


def test_answer_turns_errors_into_replies():
    ok = worker.answer(json.dumps({"messages": [], "max_tokens": 4}), echo)
    assert ok == {"ok": True, "result": {"echo": {"messages": [], "max_tokens": 4}}}
    assert worker.answer("{not json", echo)["error"].startswith("JSONDecodeError:")
    boom = worker.answer(json.dumps({"messages": []}), lambda r: {}["missing"])
    assert boom == {"ok": False, "error": "KeyError: 'missing'"}


def test_serve_answers_one_line_per_request_and_skips_blank_lines():
    out = io.StringIO()
    lines = [json.dumps({"messages": [{"role": "user", "content": "多行\n文本"}]}) + "\n", "\n", "[]\n"]
    assert worker.serve(lines, out, echo) == 2
    replies = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(replies) == 2
    assert replies[0]["result"]["echo"]["messages"][0]["content"] == "多行\n文本"
    assert replies[1]["ok"] is False


def test_native_output_on_stdout_cannot_corrupt_replies(tmp_path):
    code = textwrap.dedent('''
        import os, sys
        from agentsft.llm import worker
        def noisy(*args):
            def complete(request):
                print("python noise")
                sys.stdout.flush()
                os.write(1, b"native noise\\n")  # what llama.cpp printing to fd 1 looks like
                return {"args": [str(a) for a in args]}
            return complete
        worker.llama_completer = noisy
        sys.exit(worker.main(["m.gguf", "--n-ctx", "256", "--seed", "4"]))
    ''')
    requests = json.dumps({"messages": []}) + "\n" + json.dumps({"messages": []}) + "\n"
    proc = subprocess.run([sys.executable, "-c", code], input=requests, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    replies = [json.loads(line) for line in proc.stdout.splitlines()]
    assert replies == [{"ok": True, "result": {"args": ["m.gguf", "256", "4"]}}] * 2
    assert proc.stderr.count("native noise") == 2 and "python noise" in proc.stderr


def _gone(pid: int) -> bool:
    """No such process, or only a zombie left of it."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("after", [0.0, 2.5])  # while it imports / inside its generation
def test_worker_ends_when_its_parent_is_killed(after):
    worker_code = textwrap.dedent('''
        import sys, time
        from agentsft.llm import worker
        worker.llama_completer = lambda *a: (lambda request: time.sleep(120) or {})  # a very long generation
        sys.exit(worker.main(["m.gguf"]))
    ''')
    parent_code = textwrap.dedent(f'''
        import os, signal, sys, threading, time
        from agentsft.llm.embedded import WorkerProcess
        w = WorkerProcess([sys.executable, "-c", {worker_code!r}])
        threading.Thread(target=w.request, args=({{"messages": []}},), daemon=True).start()
        while w.pid is None:
            time.sleep(0.01)
        print(w.pid, w.log, flush=True)
        time.sleep({after})
        os.kill(os.getpid(), signal.SIGKILL)  # the parent dies without any clean-up
    ''')
    parent = subprocess.run([sys.executable, "-c", parent_code], capture_output=True, text=True, timeout=60)
    assert parent.returncode == -9
    pid, log = parent.stdout.split()
    deadline = time.monotonic() + 15
    while not _gone(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(int(pid)), "the orphaned worker kept running"
    assert not os.path.exists(log)  # its log went with it
