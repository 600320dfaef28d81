"""Prepare and drive one grow run: services, store, checkpointer, manifest. The CLI only displays."""

from __future__ import annotations

import platform
import time
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from agentsft import __version__
from agentsft.config import ConfigError, RunConfig
from agentsft.graph.build import build_grow_graph, open_checkpointer, pending, run_config
from agentsft.graph.services import Services
from agentsft.io import read_seed_files
from agentsft.io.stream import content_sha256
from agentsft.novelty import make_gate
from agentsft.prompts import prompt_digest
from agentsft.schema import Candidate, Usage
from agentsft.steps.commit import commit_batch
from agentsft.graph.branches import resolve_branches
from agentsft.store import RunStore

PACKAGES = ("langgraph", "langchain-core", "langchain-openai", "openai", "pydantic", "llama_cpp_python", "sympy")


def file_sha256(path: Path) -> str:
    return content_sha256(path)  # read in blocks (a big seed pool) and folders (save_to_disk) too


def versions() -> dict[str, str]:
    out = {"agentsft": __version__, "python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def tool_registry(paths: list[str]):
    """The calculator plus the recipe's tools (import paths); a bad path is a config error."""
    from agentsft.tools.registry import default_registry

    registry = default_registry()
    for path in paths:
        try:
            registry.register_path(path)
        except Exception as exc:  # noqa: BLE001 - any import or schema problem is the recipe's
            raise ConfigError(f"tools: cannot register '{path}': {exc}") from None
    return registry


def check_recipe(cfg: RunConfig):
    """The recipe's branches and tool registry, every name checked (ConfigError before anything is written)."""
    branches = resolve_branches(cfg)
    stages = [stage for b in branches for stage in b.stages]
    check_stage_models(stages, cfg)
    tools = tool_registry(cfg.tools)
    check_stage_tools(stages, tools, cfg)
    return branches, tools


def check_stage_models(stages, cfg: RunConfig) -> None:
    """Every model a stage names is 'main' or in the recipe's ``models`` block (or came with --model)."""
    known = {"main", *cfg.models}
    for stage in stages:
        named = [*(getattr(stage.settings, "models", None) or []),
                 *(getattr(stage.settings, f, None) for f in ("user_model", "assistant_model", "model"))]
        unknown = [m for m in named if m and m not in known]
        if unknown:
            raise ConfigError(f"{cfg.recipe or 'config'}: stage '{stage.name}' names unknown model(s) "
                              f"{', '.join(unknown)}; known: {', '.join(sorted(known))}")


def check_stage_tools(stages, registry, cfg: RunConfig) -> None:
    """Every tool a stage offers is registered (the calculator, or the recipe's ``tools:``)."""
    for stage in stages:
        unknown = [t for t in getattr(stage.settings, "tools", None) or [] if not registry.has(t)]
        if unknown:
            raise ConfigError(f"{cfg.recipe or 'config'}: stage '{stage.name}' offers unknown tool(s) "
                              f"{', '.join(unknown)}; registered: {', '.join(registry.names())}")


def majority_lang(seeds) -> str:
    counts = Counter(s.lang or "en" for s in seeds)
    return counts.most_common(1)[0][0]


@dataclass
class Summary:
    candidates: int
    accepted: int
    rejected: int
    reasons: dict[str, int]
    stop: str
    usage: dict
    seconds: float

    @property
    def consistent(self) -> bool:
        return self.candidates == self.accepted + self.rejected


class GrowRun:
    """One run directory, ready to start or continue."""

    def __init__(self, cfg: RunConfig, llm, model_desc: str, gate=None, seeds=None, store: RunStore | None = None,
                 extra_llms: dict | None = None, recipe: tuple | None = None):
        self.cfg = cfg
        self.seeds = seeds if seeds is not None else read_seed_files(cfg.seeds, cfg.seed_format, None,
                                                                     sample=cfg.seed_sample)
        self.lang = cfg.lang or majority_lang(self.seeds)
        self.llm = llm
        self.llms = {"main": llm, **(extra_llms or {})}
        self.branches, tools = recipe if recipe is not None else check_recipe(cfg)
        self.stages = [stage for b in self.branches for stage in b.stages]
        self.store = store if store is not None else RunStore(cfg.out, lock=True)
        self.resolved = self.inputs()  # hashed once: the fingerprint and every manifest write use it
        self.fingerprint = cfg.fingerprint(self.resolved)
        try:
            self.store.check_fingerprint(self.fingerprint, cfg.force)
        except Exception:
            self.store.close()
            raise
        self.model_desc = model_desc
        self.gate = gate if gate is not None else make_gate(cfg.novelty, cfg.out)
        for s in self.seeds:
            self.gate.add(s.id, s.instruction)
        for s in self.store.samples:
            self.gate.add(s.id, s.instruction)
        self.svc = Services(cfg, self.lang, self.seeds, self.store, llm, self.gate, tools=tools,
                            llms=self.llms, branches=self.branches)
        self.checkpointer = open_checkpointer(self.store.checkpoint_path)
        self.app = build_grow_graph(self.svc, self.checkpointer, self.branches)
        self.started = time.time()
        prior = self.store.read_manifest() or {}
        self.prior_usage = Usage.model_validate(prior.get("usage_total", {}))
        self.prior_seconds = float(prior.get("seconds") or 0.0)  # working time of the earlier sessions of this run

    def inputs(self) -> dict:
        """What the run resolved that shapes its data (goes into the fingerprint)."""
        inputs = {"seeds": [file_sha256(p) for p in self.cfg.seeds], "lang": self.lang, "model": self.llm.model_id,
                  "prompts": prompt_digest(self.lang, self.cfg.prompt_version, self.prompt_names())}
        if self.cfg.docs:  # documents count by content, like seeds: an edited document is a different run
            from agentsft.docs.readers import resolve_paths

            inputs["docs"] = [file_sha256(p) for p in resolve_paths(self.cfg.docs)]
        if len(self.llms) > 1:
            inputs["models"] = {name: llm.model_id for name, llm in sorted(self.llms.items())}
        return inputs

    def prompt_names(self) -> tuple[str, ...]:
        """The templates this run renders: the proposal's and its stages'."""
        proposals = {b.propose.prompt for b in self.branches} | ({"propose_balanced"} if self.cfg.balance else set())
        return tuple(sorted(proposals | {p for s in self.stages for p in s.spec.prompts}))

    @property
    def nodes(self) -> int:
        """Nodes a round passes through at most (propose, the longest branch, commit)."""
        return max(len(b.stages) for b in self.branches) + 2

    def state(self) -> dict:
        return dict(self.app.get_state(run_config(1, self.nodes)).values)

    def run(self) -> Summary:
        """Start or continue the loop until it stops; the directory lock is released however it ends."""
        try:
            self.write_manifest("running")
            rounds = self.cfg.candidate_budget // max(1, self.cfg.batch_size) + 2
            inputs = None if pending(self.app) else {"batch": [], "stop": ""}
            if self.store.accepted >= self.cfg.target:  # also with a pending checkpoint: a lowered --target
                self._settle_leftovers()
                return self.finish(stop="target reached")
            for _ in self.app.stream(inputs, run_config(rounds, self.nodes), stream_mode="updates"):
                pass  # each node reports through svc.progress; the display polls it
            return self.finish()
        finally:
            self.store.close()

    def _settle_leftovers(self) -> None:
        """Candidates left in flight by a run that reached its target before it stopped become rejects."""
        leftovers = [Candidate.model_validate(c) for c in self.store.orphans()]
        for rej in commit_batch(leftovers, self.store, self.gate, self.cfg.target):
            self.store.reject(rej)

    def summary(self, stop: str | None = None) -> Summary:
        stop = stop or self.state().get("stop") or "target reached"
        return Summary(
            candidates=self.store.candidates, accepted=self.store.accepted, rejected=self.store.rejected,
            reasons=dict(self.store.reasons), stop=stop,
            usage=self.usage().model_dump(), seconds=round(time.time() - self.started, 2),
        )

    def usage(self) -> Usage:
        """Token usage so far: earlier sessions of this run plus every model of this one."""
        total = self.prior_usage
        for llm in self.llms.values():
            total = total.add(llm.usage)
        return total

    def finish(self, stop: str | None = None) -> Summary:
        flush = getattr(self.gate, "flush", None)
        if flush:
            flush()
        summary = self.summary(stop)
        self.write_manifest("complete" if self.store.accepted >= self.cfg.target else "stopped", summary)
        return summary

    def write_manifest(self, status: str, summary: Summary | None = None) -> None:
        old = self.store.read_manifest() or {}
        data = {
            "status": status,
            "fingerprint": self.fingerprint,
            "inputs": self.resolved,
            "config": self.cfg.model_dump(mode="json"),
            "lang": self.lang,
            "model": self.model_desc,
            "model_id": self.llm.model_id,
            "versions": versions(),
            "seeds": {str(p): digest for p, digest in zip(self.cfg.seeds, self.resolved["seeds"])},
            "seed_count": len(self.seeds),
            "created": old.get("created", time.strftime("%Y-%m-%dT%H:%M:%S%z")),
            "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        if summary is not None:
            data.update(counts={"candidates": summary.candidates, "accepted": summary.accepted,
                                "rejected": summary.rejected, "consistent": summary.consistent},
                        reasons=summary.reasons, stop=summary.stop, usage_total=summary.usage,
                        seconds=round(self.prior_seconds + summary.seconds, 2))
            stats = getattr(self.gate, "stats", None)
            data["novelty"] = {"gate": type(self.gate).__name__, **(stats() if stats else {})}
        self.store.write_manifest(data)
