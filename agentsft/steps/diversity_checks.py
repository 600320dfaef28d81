"""Checks on a rewritten instruction (paraphrase / evol stages): parsed, changed, still answerable.

Each check returns ``None`` (usable) or a short reason in words; the stages turn it into a
``rewrite_unusable`` reject (or keep the original, by setting) and record it on the provenance.
"""

from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from agentsft.filters import check_instruction
from agentsft.filters.quality_lexicon import ai_self_reference, not_a_task, refusal
from agentsft.schema import normalise
from agentsft.steps.parse import parse_instructions
from agentsft.text import json_object, strip_think
from agentsft.verify.groundedness import check_grounded

_MARKERS = Path(__file__).with_name("diversity_markers.json")
_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*$", re.M)
# A label the model put before its answer ("Rewritten instruction:", "改写后的指令：", "**New prompt:**").
_LABEL = re.compile(r"^\s*(?:\*\*|#+\s*)?(?:(?:the\s+)?(?:rewritten|paraphrased|evolved|new|revised)\s+"
                    r"(?:instruction|prompt|task|version)|instruction|prompt|(?:改写|重写|新)[后的]*(?:指令|任务|版本)|"
                    r"指令|任务)\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?", re.I)
_LIST_START = re.compile(r"^\s*(?:\d+\s*[.)、．]|[-*•])\s+")
_WORD = re.compile(r"[^\W_]+")  # words and numbers
_QUOTES = "\"'“”‘’「」『』"


def clean_rewrite(answer: str) -> str:
    """The rewritten instruction in a model's answer: reasoning blocks, fences, a leading label and enclosing
    quotes removed; a list of alternatives gives its first item. ``""`` when nothing is left."""
    text = _FENCE.sub("", strip_think(answer or "")).strip()
    text = _LABEL.sub("", text, count=1).strip()
    if _LIST_START.match(text):
        items = parse_instructions(text)
        text = items[0] if items else ""
    text = text.replace("**", "").strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text


def units(text: str, lang: str) -> list[str]:
    """The units wording is compared in: characters (letters and digits, CJK included) for zh, words and numbers for en."""
    return [ch for ch in text.lower() if ch.isalnum()] if lang == "zh" else _WORD.findall(text.lower())


def overlap(a: str, b: str, lang: str) -> float:
    """How much of the wording two texts share: difflib's ratio over their units (1.0: the same wording; one
    word inserted into a five-word instruction still gives 0.9)."""
    return SequenceMatcher(None, units(a, lang), units(b, lang), autojunk=False).ratio()


@lru_cache(maxsize=1)
def markers() -> tuple[str, ...]:
    return tuple(m.lower() for m in json.loads(_MARKERS.read_text(encoding="utf-8"))["markers"])


def fixed_wording(template: str) -> str:
    """A prompt template without its placeholders: the wording a rewrite must not echo."""
    return re.sub(r"\$\{?\w+\}?", " ", template)


def lost_detail(rewrite: str, original: str, lang: str) -> str | None:
    """A number, date or quoted phrase of ``original`` that ``rewrite`` no longer has (numbers compared as values:
    full/half width, Chinese numerals, 万/亿; "350°F" → "350 华氏度" keeps it), in words; else ``None``.
    A restated or deepened task must still ask about the same figures and the same quoted material."""
    found = check_grounded(original, rewrite, lang, checks=("dates", "numbers", "quotes"), where="the rewrite")
    return None if found is None else f"lost a detail of the original: {found.detail}"


def unusable(rewrite: str, original: str, lang: str, limits, prompt: str, max_overlap: float,
             keep_details: bool = False) -> str | None:
    """Why ``rewrite`` cannot replace ``original`` (in words), or ``None``: empty, the prompt echoed or talked
    about, unchanged or barely changed, (``keep_details``) a number, date or quote of the original dropped,
    failing the instruction filters (length, language, blacklisted media and files, bad start, repetition), a
    refusal or AI self-talk, or no task at all."""
    if not rewrite:
        return "empty: the answer held no instruction"
    low = rewrite.lower()
    hit = next((m for m in markers() if m in low), None)
    if hit:
        return f"talks about the rewriting ({hit!r})"
    if normalise(rewrite) == normalise(original):
        return "unchanged: the same text as the original"
    sim = overlap(rewrite, original, lang)
    if sim >= max_overlap:
        return f"barely changed: wording overlap with the original {sim:.2f} >= {max_overlap}"
    if keep_details and (lost := lost_detail(rewrite, original, lang)):
        return lost
    found = check_instruction(rewrite, lang, limits.min, limits.max, False, prompt)
    if found is not None:
        return f"{found[0].value}: {found[1]}"
    for check in (refusal, ai_self_reference):
        found = check(rewrite, lang)
        if found is not None:
            return f"{found[0].value}: {found[1]}"
    found = not_a_task(rewrite, lang)
    if found is not None:
        return f"no longer a task ({found[1]})"
    return None


ANSWERABLE_FORMAT = {"type": "json_schema", "json_schema": {"name": "answerable", "schema": {
    "type": "object", "properties": {"answerable": {"type": "boolean"}, "reason": {"type": "string", "maxLength": 200}},
    "required": ["answerable", "reason"]}}}


def parse_answerable(text: str) -> tuple[bool | None, str]:
    """(verdict, reason) from the answerability judge's JSON; (None, why) when it is not the JSON asked for."""
    data = json_object(text)
    if data is None or not isinstance(data.get("answerable"), bool):
        return None, f"answerability check unparsable: {text[:120]!r}"
    return data["answerable"], str(data.get("reason", ""))[:200]
