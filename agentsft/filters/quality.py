"""The quality gate of issue 10: zh/en-aware checks on a sample, each returning keep (``None``) or
``(reason, detail)``.

``check_sample`` runs the checks of ``QUALITY_CHECKS`` in that order, cheapest first, and returns the first
failure:

1. ``not_a_task``        the instruction asks for nothing (status line, greeting, statement, object-less request)
2. ``refusal``           the answer opens with a refusal (a hedge that pivots and helps anyway is kept)
3. ``ai_self_reference`` the answer calls itself an AI model / ChatGPT (questions about ChatGPT are fine)
4. ``toxic``             insults, slurs, threats in the instruction or answer (moderation tasks: answer only)
5. ``personal_data``     e-mail, phone, 身份证 (checksum), bank card (Luhn) in the answer or the input
6. ``json_invalid``      JSON was asked for and none parses
7. ``code_invalid``      a fenced Python block does not ``ast.parse``
8. ``repetitive``        ``heuristic.repetitive`` on the answer's prose (code and digits left out), or one
                         sentence making up half of the answer
9. ``language_mismatch`` the answer is not in the instruction's language (not for translation/code tasks)
10. ``incoherent``       word salad by character-bigram / function-word statistics

With ``messages`` (OpenAI chat turns) the first user turn is the instruction and every assistant turn is an
answer, checked against the user turn before it (language per turn). The word lists are data files in
``agentsft/filters/data/`` with their provenance.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Callable

from agentsft.filters.heuristic import repetitive as _repetitive
from agentsft.filters.heuristic import wrong_language
from agentsft.filters.quality_fluency import incoherent, language_mismatch
from agentsft.filters.quality_lexicon import ai_self_reference, not_a_task, refusal, toxic
from agentsft.filters.quality_struct import code_invalid, json_invalid, personal_data
from agentsft.schema import Reason
from agentsft.text import strip_think

Hit = tuple[Reason, str] | None

QUALITY_CHECKS: tuple[str, ...] = (
    "not_a_task", "refusal", "ai_self_reference", "toxic", "personal_data", "json_invalid", "code_invalid",
    "repetitive", "language_mismatch", "incoherent",
)


_FENCED = re.compile(r"```.*?(?:```|\Z)", re.S)
_SENTENCES = re.compile(r"[^。！？!?；;，,.\n]+")


def repeated_sentence(text: str) -> bool:
    """One sentence or clause (4+ characters) said at least 4 times and making up half of them
    ("杭州是一个美丽的城市。" five times over)."""
    parts = [p.strip() for p in _SENTENCES.findall(text) if len(p.strip()) >= 4]
    top = Counter(parts).most_common(1)
    return bool(top) and top[0][1] >= 4 and top[0][1] >= 0.5 * len(parts)


def repetitive(output: str, lang: str) -> Hit:
    """Degenerate repetition: ``heuristic.repetitive`` on the answer's prose (fenced code left out, digit runs
    of six or more collapsed: 1111111101 is a number, not a loop; short numbers stay, or every arithmetic chain would
    look like a loop), or one sentence repeated over half the answer."""
    prose = re.sub(r"\d{6,}", "0", _FENCED.sub(" ", output))  # long numbers only: short ones are arithmetic
    if _repetitive(prose, lang):
        return Reason.REPETITIVE, "n-gram or line repetition"
    return (Reason.REPETITIVE, "one sentence repeated") if repeated_sentence(prose) else None


def _answer_checks(instruction: str, input: str, output: str, lang: str,
                   task_type: str | None) -> dict[str, Callable[[], Hit]]:
    """The checks of one exchange, by name, as thunks (run lazily, in ``QUALITY_CHECKS`` order)."""
    return {
        "refusal": lambda: refusal(output, lang),
        "ai_self_reference": lambda: ai_self_reference(output, lang),
        "toxic": lambda: toxic(instruction, output, lang, task_type),
        "personal_data": lambda: personal_data(output, input, instruction),
        "repetitive": lambda: repetitive(output, lang),
        "language_mismatch": lambda: language_mismatch(instruction, output, lang, task_type),
        "json_invalid": lambda: json_invalid(instruction, output),
        "code_invalid": lambda: code_invalid(output, instruction, task_type),
        "incoherent": lambda: incoherent(output, lang, instruction, task_type),
    }


def _exchanges(messages: list[dict[str, Any]], lang: str) -> list[tuple[str, str, str]]:
    """(user text, assistant text, language expected) for each assistant turn with text. The first turn is
    expected in ``lang``; a later user turn long enough to judge sets its own."""
    pairs: list[tuple[str, str, str]] = []
    user, expect = "", lang
    for i, m in enumerate(messages):
        m = m.model_dump() if hasattr(m, "model_dump") else m  # a schema.Message works too
        role, content = m.get("role"), strip_think(m.get("content") or "")
        if role == "user":
            user = content
            if i > 1 and len(content) >= 12:  # a later turn may switch language on purpose
                other = "en" if lang == "zh" else "zh"
                expect = other if wrong_language(content, lang) and not wrong_language(content, other) else lang
        elif role == "assistant" and content:
            pairs.append((user, content, expect))
    return pairs


def check_sample(instruction: str, output: str, lang: str, *, input: str = "", task_type: str | None = None,
                 messages: list[dict[str, Any]] | None = None) -> Hit:
    """``None`` to keep, else the first failing check's ``(reason, detail)`` (order: ``QUALITY_CHECKS``).

    ``task_type`` is a ``TaskType`` value ("classification", "translation", "code", ...) or ``None``. With
    ``messages``, the answer checks run on every assistant turn (``instruction``/``output`` are then only
    used when the conversation has no user turn)."""
    task_type = getattr(task_type, "value", task_type)
    hit = not_a_task(instruction, lang, input)
    if hit:
        return hit
    exchanges = _exchanges(messages, lang) if messages else []
    if not exchanges:
        exchanges = [(instruction, strip_think(output), lang)]
    checks = [(i, _answer_checks(user, input if i == 0 else "", answer, expect, task_type))
              for i, (user, answer, expect) in enumerate(exchanges)]
    for name in QUALITY_CHECKS[1:]:
        for turn, table in checks:
            hit = table[name]()
            if hit:
                reason, detail = hit
                return reason, detail if len(checks) == 1 else f"assistant turn {turn + 1}: {detail}"
    return None
