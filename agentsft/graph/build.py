"""Wire the grow loop as a LangGraph StateGraph with a sqlite checkpointer."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from agentsft.graph import nodes
from agentsft.graph.services import Services
from agentsft.graph.state import GrowState
from agentsft.graph.branches import MAIN, Branch, resolve_branches
from agentsft.steps.stages import BoundStage

THREAD = {"configurable": {"thread_id": "grow"}}


def open_checkpointer(path: Path) -> SqliteSaver:
    conn = sqlite3.connect(str(path), check_same_thread=False)
    return SqliteSaver(conn)


def _tracked(name: str, svc: Services, stage: BoundStage | None = None):
    """The node ``name`` bound to its services (and its stage), telling ``svc.progress`` when it starts."""
    work = partial(nodes.stage_node, stage=stage, svc=svc) if stage else partial(getattr(nodes, f"{name}_node"), svc=svc)

    def node(state: GrowState) -> GrowState:
        round_no = svc.store.last_round + 1 if name == "propose" else state.get("round", 0)
        svc.progress.enter(name, round_no, svc.store.reasons)
        return work(state)

    node.__name__ = name
    return node


def build_grow_graph(svc: Services, checkpointer=None, branches: list[Branch] | None = None, context_schema=None):
    """propose → the chosen branch's stages, in order → commit → (propose again, or end).
    ``context_schema``: the settings LangGraph Studio shows for a run (agentsft.graph.studio)."""
    branches = branches if branches is not None else resolve_branches(svc.cfg)
    graph = StateGraph(GrowState, context_schema=context_schema)
    graph.add_node("propose", _tracked("propose", svc))
    graph.add_node("commit", _tracked("commit", svc))
    graph.add_edge(START, "propose")
    for branch in branches:
        names = [branch.node(stage) for stage in branch.stages]
        for name, stage in zip(names, branch.stages):
            graph.add_node(name, _tracked(name, svc, stage))
        for a, b in zip(names, names[1:] + ["commit"]):
            graph.add_edge(a, b)
    entries = {b.name: b.entry for b in branches}
    graph.add_conditional_edges("propose", lambda s: entries.get(s.get("branch") or MAIN, entries[branches[0].name]),
                                sorted(set(entries.values())))
    graph.add_conditional_edges("commit", lambda s: END if s.get("stop") else "propose", ["propose", END])
    return graph.compile(checkpointer=checkpointer)


def run_config(max_rounds: int, n_nodes: int = 8) -> dict:
    """Invocation config: the fixed thread id and a recursion limit that fits the candidate budget
    (``n_nodes``: nodes per round, propose and commit included)."""
    return {**THREAD, "recursion_limit": n_nodes * max_rounds + 10}


def pending(app) -> bool:
    """True when the checkpoint holds an unfinished run that ``invoke(None)`` would continue."""
    return bool(app.get_state(THREAD).next)

