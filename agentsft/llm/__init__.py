"""LLM access: model choice (endpoint or embedded GGUF), request cache and the retrying service."""

from agentsft.llm.cache import RequestCache, cache_key
from agentsft.llm.embedded import (
    EmbeddedChatModel,
    EmbeddedModelCrashed,
    EmbeddedModelError,
    ModelNotFound,
    locate_gguf,
    shutdown_workers,
)
from agentsft.llm.factory import make_chat_model
from agentsft.llm.service import LLMResult, LLMService, is_retriable, retry_after_seconds

__all__ = [
    "EmbeddedChatModel",
    "EmbeddedModelCrashed",
    "EmbeddedModelError",
    "LLMResult",
    "LLMService",
    "ModelNotFound",
    "RequestCache",
    "cache_key",
    "is_retriable",
    "locate_gguf",
    "make_chat_model",
    "retry_after_seconds",
    "shutdown_workers",
]
