"""Pick the chat model: an OpenAI-compatible endpoint when configured, else the embedded GGUF."""

from __future__ import annotations

import os

from langchain_core.language_models import BaseChatModel

from agentsft.llm.embedded import EmbeddedChatModel, locate_gguf

OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
LOCAL_DEFAULT_MODEL = "local"
DUMMY_KEY = "not-needed"
EMBEDDED = "embedded"


def _embedded(model: str | None, temperature: float, max_tokens: int, seed: int | None, why: str):
    path = locate_gguf(model if model and model.endswith(".gguf") else None)
    chat = EmbeddedChatModel(gguf_path=path, temperature=temperature, max_tokens=max_tokens, seed=seed)
    return chat, f"embedded llama.cpp: {path.name} ({why})"


def _compat_class():
    from langchain_openai import ChatOpenAI

    class CompatChatOpenAI(ChatOpenAI):
        """ChatOpenAI for self-hosted servers: sends ``max_tokens``, which llama.cpp, vLLM and
        Ollama honour, instead of ``max_completion_tokens`` (silently ignored by some)."""

        def _get_request_payload(self, input_, *, stop=None, **kwargs):
            payload = super()._get_request_payload(input_, stop=stop, **kwargs)
            if "max_completion_tokens" in payload:
                payload["max_tokens"] = payload.pop("max_completion_tokens")
            return payload

    return CompatChatOpenAI


def _openai(model: str, base_url: str | None, api_key: str, temperature: float, max_tokens: int,
            timeout: float, seed: int | None):
    from langchain_openai import ChatOpenAI

    cls = _compat_class() if base_url and "api.openai.com" not in base_url else ChatOpenAI
    chat = cls(model=model, base_url=base_url, api_key=api_key, temperature=temperature,
                      max_tokens=max_tokens, timeout=timeout, max_retries=0, seed=seed)
    return chat, f"OpenAI-compatible: {model} at {base_url or 'https://api.openai.com/v1'}"


def make_chat_model(
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    temperature: float = 0.7,
    max_tokens: int = 512,
    timeout: float = 60.0,
    seed: int | None = None,
) -> tuple[BaseChatModel, str]:
    """Return ``(chat_model, description)``.

    ``base_url``/``api_key`` fall back to ``OPENAI_BASE_URL``/``OPENAI_API_KEY``.
    With neither, or with ``model="embedded"`` (or a ``*.gguf`` path), the embedded
    llama.cpp model is used. ChatOpenAI never retries itself: LLMService does.
    """
    if model == EMBEDDED or (model or "").endswith(".gguf"):
        return _embedded(model, temperature, max_tokens, seed, f"model={model}")
    base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    api_key = api_key or os.environ.get("OPENAI_API_KEY") or None
    if not base_url and not api_key:
        return _embedded(None, temperature, max_tokens, seed, "no endpoint configured")
    name = model or (LOCAL_DEFAULT_MODEL if base_url else OPENAI_DEFAULT_MODEL)
    return _openai(name, base_url, api_key or DUMMY_KEY, temperature, max_tokens, timeout, seed)
