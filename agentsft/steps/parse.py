"""Parse a model's answer to a proposal prompt into instruction strings.

Handles numbered lists (``1.``, ``1、``, ``(1)``, ``1)``, ``第1条：``, ``Task 3:``), bullets, JSON arrays
(of strings or of objects with an ``instruction`` field), fenced blocks and ``<think>`` blocks.
"""

from __future__ import annotations

import json
import re

from agentsft.text import strip_think

_FENCE = re.compile(r"^```[a-zA-Z]*\s*$")
_ITEM = re.compile(
    r"""^\s*(?:(?:[-•·]|\*(?!\*))\s*)?(?:\*\*)?(?:   # a lone "*" is a bullet, "**" opens bold
        (?:task|instruction|指令|任务)\s*\d+\s*[:：.、]      # Task 3: / 任务3：
      | 第\s*\d+\s*[条个项]\s*[:：.、]?                      # 第3条：
      | [(（]\s*\d+\s*[)）]                                 # (3)
      | \d+\s*[.)、:：．]                                   # 3. 3) 3、
      | [-*•·]                                             # bullets
    )(?:\*\*)?\s*""",
    re.I | re.X,
)
_LABEL = re.compile(r"^\s*(?:\*\*)?(?:instruction|指令|任务)\s*[:：]\s*", re.I)
_QUOTES = "\"'“”‘’「」『』"


def _from_json(text: str) -> list[str] | None:
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(text[start : end + 1])
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    out = []
    for item in data:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("instruction"), str):
            out.append(item["instruction"])
    return out or None


def _clean(item: str) -> str:
    item = _LABEL.sub("", item.strip())
    item = item.replace("**", "").strip()
    if len(item) >= 2 and item[0] in _QUOTES and item[-1] in _QUOTES:
        item = item[1:-1].strip()
    return item


def _from_lines(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if not _FENCE.match(ln.strip())]
    if not any(_ITEM.match(ln) for ln in lines):
        return [ln for ln in lines if ln.strip()]  # unnumbered answer: one instruction per line
    items: list[list[str]] = []
    open_item = False
    for line in lines:
        match = _ITEM.match(line)
        if match:
            items.append([line[match.end() :]])
            open_item = True
        elif not line.strip():
            open_item = False  # a blank line ends an item; text after it is commentary
        elif open_item:
            items[-1].append(line.strip())
    return [" ".join(part.strip() for part in item) for item in items]


def parse_instructions(answer: str) -> list[str]:
    """All instruction strings found in ``answer``, cleaned, empty ones dropped, order kept."""
    text = strip_think(answer)
    items = _from_json(text) if text.lstrip().startswith(("[", "```")) else None
    if items is None:
        items = _from_lines(text)
    cleaned = [_clean(i) for i in items]
    return [c for c in cleaned if c]
