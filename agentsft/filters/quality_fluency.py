"""Fluency and language quality checks: language consistency per turn and word salad (INCOHERENT).

The INCOHERENT signal needs no model and is judged on long clauses only (lists are left alone): for zh, the
share of adjacent Chinese character pairs found in a bigram table of our own seed tasks (``data/bigrams_zh.txt``)
together with the share of function characters (``data/function_chars_zh.txt``); for en, the share of function words
(``data/function_words_en.txt``) and of vowel-less tokens. Thresholds are conservative: a false reject of good
text costs more than a missed one (measured in ``evals/FILTERS.md``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from agentsft.filters.heuristic import letter_counts, wrong_language
from agentsft.filters.quality_lexicon import read_list
from agentsft.schema import Reason

Hit = tuple[Reason, str] | None

ZH_MIN_CHARS = 30  # Chinese characters in long clauses a text needs before it is judged
ZH_MIN_CLAUSE = 12  # a clause (run of Chinese characters) this long is prose; shorter runs may be list items
ZH_MAX_KNOWN = 0.40  # word salad: under this share of known bigrams ...
ZH_MAX_FUNCTION = 0.06  # ... and under this share of function characters (both must hold)
EN_MIN_WORDS = 10  # words in long clauses an answer needs before it is judged
EN_MIN_CLAUSE = 8  # a clause of this many words is prose; shorter ones may be list items
EN_MIN_FUNCTION = 0.12  # below this share of function words: word salad
EN_MAX_VOWELLESS = 0.30  # above this share of vowel-less tokens: keyboard noise

_RUN = re.compile(r"[\u4e00-\u9fff]+")
_FENCED = re.compile(r"```.*?(?:```|\Z)|`[^`\n]+`", re.S)
# An unfenced shell command ("pip install numpy pandas …") is code, not prose.
_COMMAND = re.compile(r"(?:^|(?<=[\s:：`$>]))(?:pip3?|npm|npx|yarn|pnpm|apt(?:-get)?|brew|conda|git|sudo|python3?|docker|"
                      r"kubectl|curl|wget|cargo|go|make|cd|ls|mkdir|rm|cp|mv|chmod|ssh|scp)\s+[^\n;。]*", re.I)
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_TO_OTHER = {
    "zh": re.compile(r"翻译|译成|译为|英译|中译英|用英[文语]|英[文语](?:回答|回复|写|作答|表达|输出|版本|版)|in english|"
                     r"\btranslat", re.I),
    "en": re.compile(r"\btranslat|\bin (?:chinese|mandarin|simplified chinese|traditional chinese|cantonese)\b|"
                     r"\binto (?:chinese|mandarin)\b|用中文|中文回答|翻译", re.I),
}


_TRANSLATE_ANY = re.compile(r"翻译|译成|译为|\btranslat|\bin (?:spanish|french|german|japanese|italian|portuguese|"
                            r"russian|korean)\b|[用以](?:西班牙|法|德|日|意大利|葡萄牙|俄|韩)[语文]", re.I)


@lru_cache(maxsize=None)
def _bigrams() -> frozenset[str]:
    return frozenset(read_list("bigrams_zh.txt"))


@lru_cache(maxsize=None)
def _function_words() -> frozenset[str]:
    return frozenset(w for line in read_list("function_words_en.txt") for w in line.split())


@lru_cache(maxsize=None)
def _function_chars() -> frozenset[str]:
    return frozenset("".join(read_list("function_chars_zh.txt")))


def zh_clauses(text: str) -> str:
    """The text's long runs of Chinese characters joined (list items such as 造纸术、印刷术 left out)."""
    return "".join(run for run in _RUN.findall(text) if len(run) >= ZH_MIN_CLAUSE)


def en_clauses(text: str) -> str:
    """The text's clauses of ``EN_MIN_CLAUSE`` or more words (comma-separated list items left out)."""
    parts = re.split(r"[,.;:!?()\n]|\s[-–—]\s", text)
    return " ".join(p for p in parts if len(_WORD.findall(p)) >= EN_MIN_CLAUSE)


def zh_function_share(text: str) -> float:
    return sum(ch in _function_chars() for ch in text) / len(text) if text else 1.0


def zh_known_share(text: str) -> tuple[float, int]:
    """(share of adjacent Chinese character pairs found in the reference, number of pairs)."""
    pairs = [run[i : i + 2] for run in _RUN.findall(text) for i in range(len(run) - 1)]
    if not pairs:
        return 1.0, 0
    table = _bigrams()
    return sum(p in table for p in pairs) / len(pairs), len(pairs)


def en_shares(text: str) -> tuple[float, float, int]:
    """(share of function words, share of vowel-less tokens of 3+ letters, number of words)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return 1.0, 0.0, 0
    func = sum(w in _function_words() for w in words) / len(words)
    noise = sum(len(w) >= 3 and not re.search(r"[aeiouy]", w) for w in words) / len(words)
    return func, noise, len(words)


def incoherent(output: str, lang: str, instruction: str = "", task_type: str | None = None) -> Hit:
    """Word salad: a zh answer whose character pairs are mostly unlike our reference text, or an en answer with
    almost no function words or full of vowel-less tokens. Code is left out; short texts are not judged; nor
    are answers in a third language (translation tasks, or tasks asking for another language), nor code tasks
    (an unfenced ``pip install numpy pandas scipy …`` has no function words)."""
    if task_type in ("translation", "code") or _TRANSLATE_ANY.search(instruction):
        return None
    text = _COMMAND.sub(" ", _FENCED.sub(" ", output))
    if lang == "zh" or letter_counts(text)[0] > 2 * letter_counts(text)[1]:
        prose = zh_clauses(text)
        share, func = zh_known_share(prose)[0], zh_function_share(prose)
        if len(prose) >= ZH_MIN_CHARS and share < ZH_MAX_KNOWN and func < ZH_MAX_FUNCTION:
            return Reason.INCOHERENT, f"{share:.0%} of character pairs known, {func:.0%} function characters"
        return None
    func, noise, words = en_shares(en_clauses(text))
    if words >= EN_MIN_WORDS and (func < EN_MIN_FUNCTION or noise > EN_MAX_VOWELLESS):
        return Reason.INCOHERENT, f"{func:.0%} function words, {noise:.0%} vowel-less, {words} words"
    return None


def asks_other_language(instruction: str, lang: str) -> bool:
    """The instruction asks for an answer in another language (翻译, 用英文, "in Chinese", translate)."""
    return bool(_TO_OTHER[lang].search(instruction))


def language_mismatch(instruction: str, output: str, lang: str, task_type: str | None = None) -> Hit:
    """The answer is not in the instruction's language. Exempt: translation and code tasks, instructions that
    ask for another language, and answers that are all code. Judged with ``heuristic.wrong_language`` (which
    already lets zh prose quote English terms and en prose quote Chinese)."""
    if task_type in ("translation", "code") or asks_other_language(instruction, lang):
        return None
    prose = _FENCED.sub(" ", output)
    cjk, latin, _ = letter_counts(prose)
    if cjk + 2 * latin < 6:  # all code, numbers or a one-word label
        return None
    if wrong_language(prose, lang) is None:
        return None
    return Reason.LANGUAGE_MISMATCH, f"expected {lang}: {cjk} CJK characters, {latin} Latin words"
