"""Quality checks driven by word lists: refusals, AI self-reference, toxicity and not-a-task.

The lists live in ``agentsft/filters/data/*.txt`` (one regular expression a line, ``#`` comments carry their
provenance). Each check is ``(...) -> tuple[Reason, str] | None``; ``None`` means keep.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from agentsft.schema import Reason
from agentsft.text import length_units

DATA = Path(__file__).with_name("data")
Hit = tuple[Reason, str] | None


def read_list(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=None)
def pattern(name: str, whole: bool = False) -> re.Pattern[str]:
    """One regex of a list's alternatives; ``whole`` anchors it to the entire text."""
    body = "|".join(f"(?:{p})" for p in read_list(name))
    return re.compile(rf"^(?:{body})$" if whole else body, re.I)


def _en(text: str) -> str:
    """Lower case with typographic apostrophes made plain ("I can’t" -> "i can't")."""
    return text.lower().replace("’", "'").replace("‘", "'")


def _search(name: str, text: str) -> str | None:
    m = pattern(name).search(text)
    return m.group(0) if m else None


# -- refusal ------------------------------------------------------------------------------------------------

# A refusal that pivots and helps anyway: "我不能确定具体时间，但一般来说…", "I can't browse, but here is…".
_PIVOT = re.compile(r"[，,]\s*(?:但|但是|不过|可是)|[，,;]?\s*\b(?:but|however)\b,?\s*(?:here|i can|you can|generally|"
                    r"in general|typically|usually|the|a|it|this|there|based)", re.I)
_HELP_AFTER = {"zh": 60, "en": 30}  # content after the refusal sentence (chars / words) that counts as helping


def _opening(text: str, n: int = 2) -> str:
    """The first ``n`` sentences of the text."""
    parts = re.split(r"(?<=[。！？!?\n])|(?<=\.)\s", text.strip(), maxsplit=n)
    return " ".join(parts[:n])


def refusal(output: str, lang: str) -> Hit:
    """The answer refuses in its opening sentences. A refusal sentence that pivots (但/不过/but/however) and is
    followed by real help is a hedge, kept: "我无法确定具体时间，但一般来说……" helps anyway."""
    head = _opening(output)
    for name in ("refusal_zh.txt", "refusal_en.txt"):
        m = pattern(name).search(_en(head) if name.endswith("en.txt") else head)
        if not m:
            continue
        after = output[m.end():]
        size = len(after.strip()) if lang == "zh" else len(after.split())
        if _PIVOT.search(after[:40]) and size >= _HELP_AFTER[lang]:
            continue  # a hedge that helps anyway
        return Reason.REFUSAL, m.group(0)
    return None


# -- AI self-reference ----------------------------------------------------------------------------------------

def ai_self_reference(output: str, lang: str) -> Hit:
    """The answer calls itself an AI model or ChatGPT/OpenAI's product anywhere in it. The instruction is not
    checked: asking about ChatGPT is a fine task, and the answer may explain it in the third person."""
    hit = _search("ai_self_zh.txt", output) or _search("ai_self_en.txt", _en(output))
    return (Reason.AI_SELF_REFERENCE, hit) if hit else None


# -- toxicity -----------------------------------------------------------------------------------------------

_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"\n]*\"|‘[^’]*’|'[^'\n]{3,}'")
_MODERATION = re.compile(r"侮辱|冒犯|攻击性|脏话|粗口|不文明|有害|毒性|辱骂|恶意|仇恨|歧视|骂人|礼貌|文明用语|审核|"
                         r"\b(?:toxic|toxicity|offensive|insult|abusive|hate speech|profan|moderat|polite|civil|"
                         r"slur|rude)", re.I)


def _toxic_hit(text: str) -> str | None:
    return _search("toxic_zh.txt", text) or _search("toxic_en.txt", _en(text))


def moderation_task(instruction: str, task_type: str | None) -> bool:
    """A task that handles toxic text on purpose: classify it, judge it, or rewrite it politely."""
    return task_type == "classification" or bool(_MODERATION.search(instruction))


def toxic(instruction: str, output: str, lang: str, task_type: str | None = None) -> Hit:
    """Insults, slurs or threats in the instruction or the answer. The input is material and never checked;
    in a moderation task only the answer outside its quotes is (a label may quote the offending words)."""
    if moderation_task(instruction, task_type):
        hit = _toxic_hit(_QUOTED.sub(" ", output))
    else:
        hit = _toxic_hit(instruction) or _toxic_hit(output)
    return (Reason.TOXIC, hit) if hit else None


# -- not a task ----------------------------------------------------------------------------------------------

_ZH_CLAUSE = (r"(?:^|[，。；：,;:！!\n、]\s*)(?:你|您|请|再|先|然后|并|并且|同时|最后|试着|尝试|帮我|给我)?"
              # a leading preposition phrase or manner adverb: 把这句话改写, 用一句话概括, 简要说明
              r"(?:(?:把|将|用|以|给|从|根据|按照|按|对|为|针对|基于|参考|结合|围绕|就|通过|在)[^，。；！？]{0,40}?|"
              r"(?:简要|简单|详细|分别|具体|逐条|逐一|一一|大致|尽量|准确|认真|仔细)地?)?")
_EN_CLAUSE = r"(?:^|[.;:!\n,][\"”’')]*\s*|,\s*(?:then|and|and then)\s+|\b(?:then|and then)\s+)(?:now\s+|also\s+|just\s+|simply\s+)?"


@lru_cache(maxsize=None)
def _cues() -> dict[str, re.Pattern[str]]:
    """Request cues: ``any`` anywhere, ``start`` verbs at the start of a clause (``task_cues.txt``)."""
    groups: dict[str, list[str]] = {}
    for line in read_list("task_cues.txt"):
        key, _, body = line.partition(":")
        groups.setdefault(key.strip(), []).append(body.strip())
    alt = {k: "|".join(v) for k, v in groups.items()}
    return {"zh": re.compile(rf"(?:{alt['zh-any']})|{_ZH_CLAUSE}(?:{alt['zh-start']})"),
            "en": re.compile(rf"(?:^|\b|(?<=\W))(?:{alt['en-any']})(?:\b|$)|{_EN_CLAUSE}(?:{alt['en-start']})\b", re.I)}


_STATEMENT_END = re.compile(r"[。.!！…]['\"”’)）]*$")
_QUERY_MAX = {"zh": 30, "en": 12}


def not_a_task(instruction: str, lang: str, input: str = "") -> Hit:
    """The instruction asks for nothing. It is a task when it holds a question mark, a request word or an
    imperative verb (``task_cues.txt``, either language's list, as tasks mix them) and is not one of the
    status lines, greetings or object-less requests of ``not_a_task.txt`` ("请你在现场给大家讲解" names no
    subject; with an input it has one). Without any cue, a finished sentence (ending in 。 . !) is a statement
    and rejected, while a short phrase with no end mark is a search-style query and kept (false rejects of real
    queries cost more than a missed statement)."""
    text = instruction.strip()
    bare = re.sub(r"[\s。.!！?？~～…]+$", "", text)
    if pattern("not_a_task.txt", whole=True).match(bare.lower()) and not input.strip():
        return Reason.NOT_A_TASK, "a status line, greeting or request with no object"
    if "?" in text or "？" in text or _cues()["zh"].search(text) or _cues()["en"].search(text):
        return None
    if not _STATEMENT_END.search(text) and length_units(text, lang) <= _QUERY_MAX[lang]:
        return None  # a short search-style query ("安徽财贸职业学院学费", "best pizza in Naples"): asks implicitly
    return Reason.NOT_A_TASK, "a statement: no question and no request word"
