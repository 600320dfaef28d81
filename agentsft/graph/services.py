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
    demo_seeds: list[SeedTask] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)

    def __post_init__(self) -> None:
        same_lang = [s for s in self.seeds if (s.lang or self.lang) == self.lang] or list(self.seeds)
        types = self.cfg.propose.demo_types
        typed = [s for s in same_lang if s.task_type in types] if types else same_lang
        self.demo_seeds = typed or same_lang
