"""Root verb and its object of an instruction (Self-Instruct's verb-noun figure), offline and light.

zh: jieba's part-of-speech tags — the first verb that is not a politeness or modal word (请, 帮我, 可以...), and
the last noun of the phrase after it (写一首关于春天的诗 → 写, 诗); with 把/将 before the verb the object is the noun
phrase after 把 (请把这句话翻译成英文 → 翻译, 话). en: no tagger — an instruction is imperative, so the first word
after politeness phrases is the verb unless it is a question word, auxiliary, determiner or pronoun; the object is
the last word of the phrase after it, skipping determiners and numbers and stopping at a preposition,
conjunction or punctuation (Write a short poem about love → write, poem). Word lists: ``data/verb_object.json``.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data") / "verb_object.json"
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+(?:[.,]\d+)*|[^\sA-Za-z\d]")


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def _last_noun(tokens: list[tuple[str, str]], r: dict[str, Any]) -> str | None:
    noun = None
    for word, flag in tokens[: r["max_span"]]:
        if flag in r["stop_flags"] or word in r["stop_words"]:
            break
        if flag in r["noun_flags"]:
            noun = word
    return noun


def verb_object_zh(text: str) -> tuple[str | None, str | None]:
    r = rules()["zh"]
    tokens = [(w.word, w.flag) for w in _posseg().cut(text.strip().split("\n")[0])]
    ba_at = None
    for i, (word, flag) in enumerate(tokens):
        if word in r["ba_markers"] and flag == "p" and ba_at is None:
            ba_at = i
        verb = word
        if flag == "l":  # jieba tags 翻译成 / 改写为 as one idiom: keep the verb before the suffix
            verb = next((word[: -len(s)] for s in r["idiom_verb_suffixes"] if word.endswith(s) and len(word) > 2), "")
            if not verb:
                continue
        elif flag not in r["verb_flags"] or word in r["skip_verbs"]:
            continue
        if ba_at is not None and ba_at < i:
            obj = _last_noun([t for t in tokens[ba_at + 1: i]], {**r, "stop_flags": ["x", "c"]})
        else:
            obj = _last_noun(tokens[i + 1:], r)
        return verb, obj
    return None, None


def verb_object_en(text: str) -> tuple[str | None, str | None]:
    r = rules()["en"]
    words = [w.lower() for w in _WORD.findall(text.strip().split("\n")[0])]
    changed = True
    while changed and words:  # strip leading politeness phrases ("Could you please ...")
        changed = False
        for phrase in sorted(r["lead_phrases"], key=len, reverse=True):
            parts = phrase.split()
            if words[: len(parts)] == parts:
                words = words[len(parts):]
                while words and words[0] in (",", ":"):
                    words = words[1:]
                changed = True
                break
    if not words or not words[0][0].isalpha() or words[0] in r["not_verbs"] or "'" in words[0]:  # what's, it's
        return None, None
    verb, obj, span = words[0], None, 0
    for word in words[1:]:
        if not word[0].isalnum() or word in r["stop_words"] or span >= r["max_span"]:
            break
        span += 1
        if word in r["skip_words"] or word[0].isdigit():
            if obj is not None:
                break
            continue
        obj = word
    return verb, obj


def verb_object(text: str, lang: str) -> tuple[str | None, str | None]:
    """(root verb, its object) of an instruction; None where the heuristic finds none (e.g. a question)."""
    return verb_object_zh(text) if lang == "zh" else verb_object_en(text)
