"""Pick the chat model: a LangChain chat class named by import path, an OpenAI-compatible endpoint when
configured, else the embedded GGUF."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
from typing import Any

from langchain_core.language_models import BaseChatModel
from pydantic import ValidationError

from agentsft.config import ConfigError
from agentsft.llm.embedded import EmbeddedChatModel, locate_gguf

OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
LOCAL_DEFAULT_MODEL = "local"
DUMMY_KEY = "not-needed"
EMBEDDED = "embedded"

# "package.module:ClassName": dotted identifiers, one colon, one identifier. Nothing else is ever imported.
PROVIDER_PATH = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*$")
# kwargs that would put a secret into the recipe, the manifest and the cache key: use api_key_env instead
_SECRET = re.compile(r"(?:^|_)(?:key|secret|token|password|passwd|credentials?)$", re.I)
_NAME_KEYS = ("model", "model_name", "model_id", "repo_id", "deployment_name")
# our sampling parameters -> field names chat classes use for them (first one the class declares wins)
SAMPLING_FIELDS: dict[str, tuple[str, ...]] = {
    "temperature": ("temperature",),
    "max_tokens": ("max_tokens", "max_completion_tokens", "max_output_tokens", "num_predict", "max_new_tokens"),
    "seed": ("seed", "random_seed"),
}


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


# -- any LangChain chat class, by import path ---------------------------------------------------------------
def load_provider(path: str, where: str = "config") -> type[BaseChatModel]:
    """Import ``"package.module:ClassName"`` and check it is a LangChain chat model class."""
    if not isinstance(path, str) or not PROVIDER_PATH.match(path):
        raise ConfigError(f"{where}: provider must look like 'package.module:ChatClass', got {path!r}")
    module_name, attr = path.split(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - ImportError or the module's own failure: the recipe's problem
        hint = f" (pip install {module_name.split('.')[0].replace('_', '-')}?)" if isinstance(exc, ImportError) else ""
        raise ConfigError(f"{where}: provider '{path}' does not import: {type(exc).__name__}: {exc}{hint}") from None
    cls = getattr(module, attr, None)
    if cls is None:
        raise ConfigError(f"{where}: provider '{path}': module {module_name} has no attribute {attr}")
    if not (isinstance(cls, type) and issubclass(cls, BaseChatModel)):
        raise ConfigError(f"{where}: provider '{path}' is not a LangChain chat model class (a BaseChatModel "
                          f"subclass), it is {type(cls).__name__}")
    return cls


def _field_names(cls: type) -> dict[str, str]:
    """name or alias -> field name, for every pydantic field of ``cls``."""
    out: dict[str, str] = {}
    for name, info in getattr(cls, "model_fields", {}).items():
        out[name] = name
        if isinstance(info.alias, str):
            out.setdefault(info.alias, name)
    return out


def provider_model_id(path: str, kwargs: dict[str, Any]) -> str:
    """A stable, secret-free id for the cache key and the run's fingerprint: the class, its model name and a
    digest of the other kwargs (``#xxxxxxxx``) that shape its answers."""
    name = next((str(kwargs[k]) for k in _NAME_KEYS if kwargs.get(k) is not None), "")
    rest = {k: v for k, v in kwargs.items() if k not in _NAME_KEYS and not _SECRET.search(k)}
    digest = hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()[:8] if rest else ""
    return " ".join(p for p in (path, name, f"#{digest}" if digest else "") if p).replace(" (", " ")


def check_provider_kwargs(kwargs: dict[str, Any], where: str) -> None:
    """Keys are never stored: a kwarg that looks like a secret is refused (name it with api_key_env)."""
    secret = sorted(k for k in kwargs if _SECRET.search(k))
    if secret:
        raise ConfigError(f"{where}: kwargs {', '.join(secret)} look like secrets and would be stored in the run's "
                          "manifest; put the key in an environment variable and name it with api_key_env")


def make_provider_model(path: str, kwargs: dict[str, Any] | None = None, *, api_key: str | None = None,
                        temperature: float = 0.7, max_tokens: int = 512, timeout: float = 60.0,
                        seed: int | None = None, where: str = "config") -> tuple[BaseChatModel, str]:
    """Build ``path``'s chat class with ``kwargs``. The run's sampling settings (temperature, max tokens, seed),
    ``timeout`` and ``max_retries=0`` (LLMService retries) fill the fields the class declares and the kwargs
    leave unset; ``api_key`` goes to its ``api_key`` field."""
    kwargs = dict(kwargs or {})
    check_provider_kwargs(kwargs, where)
    cls = load_provider(path, where)
    fields = _field_names(cls)
    model_id = provider_model_id(path, kwargs)
    given = {fields.get(k, k) for k in kwargs}  # field names the kwargs set (by name or alias)
    run_values = {"temperature": temperature, "max_tokens": max_tokens, "seed": seed}
    defaults = [(next((f for f in theirs if f in fields), None), run_values[ours])
                for ours, theirs in SAMPLING_FIELDS.items()]
    for name, value in [*defaults, ("timeout", timeout), ("request_timeout", timeout), ("max_retries", 0)]:
        if name in fields and value is not None and fields[name] not in given:
            kwargs[name] = value  # the key as the class declares it (a name, or an alias it always accepts)
            given.add(fields[name])
    if api_key is not None:
        if "api_key" not in fields:
            raise ConfigError(f"{where}: provider '{path}' takes no api_key; drop api_key_env (the class reads "
                              "its own environment variable)")
        kwargs["api_key"] = api_key
    try:
        chat = cls(**kwargs)
    except (ValidationError, TypeError, ValueError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        detail = (f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}" if first else str(exc)).splitlines()[0]
        raise ConfigError(f"{where}: provider '{path}' rejected its kwargs: {detail}") from None
    return chat, f"{model_id} (LangChain provider)"


def sampling_fields(chat: BaseChatModel) -> dict[str, str] | None:
    """How a chat model takes the sampling parameters LLMService sends with each call.

    None: as ``invoke`` keyword arguments (the OpenAI family, the embedded model and any class that declares no
    such field, e.g. test fakes). Otherwise ``{our name: its field}``: the service sets them on a copy of the
    model, since classes such as ChatOllama or ChatAnthropic refuse unknown keyword arguments per call.
    """
    if isinstance(chat, EmbeddedChatModel) or any(c.__name__ == "BaseChatOpenAI" for c in type(chat).__mro__):
        return None
    fields = _field_names(type(chat))
    mapping: dict[str, str] = {}
    for ours, theirs in SAMPLING_FIELDS.items():
        field = next((f for f in theirs if f in fields), None)
        if field:
            mapping[ours] = fields[field]
    return mapping or None


def make_chat_model(
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    temperature: float = 0.7,
    max_tokens: int = 512,
    timeout: float = 60.0,
    seed: int | None = None,
    provider: str | None = None,
    provider_kwargs: dict[str, Any] | None = None,
    where: str = "config",
) -> tuple[BaseChatModel, str]:
    """Return ``(chat_model, description)``.

    ``provider`` ("package.module:ChatClass") builds that LangChain chat class with ``provider_kwargs``
    (``model`` and ``base_url``, when given, join them as ``model`` / ``base_url``); errors are ConfigErrors
    naming ``where``. Otherwise ``base_url``/``api_key`` fall back to ``OPENAI_BASE_URL``/``OPENAI_API_KEY``.
    With neither, or with ``model="embedded"`` (or a ``*.gguf`` path), the embedded llama.cpp model is used.
    ChatOpenAI never retries itself: LLMService does.
    """
    if provider:
        kwargs = dict(provider_kwargs or {})
        for key, value in (("model", model), ("base_url", base_url)):
            if value is not None:
                kwargs.setdefault(key, value)
        return make_provider_model(provider, kwargs, api_key=api_key, temperature=temperature,
                                   max_tokens=max_tokens, timeout=timeout, seed=seed, where=where)
    if model == EMBEDDED or (model or "").endswith(".gguf"):
        return _embedded(model, temperature, max_tokens, seed, f"model={model}")
    base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    api_key = api_key or os.environ.get("OPENAI_API_KEY") or None
    if not base_url and not api_key:
        return _embedded(None, temperature, max_tokens, seed, "no endpoint configured")
    name = model or (LOCAL_DEFAULT_MODEL if base_url else OPENAI_DEFAULT_MODEL)
    return _openai(name, base_url, api_key or DUMMY_KEY, temperature, max_tokens, timeout, seed)
