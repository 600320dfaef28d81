"""Heuristic filters for proposed instructions and generated outputs, zh and en aware."""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from agentsft.filters import rules
from agentsft.schema import Reason, normalise
from agentsft.text import cjk_count, latin_words, length_units

_REFERENCE = re.compile("|".join(rules.BLACKLIST_REFERENCE_EN + rules.BLACKLIST_REFERENCE_ZH), re.S)
_NON_TEXT_TASK = re.compile("|".join(rules.BLACKLIST_TASK_EN + rules.BLACKLIST_TASK_ZH))
_CODE = re.compile("|".join(rules.CODE_CUES))
_BAD_INTRO = {"zh": re.compile(rules.BAD_INTRO_ZH), "en": re.compile(rules.BAD_INTRO_EN)}
_DANGLING_ZH = ("，", "、", "：", ":", "（", "(", "“", "和", "的", "与", "及", "或", "把", "将", "是")
_DANGLING_EN = (",", ":", "(", " and", " or", " the", " a", " an", " of", " to", " with", " for", " in", " is")

Filter = Callable[[str, str], "Reason | None"]


# Weights of the language measure: a Latin word counts as much as two Chinese characters (a Chinese word is
# about two characters); kana and hangul count double for zh, as they are never Chinese prose.
_WORD_WEIGHT = 2
_ZH_MIN_SHARE = 0.4  # a zh instruction's prose: at least 40% Chinese by that weight
_MIN_PROSE = 6  # weighted units a text needs before its letter share is judged (or its head alone)
_MATERIAL = re.compile("|".join(rules.MATERIAL), re.S)
_IDENTIFIER = re.compile(rules.IDENTIFIER)
_LATIN = re.compile(r"[A-Za-z]{2,}")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af\u1100-\u11ff]")
_COLON = re.compile(rules.MATERIAL_COLON)
_CUE = {"zh": re.compile(rules.TRANSLATE_CUE_ZH), "en": re.compile(rules.TRANSLATE_CUE_EN, re.I)}
_FOREIGN_RUN = {"zh": re.compile(r"[A-Za-z][A-Za-z0-9'’,;.!? -]*[A-Za-z0-9.!?]"),
                "en": re.compile(r"[\u3040-\u30ff\u3400-\u9fff][\u3040-\u30ff\u3400-\u9fff，。！？、；：\s]*")}


def letter_counts(text: str) -> tuple[int, int, int]:
    """(CJK characters, Latin words of 2+ letters, kana/hangul characters); identifiers are not words."""
    plain = _IDENTIFIER.sub(" ", text)
    return cjk_count(plain), len(_LATIN.findall(plain)), len(_KANA.findall(plain))


def _weight(text: str) -> int:
    cjk, latin, kana = letter_counts(text)
    return cjk + _WORD_WEIGHT * latin + kana


def prose(text: str, lang: str) -> str:
    """The instruction's own wording, without the material it quotes or processes: code, quoted spans and
    bracketed ASCII; what follows a colon (when the words before it are enough to judge); and, in a task
    that translates or explains foreign text, that text's runs ("把这句话翻译成中文 The quick brown fox")."""
    body = _MATERIAL.sub(" ", text)
    head = _COLON.split(body, maxsplit=1)[0]
    if _weight(head) >= _MIN_PROSE:
        body = head
    return _without_foreign_runs(body, lang) if _CUE[lang].search(body) else body


def _without_foreign_runs(body: str, lang: str) -> str:
    """The text a translation task quotes without quotes: CJK runs in en, Latin runs of 3+ words in zh."""
    if lang == "en":
        return _FOREIGN_RUN["en"].sub(" ", body)
    return _FOREIGN_RUN["zh"].sub(lambda m: " " if len(m.group().split()) >= 3 else m.group(), body)


def non_text(text: str, lang: str) -> Reason | None:
    """Empty, starting with a symbol, or mostly digits and symbols with too few words to be a task
    ("找规律：2，6，12，20，？" has enough Chinese; "123 456 789 a" has not)."""
    stripped = text.strip()
    if not stripped or not (stripped[0].isalnum() or cjk_count(stripped[0]) or stripped[0] in "“\"'《(（【"):
        return Reason.NON_TEXT
    letters = cjk_count(stripped) + sum(1 for ch in stripped if ch.isascii() and ch.isalpha())
    if letters >= 0.5 * len(re.sub(r"\s", "", stripped)):
        return None
    return None if _weight(stripped) >= _MIN_PROSE else Reason.NON_TEXT


def wrong_language(text: str, lang: str) -> Reason | None:
    """Judged on the instruction's own prose (see ``prose``), so a zh task may quote English or code and an
    en task may quote Chinese. zh needs Chinese to carry the prose; en needs English words and no more
    CJK characters than two per English word."""
    cjk, latin, kana = letter_counts(prose(text, lang))
    if cjk + latin + kana < 2:  # all of it quoted or code: judge the whole text
        cjk, latin, kana = letter_counts(text)
    if lang == "zh":
        ok = cjk >= 2 and cjk >= _ZH_MIN_SHARE * (cjk + _WORD_WEIGHT * (latin + kana))
    else:
        ok = latin >= 1 and cjk + kana <= _WORD_WEIGHT * latin
    return None if ok else Reason.WRONG_LANGUAGE


def bad_start(text: str, lang: str) -> Reason | None:
    low = text.strip().lower()
    starts = rules.BAD_STARTS_ZH if lang == "zh" else rules.BAD_STARTS_EN
    return Reason.BAD_START if low.startswith(starts) or _BAD_INTRO[lang].search(low) else None


def blacklisted(text: str, lang: str) -> Reason | None:
    """A task a text model cannot do: it points at an image, video, audio, link or file it was not given
    ("this image", 根据下图, the attached file), or asks to make or perceive one ("Draw a cat", 打开链接)
    without asking for code. Both languages' rules apply, as a text may mix them."""
    low = text.lower()
    if _REFERENCE.search(low) or (_NON_TEXT_TASK.search(low) and not _CODE.search(low)):
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


# An output shorter than this (characters for zh, words for en) is an answer, not an echo: too short to
# judge by overlap ("not spam", "负面评价" share every n-gram with an instruction naming them).
ECHO_MIN = {"zh": 8, "en": 4}
# Around an option named in an instruction: a list separator, "or", a quote or a bracket (strong; one side is
# enough), or a comma, colon or full stop on both sides (weak: ", Liquid," but not "Explain X, for kids").
_STRONG = r"(?:[、/|(（)）“”\"'‘’「」《》\[\]]|\b(?:or|either|vs\.?|versus)\b|还是|或者|或)"
_WEAK = r"(?:[,，:：;；.。?？!！]|\band\b|和|与|及)"
_BEFORE = {kind: re.compile(rf"{sep}\s*(?:(?:an?|the)\s+)?$") for kind, sep in (("strong", _STRONG), ("weak", _WEAK))}
_AFTER = {kind: re.compile(rf"^\s*{sep}") for kind, sep in (("strong", _STRONG), ("weak", _WEAK))}


def _named_as_option(before: str, after: str) -> bool:
    if _BEFORE["strong"].search(before) or _AFTER["strong"].match(after):
        return True
    return bool(_BEFORE["weak"].search(before) and _AFTER["weak"].match(after))


def is_option(label: str, instruction: str) -> bool:
    """True when ``label`` (a short one-line answer) is one of the choices ``instruction`` names: it occurs
    there quoted or in a list ("spam or not spam", “正面”“负面”, "Solid, Liquid, or Gas")."""
    lab, ins = normalise(label), normalise(instruction)
    if not lab or "\n" in label.strip() or len(lab) > 40:
        return False
    for m in re.finditer(re.escape(lab), ins):
        before, after = ins[: m.start()], ins[m.end() :]
        inside_word = (lab[0].isascii() and lab[0].isalnum() and re.search(r"[a-z0-9]$", before)) or (
            lab[-1].isascii() and lab[-1].isalnum() and re.match(r"[a-z0-9]", after))
        if not inside_word and _named_as_option(before, after):  # not "b" in "about"
            return True
    return False


def restates(output: str, instruction: str, lang: str) -> bool:
    """The output mostly repeats the instruction: long enough to judge, not one of the options it names, and
    80% of its n-grams copied."""
    if length_units(output, lang) < ECHO_MIN[lang] or is_option(output, instruction):
        return False
    return echoes(output, instruction, lang, 0.8)


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
    if normalise(out) in {normalise(instruction), normalise(input)} or restates(out, instruction, lang):
        return Reason.OUTPUT_ECHO, "output repeats the instruction or the input"
    if repetitive(out, lang):
        return Reason.REPETITIVE, "output"
    return None
