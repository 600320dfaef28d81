"""Build the LLM service for a config and open the run (the factory of services for the CLI)."""

from __future__ import annotations

from agentsft.config import RunConfig
from agentsft.graph.run import GrowRun
from agentsft.io import read_seed_files
from agentsft.llm import LLMService, RequestCache, make_chat_model
from agentsft.store import RunStore


def make_llm(cfg: RunConfig, cache_path) -> tuple[LLMService, str]:
    chat, desc = make_chat_model(model=cfg.model, base_url=cfg.base_url, temperature=cfg.temperature,
                                 max_tokens=cfg.max_tokens, timeout=cfg.timeout, seed=cfg.seed)
    model_id = desc.split(" (")[0]
    return LLMService(chat, model_id, RequestCache(cache_path), concurrency=cfg.concurrency), desc


def open_run(cfg: RunConfig) -> GrowRun:
    seeds = read_seed_files(cfg.seeds, cfg.seed_format, None)  # bad input fails before anything is written
    store = RunStore(cfg.out, lock=True)  # a second process on this directory stops here, having written nothing
    try:
        llm, desc = make_llm(cfg, store.cache_path)
        return GrowRun(cfg, llm, desc, seeds=seeds, store=store)
    except BaseException:
        store.close()
        raise
