"""Structural quality checks: personal data, fenced Python that does not parse, requested JSON that is not JSON.

Each check is ``(...) -> tuple[Reason, str] | None``; ``None`` means keep. Nothing here executes code.
"""

from __future__ import annotations

import ast
import json
import re

from agentsft.schema import Reason

Hit = tuple[Reason, str] | None

# -- personal data --------------------------------------------------------------------------------------------

# ASCII look-arounds: in Chinese text an address sits right against CJK characters (发邮件到li@x.cn联系), which \w
# would count as part of a word.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
                    r"(?![A-Za-z0-9-])")
# Reserved for documentation (RFC 2606 / 6761): not anyone's address.
_RESERVED_DOMAIN = re.compile(r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$", re.I)
_PHONE = (
    re.compile(r"(?<![\d.])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?![\d.])"),  # zh mobile
    re.compile(r"(?<![\d.])0\d{2,3}-\d{7,8}(?![\d.])"),  # zh landline 010-12345678
    re.compile(r"(?<![A-Za-z0-9_.])\+\d{1,3}[\s-]?\(?\d{1,4}\)?(?:[\s-]?\d{2,4}){2,4}(?![\d.])"),  # international
    re.compile(r"(?<![\d.])\(\d{3}\)\s?\d{3}[-.\s]\d{4}(?![\d.])|(?<![\d.-])\d{3}[-.]\d{3}[-.]\d{4}(?![\d.-])"),  # us
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID = re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])")
_CARD = re.compile(r"(?<![\d.,])[3-6]\d{3}(?:[ -]?\d){9,15}(?![\d.,])")


def id_checksum_ok(number: str) -> bool:
    """The GB 11643 check character of an 18-character 身份证 number is right."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    """The Luhn check of a card number (digits only) passes."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def personal_spans(text: str) -> list[tuple[int, int, str]]:
    """Every personal datum in ``text`` as (start, end, kind), in text order, overlaps dropped: e-mails (not on a
    reserved example domain), 身份证 numbers with a valid check character, 13–19 digit card numbers passing Luhn,
    phone numbers. ``kind`` is email, id, card or phone."""
    found: list[tuple[int, int, str]] = []
    found += [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text) if not _RESERVED_DOMAIN.search(m.group(1))]
    found += [(m.start(), m.end(), "id") for m in _ID.finditer(text) if id_checksum_ok(m.group(0))]
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits) and len(set(digits)) > 1:
            found.append((m.start(), m.end(), "card"))
    found += [(m.start(), m.end(), "phone") for rx in _PHONE for m in rx.finditer(text)]
    spans: list[tuple[int, int, str]] = []
    for span in found:  # first kind found wins (email, id, card, phone), like find_personal_data
        if all(span[1] <= s[0] or span[0] >= s[1] for s in spans):
            spans.append(span)
    return sorted(spans)


_LABELS = {"email": "e-mail", "id": "身份证", "card": "card", "phone": "phone"}
PLACEHOLDERS = {"email": "[EMAIL]", "id": "[ID_NUMBER]", "card": "[CARD_NUMBER]", "phone": "[PHONE]"}


def find_personal_data(text: str) -> str | None:
    """The first personal datum in ``text`` (see ``personal_spans``), as "kind value", or None."""
    spans = personal_spans(text)
    order = {"email": 0, "id": 1, "card": 2, "phone": 3}
    if not spans:
        return None
    start, end, kind = min(spans, key=lambda s: (order[s[2]], s[0]))
    return f"{_LABELS[kind]} {text[start:end]}"


def redact_personal_data(text: str) -> tuple[str, list[str]]:
    """``text`` with every personal datum replaced by its placeholder ([EMAIL], [PHONE], [ID_NUMBER],
    [CARD_NUMBER]), and the kinds replaced, in order."""
    spans = personal_spans(text)
    for start, end, kind in reversed(spans):
        text = text[:start] + PLACEHOLDERS[kind] + text[end:]
    return text, [kind for _, _, kind in spans]


_PII_TASK = re.compile(r"敏感信息|隐私|个人信息|脱敏|身份证号|手机号|\b(?:pii|personal (?:data|information)|"
                       r"redact|anonymi[sz]|sensitive (?:data|information))", re.I)


def personal_data(output: str, input: str = "", instruction: str = "") -> Hit:
    """Personal data in the answer or in the input. A task about detecting or redacting personal data
    ("判断下面文本是否包含手机号", "Redact the e-mail addresses") has its input checked no more: the answer
    ("包含", the redacted text) is what is kept."""
    hit = find_personal_data(output) or (None if _PII_TASK.search(instruction) else find_personal_data(input))
    return (Reason.PERSONAL_DATA, hit) if hit else None


# -- fenced Python ----------------------------------------------------------------------------------------

_FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:```|\Z)", re.S)
_PY_LABELS = {"python", "py", "python3", "py3", "ipython"}
_OTHER_LANG = re.compile(r"(?<![A-Za-z])(?:javascript|js|typescript|java|c\+\+|c#|golang|go|rust|sql|bash|shell|html|css|ruby|"
                         r"php|kotlin|swift|scala|perl|matlab|r语言|lua)(?![A-Za-z])", re.I)


def _python_source(block: str) -> str:
    """A block as Python source: a REPL session keeps only its ``>>>``/``...`` lines; notebook ``%magic`` and
    ``!shell`` lines are dropped."""
    lines = block.splitlines()
    if any(ln.startswith(">>>") for ln in lines):
        lines = [ln[4:] for ln in lines if ln.startswith((">>> ", "... ", ">>>", "..."))]
    return "\n".join(ln for ln in lines if not ln.lstrip().startswith(("%", "!")))


def python_blocks(output: str, instruction: str = "", task_type: str | None = None) -> list[str]:
    """The answer's fenced Python: ```python / ```py blocks, and unlabelled fences in a code task that names
    no other language."""
    code_task = task_type == "code" and not _OTHER_LANG.search(instruction)
    return [_python_source(body) for label, body in _FENCE.findall(output)
            if label.lower() in _PY_LABELS or (not label and code_task)]


def code_invalid(output: str, instruction: str = "", task_type: str | None = None) -> Hit:
    """A fenced Python block that ``ast.parse`` rejects (parsed only, never run)."""
    for i, src in enumerate(python_blocks(output, instruction, task_type), 1):
        try:
            ast.parse(src)
        except (SyntaxError, ValueError) as exc:
            return Reason.CODE_INVALID, f"block {i}: {type(exc).__name__}: {getattr(exc, 'msg', exc)}"
    return None


# -- requested JSON ----------------------------------------------------------------------------------------

_ASKS_JSON_ZH = re.compile(r"(?:以|用|按|按照|输出|返回|生成|给出|提供|写成|整理成|转换成|转换为|转成|转为|变成|格式化为|"
                           r"表示为|表示成|输出为|返回为|构造|组织成)[^，。！？；\n]{0,10}?json|json\s*(?:格式|对象|数组)"
                           r"(?:输出|返回|给出|表示|呈现|回答|写出)", re.I)
_ASKS_JSON_EN = re.compile(r"\b(?:in|as|into|return|returns|output|respond with|reply with|answer with|produce|"
                           r"generate|give me|provide|emit|format(?:ted)?(?: it| this| them| the \w+)? as|"
                           r"convert(?: it| this| them| the \w+)? (?:to|into))\s+(?:the\s+|a\s+|an\s+|valid\s+|only\s+|"
                           r"strict\s+|well-formed\s+|proper\s+)*json\b", re.I)
_NOT_ASKING = re.compile(r"(?:什么是|解释|区别|优缺点|优点|缺点|介绍一下)json|json(?:是什么|和|与|跟)|"
                         r"\b(?:what is|explain|difference between)\s+json\b", re.I)


def asks_for_json(instruction: str) -> bool:
    """The instruction asks for its answer in JSON (以JSON格式输出, "Return the result as JSON")."""
    if _NOT_ASKING.search(instruction) and not (_ASKS_JSON_EN.search(instruction) or "格式输出" in instruction):
        return False
    return bool(_ASKS_JSON_ZH.search(instruction) or _ASKS_JSON_EN.search(instruction))


def _parses(text: str) -> bool:
    """``text`` holds a JSON object or array somewhere (fenced or bare)."""
    for _, body in _FENCE.findall(text):
        try:
            if isinstance(json.loads(body), (dict, list)):
                return True
        except ValueError:
            pass
    decoder = json.JSONDecoder()
    for m in re.finditer(r"[{\[]", text):
        try:
            value, _ = decoder.raw_decode(text, m.start())
        except ValueError:
            continue
        if isinstance(value, dict) or (isinstance(value, list) and value):
            return True
    return False


def json_invalid(instruction: str, output: str) -> Hit:
    """The instruction asks for JSON and the answer holds no parsable JSON object or (non-empty) array."""
    if asks_for_json(instruction) and not _parses(output):
        return Reason.JSON_INVALID, "asked for JSON; no JSON object or array parses"
    return None
