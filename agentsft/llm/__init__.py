"""LLM access: model choice (endpoint or embedded GGUF), request cache and the retrying service."""

from agentsft.llm.cache import RequestCache, cache_key
from agentsft.llm.embedded import EmbeddedChatModel, ModelNotFound, locate_gguf
from agentsft.llm.factory import make_chat_model
from agentsft.llm.service import LLMResult, LLMService, is_retriable

__all__ = [
    "EmbeddedChatModel",
    "LLMResult",
    "LLMService",
    "ModelNotFound",
    "RequestCache",
    "cache_key",
    "is_retriable",
    "locate_gguf",
    "make_chat_model",
]
