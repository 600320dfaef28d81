"""Binary dataset containers and streaming samples.

Containers besides JSON text: a parquet file, an Arrow file, a folder of parquet/Arrow files, and a HF
``datasets`` folder written by ``save_to_disk`` (a ``Dataset``: ``state.json`` + ``data-*.arrow``; a
``DatasetDict``: ``dataset_dict.json`` + one such folder per split; its ``train`` split is read when there is
one, else every split in order). Their rows are numbered from 1 across the files: row N is "line" N in errors.

Streaming (``reservoir_lines``, ``sample_table_rows``): a uniform random sample of k records without holding the
file: JSON lines are read line by line and only the k kept lines are parsed (reservoir sampling, algorithm R);
tables are sampled by row index and read one row group (parquet) or record batch (Arrow) at a time.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import InputError

PARQUET_MAGIC = b"PAR1"
ARROW_MAGIC = b"ARROW1"
_TABLE_SUFFIXES = (".parquet", ".arrow")


def _head(path: Path, n: int = 8) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except OSError:
        return b""


def is_table_file(path: str | os.PathLike[str]) -> bool:
    """A parquet or Arrow file (told by its magic bytes or, for Arrow IPC streams, its suffix)."""
    p = Path(path)
    if not p.is_file():
        return False
    head = _head(p)
    return head.startswith(PARQUET_MAGIC) or head.startswith(ARROW_MAGIC) or p.suffix == ".arrow"


def table_files(path: str | os.PathLike[str]) -> list[Path]:
    """The parquet/Arrow files holding a table container's rows, in order; [] when ``path`` is none."""
    p = Path(path)
    if p.is_file():
        return [p] if is_table_file(p) else []
    if not p.is_dir():
        return []
    dict_file = p / "dataset_dict.json"
    if dict_file.is_file():
        try:
            splits = json.loads(dict_file.read_text(encoding="utf-8")).get("splits") or []
        except (ValueError, AttributeError):
            raise InputError(dict_file, None, "not a valid dataset_dict.json") from None
        chosen = ["train"] if "train" in splits else list(splits)
        return [f for split in chosen for f in table_files(p / split)]
    state = p / "state.json"
    if state.is_file():
        try:
            names = [d["filename"] for d in json.loads(state.read_text(encoding="utf-8"))["_data_files"]]
        except (ValueError, KeyError, TypeError):
            raise InputError(state, None, "not a valid datasets state.json (no _data_files)") from None
        return [p / n for n in names]
    return sorted(f for f in p.iterdir() if f.is_file() and f.suffix in _TABLE_SUFFIXES)


def _arrow_reader(path: Path):
    import pyarrow as pa

    source = pa.memory_map(str(path), "r")
    if _head(path, 6) == ARROW_MAGIC:
        reader = pa.ipc.open_file(source)
        return (reader.get_batch(i) for i in range(reader.num_record_batches))
    return iter(pa.ipc.open_stream(source))


def _chunks(path: Path) -> Iterator[tuple[int, Any]]:
    """(rows, loader) per row group / record batch; ``loader(indices)`` gives those rows as dicts."""
    try:
        if _head(path, 4) == PARQUET_MAGIC:
            import pyarrow.parquet as pq

            pf = pq.ParquetFile(str(path))
            for i in range(pf.metadata.num_row_groups):
                yield pf.metadata.row_group(i).num_rows, (lambda idx, i=i: pf.read_row_group(i).take(idx).to_pylist())
        else:
            for batch in _arrow_reader(path):
                yield batch.num_rows, (lambda idx, b=batch: b.take(idx).to_pylist())
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - pyarrow raises many types for a damaged file
        raise InputError(path, None, f"cannot read the table: {type(e).__name__}: {e}") from None


def iter_table_rows(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number from 1, row) of every row of a table container, one chunk in memory at a time."""
    number = 0
    for f in table_files(path):
        for n, load in _chunks(f):
            for row in load(list(range(n))):
                number += 1
                yield number, row


def first_table_row(path: str | os.PathLike[str]) -> tuple[int, dict[str, Any]] | None:
    """(1, the first row) of a table container, reading only that row's chunk; None when it has no rows."""
    for f in table_files(path):
        for n, load in _chunks(f):
            if n:
                return 1, load([0])[0]
    return None


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    return str(value)


def table_as_jsonl(path: str | os.PathLike[str]) -> str:
    """A table container's rows as JSON lines text (row N on line N)."""
    lines = [json.dumps(row, ensure_ascii=False, default=_json_default) for _, row in iter_table_rows(path)]
    if not lines:
        raise InputError(path, None, "the table has no rows")
    return "\n".join(lines) + "\n"


def sample_table_rows(path: str | os.PathLike[str], k: int, seed: int = 0) -> tuple[list[tuple[int, dict]], int]:
    """(k rows drawn uniformly without replacement, sorted by row number; total rows)."""
    files = table_files(path)
    sizes = [(f, [(n, load) for n, load in _chunks(f)]) for f in files]
    total = sum(n for _, chunks in sizes for n, _ in chunks)
    picks = sorted(random.Random(seed).sample(range(total), min(k, total)))
    out: list[tuple[int, dict]] = []
    offset, j = 0, 0
    for _, chunks in sizes:
        for n, load in chunks:
            local = []
            while j < len(picks) and picks[j] < offset + n:
                local.append(picks[j] - offset)
                j += 1
            if local:
                out += [(offset + i + 1, row) for i, row in zip(local, load(local))]
            offset += n
    return out, total


def reservoir_lines(path: str | os.PathLike[str], k: int, seed: int = 0) -> tuple[list[tuple[int, bytes]], int]:
    """(k non-blank lines drawn uniformly, as (line number, raw bytes) sorted by line; non-blank lines seen).

    One pass, line by line: memory holds the k kept lines, never the file."""
    rng = random.Random(seed)
    kept: list[tuple[int, bytes]] = []
    seen = 0
    try:
        with open(path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                if not raw.strip():
                    continue
                seen += 1
                if len(kept) < k:
                    kept.append((number, raw))
                else:
                    j = rng.randrange(seen)
                    if j < k:
                        kept[j] = (number, raw)
    except OSError as e:
        raise InputError(path, None, f"cannot read file: {e.strerror or e}") from None
    kept.sort(key=lambda item: item[0])
    return kept, seen


def first_line(path: str | os.PathLike[str]) -> tuple[int, bytes] | None:
    """(line number, raw bytes) of the first non-blank line."""
    try:
        with open(path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                if raw.strip():
                    return number, raw
    except OSError as e:
        raise InputError(path, None, f"cannot read file: {e.strerror or e}") from None
    return None


def content_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file read in 1 MB blocks (memory flat on a big seed pool); of a folder container, of its
    table files' names and contents in order. A plain file hashes as ``sha256(bytes)``."""
    import hashlib

    p = Path(path)
    files = table_files(p) if p.is_dir() else [p]
    h = hashlib.sha256()
    for f in files:
        if p.is_dir():
            h.update(f.relative_to(p).as_posix().encode("utf-8") + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def size_of(path: str | os.PathLike[str]) -> int:
    """Bytes of a file, or of the table files of a folder container."""
    p = Path(path)
    if p.is_dir():
        return sum(f.stat().st_size for f in table_files(p) if f.is_file())
    try:
        return p.stat().st_size
    except OSError:
        return 0
