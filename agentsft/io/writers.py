"""Atomic writers: JSON lines, and any UTF-8 text."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def _to_json_line(record: Any) -> str:
    if isinstance(record, BaseModel):
        record = record.model_dump(mode="json")
    elif not isinstance(record, Mapping):
        raise TypeError(f"write_jsonl expects dicts or pydantic models, got {type(record).__name__}")
    return json.dumps(record, ensure_ascii=False, allow_nan=False)


def write_jsonl(path: str | os.PathLike[str], records: Iterable[Any]) -> int:
    """Write records (dicts or pydantic models) as UTF-8 JSON lines, atomically (see ``write_atomic``).
    Returns the record count."""
    count = 0

    def lines() -> Iterator[str]:
        nonlocal count
        for record in records:
            yield _to_json_line(record) + "\n"
            count += 1

    write_atomic(path, lines())
    return count


def write_atomic(path: str | os.PathLike[str], chunks: Iterable[str]) -> None:
    """Write UTF-8 text atomically: the chunks go to a temporary file in the same directory, which is
    fsynced, then ``os.replace``-d over ``path``; readers see either the old or the new file, never a
    partial one. Parent directories are created; an existing file's permissions are kept."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable; not possible everywhere
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
