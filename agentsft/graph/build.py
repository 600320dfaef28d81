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

THREAD = {"configurable": {"thread_id": "grow"}}
STEPS = ("propose", "screen", "classify", "instances", "commit")


def open_checkpointer(path: Path) -> SqliteSaver:
    conn = sqlite3.connect(str(path), check_same_thread=False)
    return SqliteSaver(conn)


def _tracked(name: str, svc: Services):
    """The node ``name`` bound to its services, telling ``svc.progress`` when it starts."""
    work = partial(getattr(nodes, f"{name}_node"), svc=svc)

    def node(state: GrowState) -> GrowState:
        round_no = svc.store.last_round + 1 if name == "propose" else state.get("round", 0)
        svc.progress.enter(name, round_no, svc.store.reasons)
        return work(state)

    node.__name__ = name
    return node


def build_grow_graph(svc: Services, checkpointer=None):
    graph = StateGraph(GrowState)
    for name in STEPS:
        graph.add_node(name, _tracked(name, svc))
    graph.add_edge(START, "propose")
    for a, b in zip(STEPS, STEPS[1:]):
        graph.add_edge(a, b)
    graph.add_conditional_edges("commit", lambda s: END if s.get("stop") else "propose", ["propose", END])
    return graph.compile(checkpointer=checkpointer)


def run_config(max_rounds: int) -> dict:
    """Invocation config: the fixed thread id and a recursion limit that fits the candidate budget."""
    return {**THREAD, "recursion_limit": len(STEPS) * max_rounds + 10}


def pending(app) -> bool:
    """True when the checkpoint holds an unfinished run that ``invoke(None)`` would continue."""
    return bool(app.get_state(THREAD).next)

