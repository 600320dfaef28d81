"""Text normalisation of a calculator expression, before it reaches the parser.

Steps, in order (each documented where it is done):

1. superscript exponents (``3²`` → ``3**(2)``) and vulgar fractions (``½`` → ``(1/2)``), which NFKC would
   otherwise flatten into plain digits (``3²`` → ``32``);
2. Unicode NFKC: full-width digits, operators and parentheses (``１２＋３``, ``（``, ``）``, ``％``, ``，``)
   become ASCII;
3. math symbols: ``×`` ``·`` ``⋅`` ``∗`` → ``*`` (a middle dot is always multiplication), ``÷`` ``∕`` ``⁄`` →
   ``/``, ``−`` (U+2212) → ``-``, ``π`` → ``pi``, ``√x`` → ``sqrt(x)``; every whitespace character → a space;
4. a character whitelist: ASCII letters, digits, space and ``+ - * / % ^ ( ) . ,``. Everything else is refused
   here (quotes, brackets, ``_``, ``:``, ``=``, ``<``, control / zero-width / bidi characters, look-alike letters),
   so strings, subscripts, lambdas, dunder names and ``1_000`` never reach the parser;
5. thousands separators: ``1,234,567.5`` → ``1234567.5``, only for the exact pattern ``\\d{1,3}(,\\d{3})+`` and
   only *outside* function-call parentheses, where a comma always separates arguments (``gcd(12,345)`` is
   gcd(12, 345); write ``sqrt(1234567)``, not ``sqrt(1,234,567)``);
6. ``^`` → ``**``;
7. postfix percent: a ``%`` right after a number, a name or ``)`` and followed by the end, ``)``, ``,`` or a
   binary operator (``+ - * / ** // %``) means "divide by 100" and is rewritten ``x%`` → ``(x/100)``, where x is
   the number, name, parenthesised group or function call just before it. Otherwise ``%`` is modulo: ``a % b``
   when an operand (digit, name, ``(`` or ``.``) follows. So ``20%`` = 1/5, ``200*15%`` = 30, ``50% * 80`` = 40,
   ``17 % 5`` = 2; a negative modulus needs parentheses: ``7 % (-3)`` (``7 % -3`` reads as 7% − 3).
   Percent is always plain division by 100: ``200 + 10%`` is 200.1, not 220.
"""

from __future__ import annotations

import re
import string
import unicodedata

from agentsft.tools.calclimits import MAX_EXPRESSION_LENGTH, CalcError

_ALLOWED = frozenset(string.ascii_letters + string.digits + " +-*/%^().,")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile("[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_SYMBOLS = str.maketrans({"×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/", "∕": "/", "⁄": "/", "−": "-",
                          "π": "pi"})
_ROOT = re.compile(r"√\s*(\d+(?:\.\d*)?|\.\d+|[A-Za-z]\w*)?")
_GROUPED = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?!\d)")
_TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z]\w*)"
                    r"|(?P<op>\*\*|//|[-+*/%(),.]))")
_AFTER_PERCENT = frozenset({")", ",", "+", "-", "*", "/", "**", "//", "%"})


def normalize(expression: object) -> str:
    """The expression as plain ASCII Python-syntax arithmetic, or CalcError (see the module docstring)."""
    if not isinstance(expression, str):
        raise CalcError(f"expression must be a string, got {type(expression).__name__}")
    _check_length(expression, MAX_EXPRESSION_LENGTH)
    text = _superscripts_and_fractions(expression)
    text = unicodedata.normalize("NFKC", text).translate(_SYMBOLS)
    text = _ROOT.sub(_root, text)
    text = "".join(" " if ch.isspace() else ch for ch in text).strip()
    if not text:
        raise CalcError("empty expression")
    _check_characters(text)
    _check_length(text, 2 * MAX_EXPRESSION_LENGTH)
    text = _strip_thousands(text).replace("^", "**")
    text = _rewrite_percent(text)
    _check_length(text, 2 * MAX_EXPRESSION_LENGTH)
    return text


def _check_length(text: str, limit: int) -> None:
    if len(text) > limit:
        raise CalcError(f"expression is too long ({len(text)} characters; the limit is {MAX_EXPRESSION_LENGTH})")


def _check_characters(text: str) -> None:
    for ch in text:
        if ch not in _ALLOWED:
            name = unicodedata.name(ch, "")
            shown = f"character {ch!r}" if ch.isprintable() else "an invisible character"
            raise CalcError(f"{shown} (U+{ord(ch):04X}{' ' + name if name else ''}) is not allowed")


def _superscripts_and_fractions(text: str) -> str:
    """``x²`` → ``x**(2)``, ``10⁻³`` → ``10**(-3)``; ``½`` → ``(1/2)`` (before NFKC would flatten them)."""
    text = _SUPERSCRIPT_RUN.sub(lambda m: "**(" + m.group().translate(_SUPERSCRIPT) + ")", text)
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        out.append("(" + folded.replace("⁄", "/") + ")" if "⁄" in folded and len(folded) > 1 else ch)
    return "".join(out)


def _root(match: re.Match[str]) -> str:
    """``√2`` → ``sqrt(2)``, ``√pi`` → ``sqrt(pi)``, ``√(`` → ``sqrt(``."""
    operand = match.group(1)
    return f"sqrt({operand})" if operand else "sqrt"


def _call_parens(text: str) -> list[bool]:
    """For each position: whether the innermost open parenthesis there is a function call's."""
    inside, stack = [], []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(_is_call_paren(text, i))
        elif ch == ")" and stack:
            stack.pop()
        inside.append(bool(stack) and stack[-1])
    return inside


def _is_call_paren(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    k = j
    while k >= 0 and text[k].isalnum():
        k -= 1
    return j >= 0 and text[k + 1].isalpha()


def _strip_thousands(text: str) -> str:
    """Drop grouping commas of ``1,234,567`` outside function-call parentheses."""
    if "," not in text:
        return text
    inside = _call_parens(text)
    return _GROUPED.sub(lambda m: m.group() if inside[m.start()] else m.group().replace(",", ""), text)


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) tokens; enough lexing to find percent signs and their operands."""
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            if text[pos] != " ":
                tokens.append(("other", text[pos], pos, pos + 1))
            pos += 1
            continue
        kind = match.lastgroup or "other"
        tokens.append((kind, match.group(kind), match.start(kind), match.end(kind)))
        pos = match.end()
    return tokens


def _rewrite_percent(text: str) -> str:
    """``x%`` → ``(x/100)`` where ``%`` is a postfix percent (rule in the module docstring)."""
    if "%" not in text:
        return text
    tokens = _tokens(text)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied right to left
    for i, (kind, tok, start, end) in enumerate(tokens):
        if tok != "%" or i == 0:
            continue
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt not in _AFTER_PERCENT:
            continue  # an operand follows: modulo
        begin = _operand_start(tokens, i - 1)
        if begin is None:
            continue
        edits.append((start, end, "/100)"))
        edits.append((begin, begin, "("))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _operand_start(tokens: list[tuple[str, str, int, int]], i: int) -> int | None:
    """Start offset of the number / name / group / call ending at token i, or None if there is none."""
    kind, tok, start, _ = tokens[i]
    if kind in ("num", "name"):
        return start
    if tok != ")":
        return None
    depth = 0
    for j in range(i, -1, -1):
        depth += {")": 1, "(": -1}.get(tokens[j][1], 0)
        if depth == 0:
            return tokens[j - 1][2] if j > 0 and tokens[j - 1][0] == "name" else tokens[j][2]
    return None
