"""OpenAssistant (oasst1 / oasst2) message trees -> conversations.

Two shapes are read (fields as in the OpenAssistant export schema):

* message rows, one message per record (the HF parquet/JSONL splits and ``*.messages.jsonl``):
  ``{message_id, parent_id, role: "prompter" | "assistant", text, lang, rank, deleted, review_result, ...}``;
* the tree export, one tree per record: ``{message_tree_id, tree_state, prompt: {message_id, role, text, lang,
  rank, replies: [node, ...], ...}}`` (a bare root node with ``replies`` is read too).

**One conversation per tree: the best-ranked path.** From the root prompt, each step takes the reply with the
lowest ``rank`` (0 is best; unranked replies after ranked ones, then in file order), skipping deleted messages and
messages whose review failed (``review_result: false``), down to a leaf; a trailing unanswered prompt is dropped.
One path per tree (rather than every root-to-leaf path) keeps a seed pool free of near-identical conversations
sharing their first turns, and takes the answers the annotators preferred. Trees whose root language is not zh or
en, whose root is deleted or failed review, and trees with no answer are skipped; rows whose parent is not in the
file cannot be reached and are skipped too. A conversation keeps the line of its root message.
"""

from __future__ import annotations

from typing import Any

from .errors import InputError, json_type

Record = tuple[int, dict[str, Any]]
_ROLES = {"prompter": "user", "assistant": "assistant"}


def is_oasst(rec: dict[str, Any]) -> bool:
    if {"message_id", "role", "text"} <= set(rec):
        return True
    prompt = rec.get("prompt")
    return isinstance(prompt, dict) and "message_id" in prompt


def _check(node: Any, line: int, where: str) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise InputError("", line, f"oasst record: {where} must be an object, got {json_type(node)}")
    for key in ("message_id", "text", "role"):
        if not isinstance(node.get(key), str):
            got = json_type(node.get(key)) if key in node else "nothing"
            raise InputError("", line, f"oasst record: field '{where}.{key}' must be a string, got {got}")
    if node["role"] not in _ROLES:
        raise InputError("", line, f"oasst record: field '{where}.role' must be prompter or assistant, "
                                   f"got {node['role']!r}")
    return node


def _usable(node: dict[str, Any]) -> bool:
    return not node.get("deleted") and node.get("review_result") is not False


def _rank_key(item: tuple[int, dict[str, Any]]) -> tuple[bool, float, int]:
    order, node = item
    rank = node.get("rank")  # an integer, or a float where a table column holds nulls (NaN never ranks)
    ranked = isinstance(rank, (int, float)) and not isinstance(rank, bool) and rank == rank
    return (not ranked, rank if ranked else 0, order)


def _best(children: list[dict[str, Any]]) -> dict[str, Any] | None:
    usable = [(i, c) for i, c in enumerate(children) if _usable(c)]
    return min(usable, key=_rank_key)[1] if usable else None


def _lang(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower().replace("_", "-").split("-")[0]


def _conversation(root: dict[str, Any], replies_of) -> dict[str, Any] | None:
    lang = _lang(root.get("lang"))
    if root["role"] != "prompter" or not _usable(root) or lang not in (None, "zh", "en"):
        return None
    path, node = [root], root
    while True:
        node = _best(replies_of(node))
        if node is None:
            break
        path.append(node)
    while path and path[-1]["role"] != "assistant":
        path.pop()
    if not path:
        return None
    out: dict[str, Any] = {"id": root["message_id"],
                           "messages": [{"role": _ROLES[n["role"]], "content": n["text"]} for n in path]}
    if root.get("message_tree_id") is not None:
        out["message_tree_id"] = root["message_tree_id"]
    if lang:
        out["lang"] = lang
    return out


def _tree_nodes(node: dict[str, Any], line: int, where: str) -> None:
    """Validate a nested tree (iteratively: trees can be deep)."""
    stack = [(node, where)]
    while stack:
        current, at = stack.pop()
        _check(current, line, at)
        replies = current.get("replies") or []
        if not isinstance(replies, list):
            raise InputError("", line, f"oasst record: field '{at}.replies' must be a list")
        stack.extend((r, f"{at}.replies[{i}]") for i, r in enumerate(replies))


def oasst_conversations(records: list[Record]) -> list[Record]:
    """The best-ranked conversation of every tree in ``records`` (rows, trees or both), in file order.
    Raises InputError (path left empty for the caller) for a malformed message."""
    found: list[Record] = []
    rows: list[Record] = []
    for line, rec in records:
        tree = rec.get("prompt") if isinstance(rec.get("prompt"), dict) else None
        if tree is None and isinstance(rec.get("replies"), list) and rec.get("parent_id") is None:
            tree = rec
        if tree is None:
            rows.append((line, _check(rec, line, "message")))
            continue
        _tree_nodes(tree, line, "prompt" if tree is not rec else "message")
        if rec.get("message_tree_id") is not None and tree is not rec:
            tree = {**tree, "message_tree_id": rec["message_tree_id"]}
        conv = _conversation(tree, lambda n: n.get("replies") or [])
        if conv is not None:
            found.append((line, conv))
    if rows:
        found += _from_rows(rows)
        found.sort(key=lambda item: item[0])
    return found


def _from_rows(rows: list[Record]) -> list[Record]:
    children: dict[str, list[dict[str, Any]]] = {}
    roots: list[Record] = []
    for line, row in rows:
        parent = row.get("parent_id")
        if parent is None or parent == "":
            roots.append((line, row))
        else:
            children.setdefault(str(parent), []).append(row)
    out = []
    for line, root in roots:
        conv = _conversation(root, lambda n: children.get(n["message_id"], []))
        if conv is not None:
            out.append((line, conv))
    return out
