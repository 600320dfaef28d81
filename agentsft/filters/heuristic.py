"""Heuristic filters for proposed instructions and generated outputs, zh and en aware."""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from agentsft.schema import Reason, normalise
from agentsft.text import cjk_count, cjk_ratio, latin_words, length_units

# Tasks a text-only model cannot do (Self-Instruct's list, widened, plus Chinese).
BLACKLIST_EN = (
    "image", "images", "picture", "pictures", "photo", "photos", "graph", "graphs", "chart", "diagram",
    "flowchart", "draw", "drawing", "plot", "map", "maps", "video", "videos", "audio", "music", "song recording",
    "file", "files", "attachment", "link", "url", "website link", "http", "www.", "go to", "screenshot",
)
BLACKLIST_ZH = (
    "图片", "图像", "照片", "画一", "画出", "绘制", "插图", "图表", "流程图", "思维导图", "地图", "视频", "音频",
    "录音", "音乐文件", "文件", "附件", "链接", "网址", "网页", "截图", "扫描件", "http", "www.",
)
BAD_STARTS_ZH = ("以下是", "下面是", "这里是", "当然", "好的", "好，", "以上", "注意：", "示例任务", "新的任务", "回答：")
BAD_STARTS_EN = ("here are", "here is", "sure", "certainly", "okay", "ok,", "note:", "example tasks", "new task")
_DANGLING_ZH = ("，", "、", "：", ":", "（", "(", "“", "和", "的", "与", "及", "或", "把", "将", "是")
_DANGLING_EN = (",", ":", "(", " and", " or", " the", " a", " an", " of", " to", " with", " for", " in", " is")

Filter = Callable[[str, str], "Reason | None"]


def non_text(text: str, lang: str) -> Reason | None:
    stripped = text.strip()
    if not stripped or not (stripped[0].isalnum() or cjk_count(stripped[0]) or stripped[0] in "“\"'《(（【"):
        return Reason.NON_TEXT
    letters = cjk_count(stripped) + sum(1 for ch in stripped if ch.isascii() and ch.isalpha())
    return Reason.NON_TEXT if letters < 0.5 * len(re.sub(r"\s", "", stripped)) else None


def wrong_language(text: str, lang: str) -> Reason | None:
    ratio = cjk_ratio(text)
    if lang == "zh":
        return Reason.WRONG_LANGUAGE if ratio < 0.5 else None
    return Reason.WRONG_LANGUAGE if ratio > 0.1 else None


def bad_start(text: str, lang: str) -> Reason | None:
    low = text.strip().lower()
    starts = BAD_STARTS_ZH if lang == "zh" else BAD_STARTS_EN
    return Reason.BAD_START if low.startswith(starts) else None


def blacklisted(text: str, lang: str) -> Reason | None:
    low = text.lower()
    if any(word in low for word in BLACKLIST_ZH):
        return Reason.BLACKLISTED
    words = set(latin_words(low))
    for term in BLACKLIST_EN:
        if "." in term:
            hit = term in low
        elif " " in term:  # a phrase: whole words only ("Chicago to" is not "go to")
            hit = re.search(rf"(?<![a-z]){re.escape(term)}(?![a-z])", low) is not None
        else:
            hit = term in words
        if hit:
            return Reason.BLACKLISTED
    return None


def truncated(text: str, lang: str) -> Reason | None:
    tail = text.rstrip()
    dangling = _DANGLING_ZH if lang == "zh" else _DANGLING_EN
    if tail.lower().endswith(dangling) or tail.count("“") > tail.count("”") or tail.count("(") > tail.count(")"):
        return Reason.TRUNCATED
    return None


_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\(?\d+[.)、．]?|[（(]?[一二三四五六七八九十]+[、.)）])\s*")


def repeated_lines(text: str) -> bool:
    """A degenerate list: at least 6 lines, half of them copies of an earlier one (list markers and markup
    ignored, so "20. **最佳**" and "21. **最佳**" are the same line)."""
    keys = [re.sub(r"[\s*_`#>]+", "", _LIST_MARK.sub("", line)) for line in text.splitlines()]
    keys = [k for k in keys if re.search(r"\w", k)]  # lines of bare punctuation ("}", "---") do not count
    return len(keys) >= 6 and len(keys) - len(set(keys)) >= 0.5 * len(keys)


def repetitive(text: str, lang: str) -> Reason | None:
    """A degenerate generation: one n-gram making up a large share of the text, or mostly repeated lines."""
    if repeated_lines(text):
        return Reason.REPETITIVE
    units = list(re.sub(r"\s+", "", text)) if lang == "zh" else text.lower().split()
    n = 3 if lang == "zh" else 2
    grams = [tuple(units[i : i + n]) for i in range(len(units) - n + 1)]
    if len(grams) < 8:
        return None
    top = Counter(grams).most_common(1)[0][1]
    return Reason.REPETITIVE if top >= 4 and top * n >= 0.4 * len(units) else None


def _grams(text: str, lang: str) -> set[tuple[str, ...]]:
    units = list(re.sub(r"\W+", "", text.lower())) if lang == "zh" else latin_words(text)
    n = 3 if lang == "zh" else 2
    return {tuple(units[i : i + n]) for i in range(len(units) - n + 1)}


def echoes(text: str, source: str, lang: str, share: float = 0.6) -> bool:
    """True when most of ``text``'s n-grams (char 3-grams for zh, word 2-grams for en) occur in ``source``."""
    grams = _grams(text, lang)
    return bool(grams) and len(grams & _grams(source, lang)) >= share * len(grams)


INSTRUCTION_FILTERS: tuple[Filter, ...] = (non_text, wrong_language, bad_start, repetitive, blacklisted, truncated)


def check_instruction(
    text: str, lang: str, min_len: int, max_len: int, maybe_truncated: bool = False, prompt: str = ""
) -> tuple[Reason, str] | None:
    """First failing filter as (reason, detail), or ``None`` to keep."""
    size = length_units(text, lang)
    unit = "characters" if lang == "zh" else "words"
    if size < min_len:
        return Reason.TOO_SHORT, f"{size} {unit} < {min_len}"
    if size > max_len:
        return Reason.TOO_LONG, f"{size} {unit} > {max_len}"
    if maybe_truncated:
        return Reason.TRUNCATED, "last item of an answer cut at max_tokens"
    for flt in INSTRUCTION_FILTERS:
        reason = flt(text, lang)
        if reason is not None:
            return reason, flt.__name__
    if prompt and echoes(text, prompt, lang):
        return Reason.PROMPT_ECHO, "most of it is the prompt's own wording"
    return None


def check_output(instruction: str, input: str, output: str, lang: str, min_chars: int) -> tuple[Reason, str] | None:
    """Checks on a generated instance: non-empty, not an echo, not degenerate."""
    out = output.strip()
    if len(out) < min_chars:
        return Reason.OUTPUT_EMPTY, f"{len(out)} characters"
    if out.startswith("<") and out.endswith(">") and len(out) <= 40:
        return Reason.PROMPT_ECHO, "output is the prompt's placeholder"
    if normalise(out) in {normalise(instruction), normalise(input)} or echoes(out, instruction, lang, 0.8):
        return Reason.OUTPUT_ECHO, "output repeats the instruction or the input"
    if repetitive(out, lang):
        return Reason.REPETITIVE, "output"
    return None
