"""Branches of a mixed recipe: which one a round serves, and the seeds it shows as demos.

A recipe's top-level ``propose`` and ``stages`` are the ``main`` branch; ``mix:`` adds others (reasoning,
tool use, dialogue...) with their share of the accepted samples. Each round serves one branch: the one furthest
below its share, so the mix is reached during generation. A branch whose last rounds all failed to accept
anything yields to the others for a while (a model that cannot make dialogues must not stall the run).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from agentsft.config import ConfigError, ProposeConfig, RunConfig
from agentsft.schema import SeedTask
from agentsft.steps.stages import BoundStage, resolve_stages

MAIN = "main"
STARVED_AFTER = 3  # rounds in a row without an accepted sample


@dataclass(frozen=True)
class Branch:
    name: str
    share: float
    propose: ProposeConfig
    stages: list[BoundStage]

    def node(self, stage: BoundStage) -> str:
        """Graph node name of one of its stages (the main branch keeps the bare names)."""
        return stage.name if self.name == MAIN else f"{self.name}.{stage.name}"

    @property
    def entry(self) -> str:
        return self.node(self.stages[0]) if self.stages else "commit"


def resolve_branches(cfg: RunConfig) -> list[Branch]:
    where = str(cfg.recipe or "config")
    rest = sum(b.share for b in cfg.mix.values())
    out = [Branch(MAIN, max(0.0, 1.0 - rest), cfg.propose, resolve_stages(cfg.stages, where))]
    for name, b in cfg.mix.items():
        if not name.isidentifier():
            raise ConfigError(f"{where}: mix branch name '{name}' must be a plain identifier")
        out.append(Branch(name, b.share, b.propose, resolve_stages(b.stages, f"{where} (mix.{name})")))
    return [b for b in out if b.share > 0]


def branch_of(provenance_branch: str) -> str:
    return provenance_branch or MAIN


def _starved(name: str, rounds: list[dict]) -> bool:
    mine = [r for r in rounds if r.get("branch", MAIN) == name][-STARVED_AFTER:]
    return len(mine) == STARVED_AFTER and not any(r.get("accepted") for r in mine)


def choose_branch(branches: list[Branch], accepted: Counter, rounds: list[dict]) -> Branch:
    """The branch furthest below its share of the accepted samples (starved branches only when all are)."""
    if len(branches) == 1:
        return branches[0]
    total = sum(accepted.values()) + 1
    fed = [b for b in branches if not _starved(b.name, rounds)] or branches
    return max(fed, key=lambda b: b.share * total - accepted.get(b.name, 0))


def demo_seeds(seeds: list[SeedTask], lang: str, propose: ProposeConfig) -> list[SeedTask]:
    """The seeds a branch shows: those of the run's language, of the branch's demo types when it names any."""
    same_lang = [s for s in seeds if (s.lang or lang) == lang] or list(seeds)
    types = propose.demo_types
    typed = [s for s in same_lang if s.task_type in types] if types else same_lang
    return typed or same_lang
