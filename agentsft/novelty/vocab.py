"""The word lists of the novelty gate, read from ``agentsft/novelty/data`` (each file states its provenance).

Nothing here is topic vocabulary: framing words removed before comparing content, task verbs folded into
classes, a few task nouns folded together, words that look like numerals but are not numbers, and language
names. ``judge.json`` holds the pair judge's fitted weights and thresholds per embedder.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

PACKAGE = "agentsft.novelty"


def read_text(name: str) -> str:
    return resources.files(PACKAGE).joinpath("data", name).read_text(encoding="utf-8")


def read_json(name: str) -> dict[str, Any]:
    return json.loads(read_text(name))


def word_list(name: str) -> list[str]:
    """Whitespace-separated words of a text file, ``#`` comments removed."""
    words: list[str] = []
    for line in read_text(name).splitlines():
        words.extend(line.split("#", 1)[0].split())
    return words


def _classes(table: dict[str, str]) -> dict[str, str]:
    return {w: cls for cls, words in table.items() for w in words.split()}


@lru_cache(maxsize=1)
def zh() -> dict[str, Any]:
    syn = read_json("zh_synonyms.json")
    return {
        "function": sorted(set(word_list("zh_function.txt")), key=len, reverse=True),
        "synonyms": _classes(syn["verb_classes"]) | syn["folds"],
        "not_numbers": set(word_list("zh_not_numbers.txt")),
        "keep": set(word_list("zh_keep.txt")),
    }


@lru_cache(maxsize=1)
def en() -> dict[str, Any]:
    syn = read_json("en_synonyms.json")
    return {
        "function": set(word_list("en_function.txt")),
        "synonyms": _classes(syn["verb_classes"]) | syn["folds"],
        "numbers": syn["numbers"],
    }


@lru_cache(maxsize=1)
def languages() -> dict[str, set[str]]:
    data = read_json("languages.json")
    return {k: set(v) for k, v in data.items() if not k.startswith("_")}


def with_vector_arrays(m: dict[str, Any]) -> dict[str, Any]:
    """One language's judge as the engine reads it: vector weights (``vec``) also as arrays (``_diff``, ``_prod``)."""
    if "vec" not in m:
        return m
    import numpy as np

    return {**m, "_diff": np.asarray(m["vec"]["diff"], dtype=np.float32),
            "_prod": np.asarray(m["vec"]["prod"], dtype=np.float32)}


@lru_cache(maxsize=1)
def judge_table() -> dict[str, Any]:
    """``judge.json``, each judge through ``with_vector_arrays``."""
    table = read_json("judge.json")
    for langs in [*table["embedders"].values(), *table.get("questions", {}).values(), table["fallback"]]:
        langs.update({lang: with_vector_arrays(m) for lang, m in langs.items()})
    return table
