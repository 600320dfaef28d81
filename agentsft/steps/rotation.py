"""Variety per proposal call: task types, subject (or a scoped run's topic), register and length.

A proposal template that has a ``$register`` placeholder rotates (``propose_rotated``; ``propose_scoped`` for a
``--domain`` run): every call of a round is given

* task types: the two types furthest below a uniform share of the accepted samples (the ``balance`` block's
  shares when the recipe has one), ties in an order drawn from the seed and round;
* a subject area (unscoped) or the topic the call was assigned (scoped, ``steps/topics.py``);
* a register (formal, casual, terse, detailed, polite, technical) and a length (short, medium, long).

Each of subject, register and length is a permutation drawn from (--seed, round) and indexed by the call, so
the calls of one round differ and every round reshuffles; the same seed gives the same prompts. The words come
from ``rotation.json``. Templates without ``$register`` (``propose``, ``propose_balanced``, the branches') keep
their old behaviour, so older runs and recipes resume unchanged.
"""

from __future__ import annotations

import json
import random
import re
from functools import lru_cache
from pathlib import Path

from agentsft.prompts import load_prompt
from agentsft.steps.balance import focus_types, type_names

VOCAB_PATH = Path(__file__).with_name("rotation.json")
PLAIN_PROPOSALS = ("propose", "propose_rotated")  # replaced by propose_scoped in a scoped run's main branch
ROTATION_WIDTH = 2  # task types asked for per call
_GRAM = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def vocab() -> dict:
    return json.loads(VOCAB_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def identifiers(name: str, lang: str, version: str) -> frozenset[str]:
    """The placeholders of a template."""
    return frozenset(load_prompt(name, lang, version).template.get_identifiers())


def rotates(name: str, lang: str, version: str) -> bool:
    return "register" in identifiers(name, lang, version)


def scoped_template(name: str, main: bool, scoped: bool) -> str:
    """The template a call renders: a scoped run's main branch asks with ``propose_scoped``."""
    return "propose_scoped" if scoped and main and name in PLAIN_PROPOSALS else name


def _pick(values: list, run_seed: int, round_no: int, call: int, kind: str):
    order = list(values)
    random.Random(f"{run_seed}:{round_no}:{kind}").shuffle(order)
    return order[call % len(order)]


def call_style(run_seed: int, round_no: int, call: int, lang: str) -> dict[str, str]:
    """Subject, register and length of one call (the calls of a round differ; rounds reshuffle)."""
    words = vocab()
    lengths = words["lengths"][lang]
    subject = _pick(words["subjects"], run_seed, round_no, call, "subject")
    length = _pick(sorted(lengths), run_seed, round_no, call, "length")
    return {"subject": subject[0 if lang == "zh" else 1], "length": lengths[length], "length_key": length,
            "register": _pick(words["registers"][lang], run_seed, round_no, call, "register")}


def rotation_types(counts, cfg, round_no: int, call: int) -> list[str]:
    """The task types one call asks for: furthest below a uniform share, ties in a seeded order."""
    from agentsft.schema import TEXT_TYPES

    order = list(TEXT_TYPES)
    random.Random(f"{cfg.seed}:{round_no}:types").shuffle(order)
    return focus_types({t: 1.0 / len(order) for t in order}, counts, cfg.target, call, ROTATION_WIDTH)


def rotated_messages(name: str, demos: list[str], lang: str, cfg, focus: list[str], style: dict[str, str],
                     tree=None, topic: str = "") -> tuple[list[dict], str]:
    prompt = load_prompt(name, lang, cfg.prompt_version)
    listing = "\n".join(f"{i}. {d}" for i, d in enumerate(demos, 1))
    text = prompt.render(demos=listing, num_new=cfg.num_new, start=len(demos) + 1, focus=type_names(focus, lang),
                         subject=style["subject"], register=style["register"], length=style["length"],
                         domain=tree.domain if tree else "", topic=topic)
    return [{"role": "user", "content": text}], prompt.id


def with_scope_hint(messages: list[dict], lang: str, version: str, domain: str, topic: str) -> list[dict]:
    """A template without a domain of its own (a branch's) gets the scope hint as its first line."""
    hint = load_prompt("scope_hint", lang, version).render(domain=domain, topic=topic).strip()
    return [*messages[:-1], {**messages[-1], "content": f"{hint}\n{messages[-1]['content']}"}]


def _grams(text: str) -> set[str]:
    """Words (en) and CJK character bigrams (zh) of a text, lower-cased."""
    tokens = _GRAM.findall((text or "").lower())
    cjk = [t for t in tokens if len(t) == 1 and "\u4e00" <= t <= "\u9fff"]
    return {t for t in tokens if len(t) > 1} | {a + b for a, b in zip(cjk, cjk[1:])}


def scoped_demos(seeds, pool, n_seed: int, n_machine: int, rng: random.Random, topic: str, anchor: str,
                 focus: list[str] = ()):
    """Demos for a call about ``topic``: pool samples of that topic first, then other pool samples; seeds
    sharing the most words / character bigrams with ``anchor`` (domain and topic) fill the rest, those of the
    ``focus`` types first among equals."""
    same = [s for s in pool if s.provenance.topic == topic]
    machine = rng.sample(same, min(n_machine, len(same)))
    other = [s for s in pool if s.provenance.topic != topic]
    machine += rng.sample(other, min(n_machine - len(machine), len(other)))
    want = min(n_seed + n_machine - len(machine), len(seeds))
    near = _grams(anchor)
    ties = {s.id: rng.random() for s in seeds}
    ranked = sorted(seeds, key=lambda s: (-len(near & _grams(s.instruction)),
                                          not (s.task_type and s.task_type.value in focus), ties[s.id]))
    return ranked[:want], machine
