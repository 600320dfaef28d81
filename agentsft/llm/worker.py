"""The embedded model's worker process: llama.cpp runs here, so a native crash only kills this process.

``python -m agentsft.llm.worker MODEL.gguf [--n-ctx N] [--seed S]`` reads one JSON request per line
on stdin and writes one JSON reply per line on stdout, until stdin closes:

* request: ``{"messages": [...], "temperature": .., "max_tokens": .., "stop": [...]|null, "seed": ..}``
* reply: ``{"ok": true, "result": <llama.cpp chat completion>}`` or
  ``{"ok": false, "error": "ValueError: ..."}`` for an ordinary Python error (bad request, a file
  llama.cpp cannot load). The model is loaded on the first request.

The protocol owns the real stdout: file descriptor 1 is pointed at stderr before llama.cpp is
imported, so anything the native library prints cannot corrupt a reply. When the parent dies (even
by SIGKILL) the worker ends within about a second, also in the middle of a generation: a watchdog
thread notices that it has been re-parented (the end of stdin alone would only be seen after the
generation).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from agentsft.llm.embedded import LOG_ENV, PARENT_ENV

ALLOWED_KEYS = ("messages", "temperature", "max_tokens", "stop", "seed", "response_format")


def check_request(request: Any) -> dict[str, Any]:
    """The request's known keys, after checking its shape (raises ValueError when it is wrong)."""
    if not isinstance(request, dict):
        raise ValueError(f"a request must be a JSON object, not {type(request).__name__}")
    messages = request.get("messages")
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise ValueError("a request needs 'messages': a list of {role, content} objects")
    return {k: request[k] for k in ALLOWED_KEYS if request.get(k) is not None}


def answer(line: str, complete: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    """The reply to one request line; a Python error becomes ``{"ok": false, "error": ...}``."""
    try:
        return {"ok": True, "result": complete(check_request(json.loads(line)))}
    except Exception as exc:  # noqa: BLE001 - every ordinary error goes back to the parent
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def serve(lines: Iterable[str], out: TextIO, complete: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    """Answer every non-blank line; returns how many were answered."""
    answered = 0
    for line in lines:
        if not line.strip():
            continue
        out.write(json.dumps(answer(line, complete), default=str) + "\n")
        out.flush()
        answered += 1
    return answered


def llama_completer(gguf: Path, n_ctx: int, seed: int | None) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A completion function that loads the model on its first use."""

    def complete(request: dict[str, Any]) -> dict[str, Any]:
        from agentsft.llm.embedded import load_llama

        llama, _ = load_llama(gguf, n_ctx, seed)
        return llama.create_chat_completion(**request)

    return complete


def exit_with_parent(interval: float = 1.0) -> threading.Thread:
    """Start a daemon thread that ends this process as soon as its parent process is gone.

    The parent is ``$AGENTSFT_WORKER_PARENT`` (set by the parent: it may die while we still import),
    else our parent now. ``$AGENTSFT_WORKER_LOG``, our stderr log, is removed first."""
    parent = int(os.environ.get(PARENT_ENV) or os.getppid())

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        try:
            os.unlink(os.environ.get(LOG_ENV) or "")
        except OSError:
            pass
        os._exit(3)

    thread = threading.Thread(target=watch, name="exit-with-parent", daemon=True)
    thread.start()
    return thread


def _protocol_stdout() -> TextIO:
    """A private copy of stdout for replies; fd 1 then goes to stderr."""
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agentsft.llm.worker")
    parser.add_argument("gguf", type=Path)
    parser.add_argument("--n-ctx", type=int, default=2048)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    exit_with_parent()
    out = _protocol_stdout()
    stdin = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)
    serve(stdin, out, llama_completer(args.gguf, args.n_ctx, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
