"""Input readers (seed files in Self-Instruct/BELLE, Alpaca, ShareGPT, OpenAI or our
sample format) and the atomic JSON lines writer."""

from .errors import InputError
from .readers import FORMATS, detect_format, detect_lang, read_records, read_seed_files, read_seeds
from .writers import write_jsonl

__all__ = [
    "FORMATS",
    "InputError",
    "detect_format",
    "detect_lang",
    "read_records",
    "read_seed_files",
    "read_seeds",
    "write_jsonl",
]
