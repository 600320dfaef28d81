"""Small language-aware text helpers shared by filters, parsers and the novelty gate (imports nothing of ours)."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_THINK = re.compile(r"<think>.*?(</think>|$)", re.S | re.I)


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among letters (CJK + Latin letters)."""
    cjk = cjk_count(text)
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    total = cjk + latin
    return cjk / total if total else 0.0


def guess_lang(text: str) -> str:
    return "zh" if cjk_ratio(text) >= 0.2 else "en"


def length_units(text: str, lang: str) -> int:
    """Length as a person of that language counts it: characters for zh, words for en."""
    if lang == "zh":
        return len(re.sub(r"\s+", "", text))
    return len(text.split())


def latin_words(text: str) -> list[str]:
    return _LATIN_WORD.findall(text.lower())


def strip_think(text: str) -> str:
    """Drop reasoning-model ``<think>…</think>`` blocks (an unclosed one runs to the end)."""
    return _THINK.sub("", text or "").strip()


_SENTENCE_END = re.compile(r"(?:[。！？!?…；;]|\.(?=\s|$))[”’\"')）]*|\n")


def trim_to_sentence(text: str) -> str:
    """``text`` cut back to the end of its last finished sentence (or line), for an answer that ran into the
    token limit mid-sentence; ``""`` when no sentence ever finished."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    return text[: ends[-1]].rstrip() if ends else ""


def json_object(text: str) -> dict | None:
    """The JSON object a model's answer holds (code fences, a <think> block and words around it ignored), or None
    when there is none. Parsed with ``json.loads`` only: never evaluated."""
    import json

    body = strip_think(text or "").strip()
    if body.startswith("```"):
        body = body.strip("`").split("\n", 1)[-1]
    start, end = body.find("{"), body.rfind("}")
    if start == -1 or end < start:
        return None
    try:
        data = json.loads(body[start:end + 1])
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None
