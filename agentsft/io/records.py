"""Raw record reading: bytes -> text -> JSON objects with line numbers -> format name.

Containers: JSON lines (one object per line), a JSON array of objects, and the table containers of
``stream`` (parquet, Arrow, HF ``save_to_disk`` folders), whose rows ``read_text`` renders as JSON lines (row N
on line N). The format is told by the first record's keys. Open-dataset formats (``opendata.OPEN_FORMATS``:
Dolly, Firefly, COIG, BELLE multi-turn, MOSS, glaive, OpenAssistant) are converted on read into the core format
they map to (Alpaca- or OpenAI-shaped records), which ``load_records`` returns as the format name.
``sample_records`` draws a uniform sample of a big file by streaming it.
"""

from __future__ import annotations

import bisect
import json
import os
import random
from pathlib import Path
from typing import Any

from . import stream
from .errors import InputError, json_type
from .opendata import OPEN_FORMATS, OPEN_HINTS, convert_records, detect_open_format

#: The core formats (what every record is read as).
CORE_FORMATS: tuple[str, ...] = ("self_instruct", "alpaca", "sharegpt", "openai", "samples")
#: Every format name (``--format`` accepts these): the core formats, then the open-dataset ones.
FORMATS: tuple[str, ...] = CORE_FORMATS + tuple(OPEN_FORMATS)

FORMAT_HINTS: dict[str, str] = {
    "self_instruct": "{instruction, instances:[{input, output}]}",
    "alpaca": "{instruction, input, output}",
    "sharegpt": "{conversations:[{from, value}]}",
    "openai": "{messages:[{role, content}], tools?}",
    "samples": "{id, instruction, output, task_type, lang}",
    **OPEN_HINTS,
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
    """Read a file as UTF-8 text (BOM allowed); raise InputError on binary content. A table container
    (parquet or Arrow file, ``save_to_disk`` folder) comes back as JSON lines of its rows."""
    if stream.table_files(path):
        return stream.table_as_jsonl(path)
    if Path(path).is_dir():
        raise InputError(path, None, "a directory, but no parquet/Arrow files or save_to_disk dataset in it")
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
    if {"id", "instruction", "task_type", "lang"} <= keys and ("output" in keys or "messages" in keys) \
            and not isinstance(rec.get("task_type"), dict):
        return "samples"
    open_name = detect_open_format(rec)
    if open_name is not None:
        return open_name
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


def _resolve(path: str | os.PathLike[str], fmt: str, records: list[Record]) -> tuple[str, list[Record]]:
    """(core format, records in it): detect when ``fmt`` is "auto", convert an open format."""
    name = normalise_format(fmt)
    if name == "auto":
        detected = detect_records_format(records)
        if detected is None:
            raise unknown_format_error(path, records)
        name = detected
    if name in OPEN_FORMATS:
        return convert_records(path, name, records)
    return name, records


def load_records(path: str | os.PathLike[str], fmt: str = "auto", text: str | None = None) -> tuple[str, list[Record]]:
    """Read a file (or parse its already read ``text``) and return (format name, records).

    The name is a core format (``CORE_FORMATS``): records of an open-dataset format come back converted.
    Raises InputError / ValueError."""
    return _resolve(path, fmt, parse_records(path, read_text(path) if text is None else text))


def open_records(path: str | os.PathLike[str], records: list[Record]) -> list[Record]:
    """``records`` with an open-dataset file converted to its core shape (a file whose first record is of no
    open format comes back unchanged). For readers that tell formats record by record (``agentsft verify``)."""
    name = detect_open_format(records[0][1]) if records else None
    return convert_records(path, name, records)[1] if name else records


def _parse_line(path: str | os.PathLike[str], number: int, raw: bytes) -> dict[str, Any]:
    if number == 1 and raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, number, f"line is not valid UTF-8 text: byte 0x{raw[e.start]:02x}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise _json_error(path, number, e) from None
    if not isinstance(value, dict):
        raise _not_object(path, number, value)
    return value


def _sample_rows(path: str | os.PathLike[str], k: int, seed: int) -> tuple[list[Record], Record | None]:
    """(k raw records drawn uniformly, the file's first record); JSON lines and tables are streamed, a JSON
    array or a pretty-printed object is parsed whole (it cannot be read line by line)."""
    if stream.table_files(path):
        rows, _ = stream.sample_table_rows(path, k, seed)
        first = stream.first_table_row(path)
        return rows, first
    head = stream.first_line(path)
    if head is None:
        raise InputError(path, None, "file is empty")
    number, raw = head
    try:
        first = (number, _parse_line(path, number, raw))
    except InputError:
        if raw.lstrip(_UTF8_BOM + b" \t").startswith((b"[", b"{")):
            records = parse_records(path, read_text(path))
            picked = sorted(random.Random(seed).sample(range(len(records)), min(k, len(records))))
            return [records[i] for i in picked], records[0]
        raise
    kept, _ = stream.reservoir_lines(path, k, seed)
    return [(n, _parse_line(path, n, r)) for n, r in kept], first


def sample_records(path: str | os.PathLike[str], k: int, fmt: str = "auto",
                   seed: int = 0) -> tuple[str, list[Record]]:
    """Like ``load_records`` for a uniform random sample of ``k`` records (all of them when there are fewer),
    in file order, without loading the file: memory stays flat however big it is. The format is told by the
    file's first record. OpenAssistant message rows need whole trees, so such a file is read in full, assembled
    and its conversations sampled."""
    if k < 1:
        raise ValueError("the sample size must be at least 1")
    rows, first = _sample_rows(path, k, seed)
    if first is None:
        raise InputError(path, None, "file is empty")
    name = normalise_format(fmt)
    if name == "auto":
        name = detect_records_format([first]) or ""
        if not name:
            raise unknown_format_error(path, [first])
    if name == "oasst" and "prompt" not in first[1] and "replies" not in first[1]:
        core, convs = _resolve(path, name, list(_all_rows(path)))
        picked = sorted(random.Random(seed).sample(range(len(convs)), min(k, len(convs))))
        return core, [convs[i] for i in picked]
    return _resolve(path, name, rows)


def _all_rows(path: str | os.PathLike[str]):
    if stream.table_files(path):
        yield from stream.iter_table_rows(path)
        return
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            if raw.strip():
                yield number, _parse_line(path, number, raw)


def read_records(path: str | os.PathLike[str], fmt: str = "auto") -> list[Record]:
    """Raw JSON objects of a file, each with the 1-based line it starts on.

    With ``fmt="auto"`` the file must be in a recognised format (else InputError);
    a named ``fmt`` skips detection.
    """
    return load_records(path, fmt)[1]


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of a file as written: one of ``FORMATS`` (an open-dataset name such as ``dolly``, not the core
    format its records are read as). Raises InputError when unknown."""
    records = parse_records(path, read_text(path))
    name = detect_records_format(records)
    if name is None:
        raise unknown_format_error(path, records)
    return name
