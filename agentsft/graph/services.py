"""The services injected into graph nodes (built by the CLI, never by a node)."""

from __future__ import annotations

from dataclasses import dataclass, field

from agentsft.config import RunConfig
from agentsft.novelty import NoveltyGate
from agentsft.schema import SeedTask
from agentsft.store import RunStore


@dataclass
class Progress:
    """Where the loop stands, for a display polling from another thread (set as each node starts)."""

    stage: str = "starting"
    round: int = 0
    round_reasons: dict[str, int] = field(default_factory=dict)  # reject counts when the round began

    def enter(self, stage: str, round_no: int, reasons: dict[str, int]) -> None:
        if stage == "propose":
            self.round_reasons = dict(reasons)
        self.stage, self.round = stage, round_no


@dataclass
class Services:
    cfg: RunConfig
    lang: str
    seeds: list[SeedTask]
    store: RunStore
    llm: object  # agentsft.llm.LLMService or anything with model_id and complete_many
    gate: NoveltyGate
    tools: object = None  # agentsft.tools.registry.ToolRegistry for tool-use stages
    llms: dict = field(default_factory=dict)  # name -> LLMService: "main" (= llm) and the recipe's named models
    branches: list = field(default_factory=list)  # agentsft.graph.branches.Branch: the recipe's branches
    demo_seeds: list[SeedTask] = field(default_factory=list)
    scope: object = None  # agentsft.steps.scope.ScopeIndex: the domain's anchor vectors, built on first use
    progress: Progress = field(default_factory=Progress)

    def model(self, name: str):
        """The LLM service called ``name`` ("main" is the run's model)."""
        if name == "main" or not self.llms:
            return self.llm
        return self.llms[name]

    def __post_init__(self) -> None:
        from agentsft.graph.branches import demo_seeds

        self.demo_seeds = demo_seeds(self.seeds, self.lang, self.cfg.propose)  # the main branch's
