"""Public seed readers: a file (or several) in any known format -> ``SeedTask`` list.

Formats (``FORMATS``): ``self_instruct`` (Self-Instruct / BELLE seed files),
``alpaca``, ``sharegpt``, ``openai`` (chat ``messages``, optional ``tools``) and
``samples`` (our own output files). Every problem raises ``InputError`` with the
file and the line of the offending record.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..schema import SeedTask
from .convert import RecordError, detect_lang, record_to_seed
from .errors import InputError
from .records import FORMATS, detect_format, load_records, read_records

__all__ = [
    "FORMATS",
    "InputError",
    "detect_format",
    "detect_lang",
    "read_records",
    "read_seeds",
    "read_seed_files",
]


def _check_lang(lang: str | None) -> str | None:
    if lang is None:
        return None
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh', 'en' or None, got {lang!r}")
    return lang


def read_seeds(path: str | os.PathLike[str], fmt: str = "auto", lang: str | None = None) -> list[SeedTask]:
    """Read one file of seed tasks.

    ``fmt`` is ``"auto"`` or one of ``FORMATS`` (the ``--format`` override).
    ``lang`` forces every seed's language; otherwise the record's ``lang`` is used,
    else it is detected from the instruction. Records without an ``id`` get
    ``"<file stem>_<line>"``; ``source`` is ``"<path>:<line>"``.
    """
    lang = _check_lang(lang)
    name, records = load_records(path, fmt)
    stem = Path(path).stem
    seeds: list[SeedTask] = []
    for line, rec in records:
        try:
            seeds.append(
                record_to_seed(
                    rec,
                    name,
                    default_id=f"{stem}_{line}",
                    source=f"{os.fspath(path)}:{line}",
                    lang=lang,
                )
            )
        except RecordError as e:
            raise InputError(path, line, str(e)) from None
    return seeds


def read_seed_files(
    paths: Iterable[str | os.PathLike[str]], fmt: str = "auto", lang: str | None = None
) -> list[SeedTask]:
    """Read several files and concatenate their seeds, in order.

    Ids are made unique: a seed whose id was already taken gets the file stem as a
    prefix (``"<stem>_<id>"``), and a counter suffix if that is taken too.
    """
    seeds: list[SeedTask] = []
    seen: set[str] = set()
    for path in paths:
        stem = Path(path).stem
        for seed in read_seeds(path, fmt=fmt, lang=lang):
            new_id = seed.id
            if new_id in seen:
                new_id = f"{stem}_{seed.id}"
                n = 2
                while new_id in seen:
                    new_id = f"{stem}_{seed.id}_{n}"
                    n += 1
                seed = seed.model_copy(update={"id": new_id})
            seen.add(new_id)
            seeds.append(seed)
    return seeds
