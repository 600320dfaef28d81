"""Prompt templates, one file per prompt, language and version: ``prompts/<lang>/<name>.<version>.txt``.

Templates use ``$name`` placeholders (``string.Template``) so that braces in seeds or model text are harmless.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Prompt:
    name: str
    lang: str
    version: str
    template: Template

    @property
    def id(self) -> str:
        return f"{self.lang}/{self.name}.{self.version}"

    def render(self, **values: object) -> str:
        return self.template.substitute({k: str(v) for k, v in values.items()})


@lru_cache(maxsize=None)
def load_prompt(name: str, lang: str, version: str = "v1") -> Prompt:
    path = HERE / lang / f"{name}.{version}.txt"
    if not path.exists():
        raise FileNotFoundError(f"no prompt template {path.relative_to(HERE.parent)}")
    return Prompt(name, lang, version, Template(path.read_text(encoding="utf-8")))


def prompt_digest(lang: str, version: str, names: tuple[str, ...]) -> str:
    """sha256 over the named templates of one language and version (names and texts): what a run's data
    depends on. A template a run does not use does not count."""
    h = hashlib.sha256()
    for name in sorted(names):
        path = HERE / lang / f"{name}.{version}.txt"
        h.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return h.hexdigest()[:16]
