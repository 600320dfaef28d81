"""Smoke generation: prove the embedded llama.cpp model really generates on this CPU.

``python -m agentsft.llm.smoke`` runs the generation in a child process, so a native crash (an
illegal instruction, a SIGSEGV inside ggml) becomes a clear message and exit code 1 instead of a
dead interpreter. The set-up script ends with it, and ``grow`` uses the same child-process check to
explain a crash of the embedded model.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

MIN_TOKENS = 8
PROMPT = "List three colours, one per line."
HINT = (
    "the embedded llama.cpp runtime cannot run on this CPU. Rebuild it without native flags: "
    "`rm -rf ~/.cache/agentsft/wheels && bash scripts/setup.sh` "
    "(or set AGENTSFT_CMAKE_ARGS='-DGGML_NATIVE=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF' for a "
    "plainer build), or point agentsft at a server with --base-url"
)


def describe_exit(code: int) -> str:
    """'exit 3' or 'killed by SIGSEGV' for a child's return code."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}"


def generate_once() -> tuple[str, int, float]:
    """Generate in this process: (text, completion tokens, seconds)."""
    from pathlib import Path

    from agentsft.llm.embedded import load_llama, locate_gguf

    llama, _ = load_llama(Path(locate_gguf()), n_ctx=512, seed=0)
    start = time.perf_counter()
    out = llama.create_chat_completion(
        messages=[{"role": "user", "content": PROMPT}], max_tokens=32, temperature=0.0, seed=0)
    took = time.perf_counter() - start
    text = out["choices"][0]["message"].get("content") or ""
    return text, int((out.get("usage") or {}).get("completion_tokens", 0)), took


def _child() -> int:
    text, tokens, took = generate_once()
    print(f"smoke generation: {tokens} tokens in {took:.2f}s: {text.strip()[:80]!r}", flush=True)
    if tokens < MIN_TOKENS:
        print(f"smoke generation: only {tokens} tokens (need {MIN_TOKENS})", file=sys.stderr)
        return 1
    return 0


def run_smoke(timeout: float = 300.0) -> tuple[bool, str]:
    """Run the smoke generation in a child process: (ok, what happened)."""
    try:
        proc = subprocess.run([sys.executable, "-m", "agentsft.llm.smoke", "--child"],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"smoke generation took longer than {timeout:.0f}s"
    if proc.returncode == 0:
        return True, proc.stdout.strip()
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return False, f"smoke generation {describe_exit(proc.returncode)}: {' | '.join(tail)}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child()
    ok, what = run_smoke()
    if ok:
        print(what)
        return 0
    print(f"error: {what}\nhint: {HINT}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
