"""The stage protocol: one piece of work on a batch, ``(batch, services, settings) -> (kept, rejects)``.

A recipe (``graphs/*.yaml``) names the stages that run between the loop's two fixed ends, proposal and
commit, in order, each with its own settings block::

    stages:
      - screen                        # heuristic filters + novelty gate
      - classify
      - tooluse: {max_calls: 4}       # a stage with settings
      - verify

The grow graph is compiled from that list (``agentsft.graph.build``). Every candidate a stage does not keep
must come back as a ``Reject`` with a reason code from the closed set, so candidates = accepted + rejected
holds whatever the list. A stage sees the services (``svc``: ``cfg``, ``lang``, ``llm``, ``gate``, ``tools``,
``seeds``) and never the graph or the store.

To add a stage: write a function ``my_stage(batch, svc, settings) -> (kept, rejects)`` and a pydantic
settings model with ``extra="forbid"``, and register both under a name with ``register_stage``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from agentsft.config import ConfigError
from agentsft.schema import Candidate, Reject

StageFn = Callable[[list[Candidate], Any, BaseModel], tuple[list[Candidate], list[Reject]]]


class NoSettings(BaseModel):
    """A stage without settings of its own (it reads the run config's shared blocks)."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class StageSpec:
    name: str
    run: StageFn
    settings: type[BaseModel]
    doc: str
    prompts: tuple[str, ...] = ()  # template names it renders (they count in the run's fingerprint)


@dataclass(frozen=True)
class BoundStage:
    """A stage as a recipe configured it."""

    spec: StageSpec
    settings: BaseModel

    @property
    def name(self) -> str:
        return self.spec.name

    def __call__(self, batch: list[Candidate], svc: Any) -> tuple[list[Candidate], list[Reject]]:
        return self.spec.run(batch, svc, self.settings)


def model_of(svc: Any, name: str):
    """The LLM service a stage setting names ('main' = the run's model); services without named models (a
    test's stand-in) give their one ``llm``."""
    pick = getattr(svc, "model", None)
    return pick(name) if callable(pick) else svc.llm


STAGES: dict[str, StageSpec] = {}
RESERVED = ("propose", "commit")  # the loop's fixed ends, never listed


def register_stage(name: str, settings: type[BaseModel] = NoSettings,
                   prompts: tuple[str, ...] = ()) -> Callable[[StageFn], StageFn]:
    """Decorator: make ``fn`` available to recipes as ``name``."""

    def wrap(fn: StageFn) -> StageFn:
        if name in RESERVED:
            raise ValueError(f"'{name}' is one of the loop's fixed ends")
        doc = (fn.__doc__ or "").strip().splitlines()
        STAGES[name] = StageSpec(name, fn, settings, doc[0] if doc else "", prompts)
        return fn

    return wrap


def _entry(item: Any, where: str) -> tuple[str, dict[str, Any]]:
    if isinstance(item, str):
        return item, {}
    if isinstance(item, dict) and len(item) == 1:
        name, settings = next(iter(item.items()))
        if settings is None:
            settings = {}
        if isinstance(name, str) and isinstance(settings, dict):
            return name, settings
    raise ConfigError(f"{where}: each stage is a name or a one-key mapping {{name: {{settings}}}}, got {item!r}")


def resolve_stages(items: list[Any], where: str = "recipe") -> list[BoundStage]:
    """Validate a recipe's stage list: known names, each once, settings valid for their stage."""
    from agentsft.steps import builtin  # noqa: F401  (registers the built-in stages)

    bound, seen = [], set()
    for item in items:
        name, raw = _entry(item, where)
        if name in RESERVED:
            raise ConfigError(f"{where}: stage '{name}' is implicit (every round starts with propose and ends "
                              "with commit); list only the stages in between")
        spec = STAGES.get(name)
        if spec is None:
            raise ConfigError(f"{where}: unknown stage '{name}'; known: {', '.join(sorted(STAGES))}")
        if name in seen:
            raise ConfigError(f"{where}: stage '{name}' is listed twice")
        seen.add(name)
        try:
            bound.append(BoundStage(spec, spec.settings.model_validate(raw)))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or name
            raise ConfigError(f"{where}: stage '{name}' setting '{field}': {err['msg']}") from None
    return bound
