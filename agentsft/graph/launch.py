"""Build the LLM service for a config and open the run (the factory of services for the CLI)."""

from __future__ import annotations

import os

from agentsft.config import ConfigError, ModelSpec, RunConfig
from agentsft.graph.run import GrowRun, check_recipe
from agentsft.io import read_seed_files
from agentsft.llm import LLMService, RequestCache, make_chat_model
from agentsft.llm.factory import check_provider_kwargs, load_provider
from agentsft.store import RunStore


def make_llm(cfg: RunConfig, cache_path, model: str | None = None, base_url: str | None = None,
             api_key: str | None = None, cache: RequestCache | None = None,
             spec: ModelSpec | None = None, name: str = "main", built: tuple | None = None) -> tuple[LLMService, str]:
    """The LLM service for the run's model, or for ``spec`` (a named model of the recipe's ``models:``; a
    ``provider`` there is any LangChain chat class, built with only the spec's own model, base_url and kwargs).
    ``built``: the ``(chat, description)`` ``make_chat`` made already."""
    chat, desc = built or make_chat(cfg, model, base_url, api_key, spec, name)
    model_id = desc.split(" (")[0]
    cache = cache if cache is not None else RequestCache(cache_path)  # an empty cache is falsy
    return LLMService(chat, model_id, cache, concurrency=cfg.concurrency), desc


def make_chat(cfg: RunConfig, model: str | None = None, base_url: str | None = None, api_key: str | None = None,
              spec: ModelSpec | None = None, name: str = "main") -> tuple:
    """``(chat model, description)`` for the run's model or a named one (see ``make_llm``)."""
    spec = spec if spec is not None else main_spec(cfg) if name == "main" else None
    if spec is not None:
        model, base_url, api_key = spec.model, spec.base_url, _key(spec, name, cfg) or api_key
    if spec is None or not spec.provider:
        model, base_url = model or cfg.model, base_url or cfg.base_url
    return make_chat_model(model=model, base_url=base_url, api_key=api_key, temperature=cfg.temperature,
                           max_tokens=cfg.max_tokens, timeout=cfg.timeout, seed=cfg.seed,
                           provider=spec.provider if spec else None, provider_kwargs=spec.kwargs if spec else None,
                           where=f"{cfg.recipe or 'config'}: models.{name}")


def make_chats(cfg: RunConfig) -> dict[str, tuple]:
    """Every model of the run built (a provider's kwargs checked by its class) before anything is written."""
    main_spec(cfg)
    return {"main": make_chat(cfg), **{name: make_chat(cfg, spec=spec, name=name)
                                       for name, spec in cfg.models.items() if name != "main"}}


def main_spec(cfg: RunConfig) -> ModelSpec | None:
    """``models: {main: ...}`` names the run's own model (e.g. a provider class); it cannot be given twice."""
    spec = cfg.models.get("main")
    if spec is not None and (cfg.model or cfg.base_url):
        raise ConfigError(f"{cfg.recipe or 'config'}: the run's model is named twice, by models.main and by "
                          "model/base_url (or --model/--base-url); keep one")
    return spec


def _key(spec: ModelSpec, name: str, cfg: RunConfig) -> str | None:
    if not spec.api_key_env:
        return None
    key = os.environ.get(spec.api_key_env)
    if not key and spec.provider:
        raise ConfigError(f"{cfg.recipe or 'config'}: models.{name}: environment variable {spec.api_key_env} "
                          "(api_key_env) is not set")
    return key


def check_providers(cfg: RunConfig) -> None:
    """Every ``provider`` of the recipe's models imports, is a chat class and has no secret in its kwargs."""
    main_spec(cfg)
    for name, spec in cfg.models.items():
        if spec.provider:
            where = f"{cfg.recipe or 'config'}: models.{name}"
            check_provider_kwargs(spec.kwargs, where)
            load_provider(spec.provider, where)


def make_extra_llms(cfg: RunConfig, cache: RequestCache, chats: dict | None = None) -> dict[str, LLMService]:
    """The recipe's named models (``models:``), each its own endpoint or class, sharing the run's request
    cache (``main`` is the run's model: made by ``make_llm``); ``chats``: what ``make_chats`` built."""
    return {name: make_llm(cfg, None, cache=cache, spec=spec, name=name, built=(chats or {}).get(name))[0]
            for name, spec in cfg.models.items() if name != "main"}


def open_run(cfg: RunConfig) -> GrowRun:
    seeds = read_seed_files(cfg.seeds, cfg.seed_format, None, sample=cfg.seed_sample)  # bad input fails before anything is written
    recipe = check_recipe(cfg)  # so does a bad stage list, model or tool name
    check_providers(cfg)  # and a provider class that does not import
    chats = make_chats(cfg)  # and kwargs a provider class rejects (building a model opens no connection)
    if cfg.docs:  # and a document that is missing, unsupported or empty
        from agentsft.docs.readers import read_documents

        read_documents(cfg.docs)
    store = RunStore(cfg.out, lock=True)  # a second process on this directory stops here, having written nothing
    try:
        llm, desc = make_llm(cfg, store.cache_path, built=chats["main"])
        return GrowRun(cfg, llm, desc, seeds=seeds, store=store, extra_llms=make_extra_llms(cfg, llm.cache, chats),
                       recipe=recipe)
    except BaseException:
        store.close()
        raise
