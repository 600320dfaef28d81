"""LangGraph Studio: graph factories that ``langgraph dev`` serves (declared in ``langgraph.json``).

One graph per recipe in ``graphs/`` (``grow``, ``tooluse``, ``reasoning``, ``dialogue``) and ``default`` (no
recipe). The server calls a factory to draw the graph and read its schemas (no services are built then) and once
per run, with the run's settings (``StudioSettings``: Studio's run/assistant configuration, sent as the run's
``context`` or ``config.configurable``). For a run the factory opens a run directory exactly as ``agentsft grow``
does (seeds, recipe and provider checks, lock, fingerprint, LLM services, novelty gate) and compiles the same
graph with the server's checkpointer instead of ours; when the run ends the manifest is written and the directory
unlocked. A thread is a run directory (default ``runs/studio/<graph>/<thread id>``): running the thread again
continues it, e.g. after raising ``target``.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel, ConfigDict, Field

from agentsft.config import RunConfig, build_config
from agentsft.graph.branches import resolve_branches
from agentsft.graph.build import build_grow_graph

if TYPE_CHECKING:
    from langgraph_sdk.runtime import ServerRuntime

ROOT = Path(__file__).resolve().parents[2]  # the checkout holding graphs/ and seeds/ (langgraph.json's folder)
STUDIO_RUNS = Path("runs/studio")
RECIPES = {"grow": "graphs/grow.yaml", "tooluse": "graphs/tooluse.yaml", "reasoning": "graphs/reasoning.yaml",
           "dialogue": "graphs/dialogue.yaml", "default": None}


class StudioSettings(BaseModel):
    """What a Studio run may set (everything optional: the graph's recipe and agentsft's defaults fill the rest).
    Relative paths are read from the server's working directory, else from the agentsft checkout."""

    model_config = ConfigDict(extra="ignore")

    recipe: str | None = Field(default=None, description="recipe YAML (default: this graph's, e.g. graphs/grow.yaml)")
    seeds: list[str] | None = Field(default=None, description="seed files (default: the recipe's, else seeds/zh.jsonl)")
    lang: Literal["zh", "en"] | None = Field(default=None, description="zh or en (default: the seeds' majority)")
    target: int | None = Field(default=5, ge=1, description="accepted samples to reach (small by default in Studio)")
    out: str | None = Field(default=None, description="run directory (default: runs/studio/<graph>/<thread id>)")
    model: str | None = Field(default=None, description="model name on the server, 'embedded' or a .gguf path")
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    api_key_env: str | None = Field(default=None, description="environment variable of the server holding the key")
    provider: str | None = Field(default=None, description="any LangChain chat class, 'package.module:Class'")
    provider_kwargs: dict[str, Any] = Field(default_factory=dict, description="its keyword arguments (no secrets)")
    concurrency: int | None = Field(default=None, ge=1, le=256, description="LLM calls in flight")
    seed: int | None = Field(default=None, description="demo sampling and generation seed")
    max_candidates: int | None = Field(default=None, ge=1, description="give up after this many candidates")
    force: bool = Field(default=False, description="continue a run directory made with other settings")


def _path(value: str | Path) -> Path:
    """A path as given when it exists from the working directory (or is absolute), else under the checkout."""
    path = Path(value)
    return path if path.is_absolute() or path.exists() or not (ROOT / path).exists() else ROOT / path


def settings_of(config: RunnableConfig | None, context: Any = None) -> StudioSettings:
    """The run's settings: ``config.configurable`` (assistant config, older clients) overlaid by ``context``."""
    raw = {k: v for k, v in ((config or {}).get("configurable") or {}).items() if k in StudioSettings.model_fields}
    if isinstance(context, BaseModel):
        context = context.model_dump(exclude_unset=True)
    raw.update({k: v for k, v in (context or {}).items() if v is not None})
    return StudioSettings.model_validate(raw)


def studio_config(graph_id: str, settings: StudioSettings, thread_id: str | None) -> RunConfig:
    """The RunConfig a Studio run uses, built like the CLI's (recipe, then the settings given, which win)."""
    recipe = settings.recipe or RECIPES.get(graph_id)
    main = None
    if settings.provider or settings.api_key_env:  # a named main model carries what plain flags cannot
        main = {"provider": settings.provider, "kwargs": settings.provider_kwargs, "model": settings.model,
                "base_url": settings.base_url, "api_key_env": settings.api_key_env}
    out = Path(settings.out) if settings.out else STUDIO_RUNS / graph_id / (thread_id or "default")
    flags = dict(seeds=[_path(s) for s in settings.seeds] if settings.seeds else None, lang=settings.lang,
                 target=settings.target, out=out, concurrency=settings.concurrency, seed=settings.seed,
                 max_candidates=settings.max_candidates, force=settings.force or None,
                 model=None if main else settings.model, base_url=None if main else settings.base_url,
                 models={"main": main} if main else None)
    cfg = build_config(_path(recipe) if recipe else None, flags)
    if not settings.seeds:  # the recipe's seed paths, read from the checkout when run elsewhere
        cfg = cfg.model_copy(update={"seeds": [_path(s) for s in cfg.seeds]})
    return cfg


def shape_graph(graph_id: str, settings: StudioSettings):
    """The graph's nodes and edges for drawing and schemas; no services, nothing opened."""
    cfg = studio_config(graph_id, settings, None)
    return build_grow_graph(None, None, resolve_branches(cfg), context_schema=StudioSettings)


def open_studio_run(graph_id: str, settings: StudioSettings, thread_id: str | None):
    """A run directory opened as ``agentsft grow`` opens it, and its graph without our checkpointer."""
    from agentsft.graph.launch import open_run

    run = open_run(studio_config(graph_id, settings, thread_id))
    try:
        app = build_grow_graph(run.svc, None, run.branches, context_schema=StudioSettings)
        run.write_manifest("running")
    except BaseException:
        run.store.close()
        raise
    return run, app


def close_studio_run(run) -> None:
    """Write the manifest with the counts and release the run directory."""
    from agentsft.graph.nodes import stop_reason

    try:
        run.finish(stop=stop_reason({}, run.svc) or "stopped in Studio before the target (run the thread again "
                   "to continue)")
    finally:
        run.store.close()
        conn = getattr(run.checkpointer, "conn", None)  # GrowRun's own checkpointer, unused under the server
        if conn is not None:
            conn.close()


def user_errors() -> tuple[type[BaseException], ...]:
    """Errors that are the user's to fix (``agentsft grow`` prints them as ``error: ...``, exit 2)."""
    from agentsft.config import ConfigError
    from agentsft.io import InputError
    from agentsft.llm import ModelNotFound
    from agentsft.store import StoreError

    return ConfigError, InputError, StoreError, ModelNotFound


def make_factory(graph_id: str):
    """The factory ``langgraph dev`` calls for ``graph_id`` (an async context manager: the run directory stays
    open, and locked, for as long as the server runs the graph)."""

    @asynccontextmanager
    async def factory(config: RunnableConfig, runtime: ServerRuntime):
        execution = runtime.execution_runtime
        settings = settings_of(config, execution.context if execution is not None else None)
        if execution is None:  # drawing, schemas, state reads: same nodes and edges, no services
            try:
                graph = await asyncio.to_thread(shape_graph, graph_id, settings)
            except user_errors() as exc:
                raise ValueError(f"{type(exc).__name__}: {exc}") from exc
            yield graph
            return
        thread_id = ((config or {}).get("configurable") or {}).get("thread_id")
        try:
            run, app = await asyncio.to_thread(open_studio_run, graph_id, settings,
                                               str(thread_id) if thread_id else None)
        except user_errors() as exc:  # the server shows a ValueError's message; its own class it hides
            raise ValueError(f"{type(exc).__name__}: {exc}") from exc
        try:
            yield app
        finally:
            await asyncio.to_thread(close_studio_run, run)

    factory.__name__ = factory.__qualname__ = graph_id
    return factory


grow = make_factory("grow")
tooluse = make_factory("tooluse")
reasoning = make_factory("reasoning")
dialogue = make_factory("dialogue")
default = make_factory("default")
