"""Raw record reading: bytes -> text -> JSON objects with line numbers -> format name.

Two containers are understood: JSON lines (one object per line) and a JSON array
of objects. The format is told by the first record's keys.
"""

from __future__ import annotations

import bisect
import json
import os
from pathlib import Path
from typing import Any

from .errors import InputError, json_type

#: Every format name, in detection order (``--format`` accepts these).
FORMATS: tuple[str, ...] = ("self_instruct", "alpaca", "sharegpt", "openai", "samples")

FORMAT_HINTS: dict[str, str] = {
    "self_instruct": "{instruction, instances:[{input, output}]}",
    "alpaca": "{instruction, input, output}",
    "sharegpt": "{conversations:[{from, value}]}",
    "openai": "{messages:[{role, content}], tools?}",
    "samples": "{id, instruction, output, task_type, lang}",
}

Record = tuple[int, dict[str, Any]]

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def normalise_format(fmt: str) -> str:
    """Validate a format name; ``"auto"`` is passed through. Raises ValueError."""
    name = (fmt or "auto").strip().lower().replace("-", "_")
    if name == "auto" or name in FORMATS:
        return name
    raise ValueError(f"unknown format {fmt!r}; choose one of: auto, {', '.join(FORMATS)}")


def _line_of_byte(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a file as UTF-8 text (BOM allowed); raise InputError on binary content."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputError(path, None, f"cannot read file: {e.strerror or e}") from None
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    elif data.startswith(_UTF16_BOMS):
        raise InputError(path, 1, "file is UTF-16 encoded; save it as UTF-8")
    nul = data.find(b"\x00")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if nul != -1 and nul < e.start:
            pass  # report the NUL byte, it comes first
        else:
            raise InputError(
                path,
                _line_of_byte(data, e.start),
                f"file is not valid UTF-8 text: byte 0x{data[e.start]:02x} at offset {e.start}"
                " (binary file or wrong encoding?)",
            ) from None
    if nul != -1:
        raise InputError(
            path,
            _line_of_byte(data, nul),
            f"file is not text: NUL byte at offset {nul} (binary file?)",
        )
    return text


class _Lines:
    """Maps a character offset in a text to its 1-based line number."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def _json_error(path: str | os.PathLike[str], line: int, err: json.JSONDecodeError) -> InputError:
    return InputError(path, line, f"invalid JSON: {err.msg} (column {err.colno})")


def _not_object(path: str | os.PathLike[str], line: int, value: Any) -> InputError:
    return InputError(path, line, f"expected a JSON object, got {json_type(value)}")


def _parse_array(path: str | os.PathLike[str], text: str) -> list[Record]:
    """Parse a JSON array of objects, remembering the line each element starts on."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(path, e.lineno, f"invalid JSON: {e.msg} (column {e.colno})") from None
    if not isinstance(value, list):  # pragma: no cover - caller checked the first char
        raise _not_object(path, 1, value)
    lines = _Lines(text)
    decoder = json.JSONDecoder()
    records: list[Record] = []
    pos = text.index("[") + 1
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "]":
            break
        element, end = decoder.raw_decode(text, pos)
        line = lines.line(pos)
        if not isinstance(element, dict):
            raise _not_object(path, line, element)
        records.append((line, element))
        pos = end
    return records


def _parse_jsonl(path: str | os.PathLike[str], text: str) -> list[Record]:
    records: list[Record] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as e:
            error = _json_error(path, number, e)
            if number == 1 and stripped in ("{", "["):
                error = InputError(
                    path, number, error.message + "; JSON lines need one complete object per line"
                )
            raise error from None
        if not isinstance(value, dict):
            raise _not_object(path, number, value)
        records.append((number, value))
    return records


def is_json_array(text: str) -> bool:
    """True when ``text`` holds one JSON array rather than JSON lines (which may also start with "[" when the
    first line is a complete value followed by more lines)."""
    body = text.lstrip()
    if not body.startswith("["):
        return False
    head, sep, rest = body.partition("\n")
    try:
        json.loads(head)
    except json.JSONDecodeError:
        return True  # the array goes on past line 1
    return not (sep and rest.strip())


def parse_records(path: str | os.PathLike[str], text: str) -> list[Record]:
    """Split a text into (line, object) records; JSON array or JSON lines."""
    body = text.lstrip()
    if not body:
        raise InputError(path, None, "file is empty")
    first_line = text.count("\n", 0, len(text) - len(body)) + 1
    if body[0] == "[":
        if is_json_array(text):
            records = _parse_array(path, text)
            if not records:
                raise InputError(path, None, "file is empty (the JSON array has no records)")
            return records
    elif body[0] == "{" and "\n" in body.rstrip():
        # A single pretty-printed object spanning several lines is one record.
        try:
            value = json.loads(body)
        except json.JSONDecodeError:
            pass
        else:
            if isinstance(value, dict):
                return [(first_line, value)]
    return _parse_jsonl(path, text)


def detect_records_format(records: list[Record]) -> str | None:
    """Tell the format from the first record's keys; None when unrecognised."""
    if not records:
        return None
    rec = records[0][1]
    keys = set(rec)
    if "instruction" in keys and isinstance(rec.get("instances"), list):
        return "self_instruct"
    if {"id", "instruction", "task_type", "lang"} <= keys and ("output" in keys or "messages" in keys):
        return "samples"
    if "instruction" in keys and "output" in keys:
        return "alpaca"
    if isinstance(rec.get("conversations"), list):
        return "sharegpt"
    if isinstance(rec.get("messages"), list):
        return "openai"
    return None


def unknown_format_error(path: str | os.PathLike[str], records: list[Record]) -> InputError:
    line, rec = records[0]
    keys = ", ".join(sorted(map(str, rec))) or "none"
    known = "; ".join(f"{name} {FORMAT_HINTS[name]}" for name in FORMATS)
    return InputError(
        path,
        line,
        f"cannot detect the input format from the first record (keys: {keys}); "
        f"known formats: {known}; use --format FORMAT to force one",
    )


def load_records(path: str | os.PathLike[str], fmt: str = "auto", text: str | None = None) -> tuple[str, list[Record]]:
    """Read a file (or parse its already read ``text``) and return (format name, records).
    Raises InputError / ValueError."""
    name = normalise_format(fmt)
    records = parse_records(path, read_text(path) if text is None else text)
    if name == "auto":
        detected = detect_records_format(records)
        if detected is None:
            raise unknown_format_error(path, records)
        name = detected
    return name, records


def read_records(path: str | os.PathLike[str], fmt: str = "auto") -> list[Record]:
    """Raw JSON objects of a file, each with the 1-based line it starts on.

    With ``fmt="auto"`` the file must be in a recognised format (else InputError);
    a named ``fmt`` skips detection.
    """
    return load_records(path, fmt)[1]


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of a file: one of ``FORMATS``. Raises InputError when unknown."""
    return load_records(path, "auto")[0]
