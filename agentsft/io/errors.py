"""The one error type the input readers raise, always pointing at a file and line."""

from __future__ import annotations

import os
from typing import Any


def _one_line(text: str) -> str:
    """Collapse line breaks so a message always prints on one line."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


class InputError(Exception):
    """A problem in an input file, located at ``path`` and (when known) ``line``.

    ``str(e)`` is ``"PATH:LINE: message"``, or ``"PATH: message"`` when ``line``
    is ``None``; it never contains a newline.
    """

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str) -> None:
        self.path = os.fspath(path)
        self.line = line
        self.message = _one_line(message)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return _one_line(f"{where}: {self.message}")

    def __reduce__(self) -> tuple[Any, ...]:  # keep it picklable (multiprocessing)
        return (type(self), (self.path, self.line, self.message))


def json_type(value: Any) -> str:
    """The JSON name of a Python value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
