"""Build the LLM service for a config and open the run (the factory of services for the CLI)."""

from __future__ import annotations

import os

from agentsft.config import RunConfig
from agentsft.graph.run import GrowRun, check_recipe
from agentsft.io import read_seed_files
from agentsft.llm import LLMService, RequestCache, make_chat_model
from agentsft.store import RunStore


def make_llm(cfg: RunConfig, cache_path, model: str | None = None, base_url: str | None = None,
             api_key: str | None = None, cache: RequestCache | None = None) -> tuple[LLMService, str]:
    chat, desc = make_chat_model(model=model or cfg.model, base_url=base_url or cfg.base_url, api_key=api_key,
                                 temperature=cfg.temperature, max_tokens=cfg.max_tokens, timeout=cfg.timeout,
                                 seed=cfg.seed)
    model_id = desc.split(" (")[0]
    return LLMService(chat, model_id, cache or RequestCache(cache_path), concurrency=cfg.concurrency), desc


def make_extra_llms(cfg: RunConfig, cache: RequestCache) -> dict[str, LLMService]:
    """The recipe's named models (``models:``), each its own endpoint, sharing the run's request cache."""
    out = {}
    for name, spec in cfg.models.items():
        key = os.environ.get(spec.api_key_env) if spec.api_key_env else None
        out[name], _ = make_llm(cfg, None, spec.model, spec.base_url, key, cache)
    return out


def open_run(cfg: RunConfig) -> GrowRun:
    seeds = read_seed_files(cfg.seeds, cfg.seed_format, None)  # bad input fails before anything is written
    recipe = check_recipe(cfg)  # so does a bad stage list, model or tool name
    store = RunStore(cfg.out, lock=True)  # a second process on this directory stops here, having written nothing
    try:
        llm, desc = make_llm(cfg, store.cache_path)
        return GrowRun(cfg, llm, desc, seeds=seeds, store=store, extra_llms=make_extra_llms(cfg, llm.cache),
                       recipe=recipe)
    except BaseException:
        store.close()
        raise
