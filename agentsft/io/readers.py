"""Public seed readers: a file (or several) in any known format -> ``SeedTask`` list.

Formats (``FORMATS``): ``self_instruct`` (Self-Instruct / BELLE seed files),
``alpaca``, ``sharegpt`` (also LLaMA-Factory tool-call files), ``openai`` (chat ``messages``,
optional ``tools``), ``samples`` (our own output files) and the open-dataset formats of
``opendata`` (dolly, firefly, coig, coig_chat, belle_multiturn, moss, glaive, oasst), in JSON
lines, a JSON array, parquet, Arrow or a ``save_to_disk`` folder. Every problem raises
``InputError`` with the file and the line (row) of the offending record.

A seed pool is sampled, not loaded, when asked (``sample=N``) or when it is big (over
``STREAM_BYTES``: ``DEFAULT_SAMPLE`` records): see ``records.sample_records``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..schema import SeedTask
from .convert import RecordError, detect_lang, record_to_seed
from .errors import InputError
from .records import FORMATS, detect_format, load_records, read_records, sample_records
from .stream import size_of

#: A seed file bigger than this is sampled by streaming instead of loaded whole.
STREAM_BYTES = 50 * 1024 * 1024
#: How many records are drawn from such a file when no sample size is given.
DEFAULT_SAMPLE = 2000

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


def read_seeds(path: str | os.PathLike[str], fmt: str = "auto", lang: str | None = None,
               sample: int | None = None) -> list[SeedTask]:
    """Read one file of seed tasks.

    ``fmt`` is ``"auto"`` or one of ``FORMATS`` (the ``--format`` override).
    ``lang`` forces every seed's language; otherwise the record's ``lang`` is used,
    else it is detected from the instruction. Records without an ``id`` get
    ``"<file stem>_<line>"``; ``source`` is ``"<path>:<line>"``. ``sample`` draws that
    many records by streaming (the same ones every time for the same file); a file over
    ``STREAM_BYTES`` is sampled to ``DEFAULT_SAMPLE`` when ``sample`` is not given.
    """
    lang = _check_lang(lang)
    if sample is None and size_of(path) > STREAM_BYTES:
        sample = DEFAULT_SAMPLE
    name, records = sample_records(path, sample, fmt) if sample else load_records(path, fmt)
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
    paths: Iterable[str | os.PathLike[str]], fmt: str = "auto", lang: str | None = None,
    sample: int | None = None,
) -> list[SeedTask]:
    """Read several files and concatenate their seeds, in order.

    Ids are made unique: a seed whose id was already taken gets the file stem as a
    prefix (``"<stem>_<id>"``), and a counter suffix if that is taken too.
    """
    seeds: list[SeedTask] = []
    seen: set[str] = set()
    for path in paths:
        stem = Path(path).stem
        for seed in read_seeds(path, fmt=fmt, lang=lang, sample=sample):
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
