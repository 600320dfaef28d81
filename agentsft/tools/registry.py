"""A registry of callable tools: OpenAI function schemas, argument validation and guarded calls.

Tools come from plain Python callables (schema derived from the signature, type hints and docstring), LangChain
``BaseTool`` objects, or ``"package.module:attr"`` paths (how recipes name tools). ``call`` never raises: unknown
tools, bad arguments, exceptions and timeouts all become a ``ToolOutcome`` with ``ok=False`` and an
``error: ...`` observation text, which is what a tool turn of a generated conversation carries.

Timeouts: a user callable runs in a fresh daemon thread joined with ``timeout`` seconds. A Python thread cannot be
killed, so a timed-out call keeps running in the background until it returns (being a daemon it does not block
interpreter exit); tools that may hang should bound themselves. The built-in calculator runs inline: its input
limits already bound it to milliseconds.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable

from agentsft.tools.calculator import CALCULATOR_SCHEMA, calculate
from agentsft.tools.jsonargs import parse_arguments, validate_value

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class ToolOutcome:
    """The result of one tool call; ``content`` is the observation text ("error: ..." when not ok)."""

    ok: bool
    content: str
    error: str = ""  # "unknown_tool" | "bad_arguments" | "tool_error" | "timeout"


@dataclass(frozen=True)
class _Tool:
    name: str
    run: Callable[[dict], Any]  # arguments dict -> result (or raises)
    schema: dict
    reexecutable: bool
    inline: bool = False        # run in the caller's thread (only for tools bounded by construction)


class ToolRegistry:
    """Named tools with OpenAI function schemas; ``call`` validates the arguments and runs with a timeout."""

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout
        self._tools: dict[str, _Tool] = {}

    # -- registration -------------------------------------------------------------------------------------
    def register(self, fn: Callable[..., Any], schema: dict | None = None, name: str | None = None,
                 reexecutable: bool = True) -> None:
        """Add a plain callable (a LangChain tool is passed on to ``register_langchain``).

        Without ``schema`` one is derived: parameters from the signature (types from the hints, via pydantic),
        required = parameters without defaults, descriptions from the docstring (first paragraph, and an
        ``Args:`` section if present). ``reexecutable`` says whether replaying a call is harmless (no side
        effects), which lets a resumed run re-execute the tool instead of trusting a stored observation.
        """
        if _is_langchain_tool(fn):
            self.register_langchain(fn)
            return
        if not callable(fn):
            raise TypeError(f"not callable: {fn!r}")
        schema = _normalize_schema(schema) if schema is not None else derive_schema(fn)
        tool_name = name or schema["function"]["name"]
        schema["function"]["name"] = tool_name
        self._add(_Tool(tool_name, lambda args: fn(**args), schema, reexecutable))

    def register_langchain(self, tool: Any, reexecutable: bool = True) -> None:
        """Add a langchain_core ``BaseTool``: its name, description and argument schema; runs ``tool.invoke``."""
        from langchain_core.utils.function_calling import convert_to_openai_tool

        schema = _normalize_schema(convert_to_openai_tool(tool))
        self._add(_Tool(tool.name, tool.invoke, schema, reexecutable))

    def register_path(self, path: str, reexecutable: bool = True) -> None:
        """Import ``"package.module:attr"`` (attr may be dotted) and register it as a callable or LangChain tool."""
        module_name, sep, attr = path.partition(":")
        if not sep or not module_name or not attr:
            raise ValueError(f"tool path must look like 'package.module:attr', got {path!r}")
        target: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            target = getattr(target, part)
        self.register(target, reexecutable=reexecutable)

    def _add(self, tool: _Tool) -> None:
        if not _NAME.match(tool.name):
            raise ValueError(f"tool name must match {_NAME.pattern}, got {tool.name!r}")
        if tool.name in self._tools:
            raise ValueError(f"tool {tool.name!r} is already registered")
        self._tools[tool.name] = tool

    # -- queries ------------------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return list(self._tools)

    def has(self, name: str) -> bool:
        return name in self._tools

    def schema(self, name: str) -> dict:
        """The tool's OpenAI function schema (a copy); KeyError for an unknown tool."""
        return copy.deepcopy(self._tools[name].schema)

    def schemas(self) -> list[dict]:
        return [copy.deepcopy(tool.schema) for tool in self._tools.values()]

    def is_reexecutable(self, name: str) -> bool:
        return self._tools[name].reexecutable

    # -- calls --------------------------------------------------------------------------------------------
    def validate(self, name: str, arguments: str | dict) -> tuple[dict | None, str]:
        """(parsed arguments, "") or (None, reason): a JSON object matching the tool's parameter schema."""
        tool = self._tools.get(name) if isinstance(name, str) else None
        if tool is None:
            return None, f"unknown tool {name!r}"
        args, problem = parse_arguments(arguments)
        if problem:
            return None, problem
        problem = validate_value(args, tool.schema["function"].get("parameters") or {"type": "object"}, "")
        return (None, problem) if problem else (args, "")

    def call(self, name: str, arguments: str | dict) -> ToolOutcome:
        """Validate and run one call; never raises (every failure is a ToolOutcome with ok=False)."""
        tool = self._tools.get(name) if isinstance(name, str) else None
        if tool is None:
            known = ", ".join(self._tools) or "none"
            return ToolOutcome(False, f"error: unknown tool {name!r} (available: {known})", "unknown_tool")
        args, problem = self.validate(name, arguments)
        if args is None:
            return ToolOutcome(False, f"error: bad arguments for {name}: {problem}", "bad_arguments")
        if tool.inline:
            return _run_inline(tool, args)
        return _run_threaded(tool, args, self.timeout)


def default_registry(timeout: float = 5.0) -> ToolRegistry:
    """A registry holding the built-in ``calculator`` (run inline; its errors are CalcResult errors)."""
    registry = ToolRegistry(timeout=timeout)
    registry._add(_Tool("calculator", _calculator_tool, copy.deepcopy(CALCULATOR_SCHEMA), True, inline=True))
    return registry


class _ToolFailed(Exception):
    """A tool reported failure with a message meant for the observation as is."""


def _calculator_tool(args: dict) -> str:
    result = calculate(args["expression"])
    if not result.ok:
        raise _ToolFailed(result.error)
    return result.text


def _run_inline(tool: _Tool, args: dict) -> ToolOutcome:
    try:
        return ToolOutcome(True, _to_text(tool.run(args)))
    except _ToolFailed as e:
        return ToolOutcome(False, f"error: {e}", "tool_error")
    except Exception as e:
        return ToolOutcome(False, f"error: {type(e).__name__}: {e}", "tool_error")


def _run_threaded(tool: _Tool, args: dict, timeout: float) -> ToolOutcome:
    box: dict[str, ToolOutcome] = {}
    worker = threading.Thread(target=lambda: box.update(out=_run_inline(tool, args)),
                              name=f"tool-{tool.name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if "out" not in box:
        return ToolOutcome(False, f"error: tool {tool.name} timed out after {timeout:g} s", "timeout")
    return box["out"]


def _to_text(result: Any) -> str:
    if isinstance(result, str):
        return result
    if result is None:
        return ""
    if isinstance(result, (dict, list, tuple, bool, int, float)):
        return json.dumps(result, ensure_ascii=False, default=str)
    content = getattr(result, "content", None)  # a LangChain ToolMessage
    return content if isinstance(content, str) else str(result)


def _is_langchain_tool(obj: Any) -> bool:
    try:
        from langchain_core.tools import BaseTool
    except ImportError:  # pragma: no cover - langchain_core is a dependency
        return False
    return isinstance(obj, BaseTool)


def _normalize_schema(schema: dict) -> dict:
    """Accept the full ``{"type": "function", "function": {...}}`` form or the bare ``{"name", ...}`` one."""
    schema = copy.deepcopy(schema)
    function = schema.get("function", schema) if schema.get("type") == "function" else schema
    if not isinstance(function, dict) or not function.get("name"):
        raise ValueError("a tool schema needs a function name")
    function.setdefault("parameters", {"type": "object", "properties": {}})
    return {"type": "function", "function": function}


def derive_schema(fn: Callable[..., Any]) -> dict:
    """An OpenAI function schema from ``fn``'s signature, type hints (pydantic) and docstring."""
    from pydantic import TypeAdapter

    summary, arg_docs = _docstring_parts(inspect.getdoc(fn) or "")
    hints = _type_hints(fn)
    properties: dict[str, dict] = {}
    required: list[str] = []
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            raise ValueError(f"cannot derive a schema for parameter {param.name!r} of kind {param.kind.name}; "
                             "pass schema=")
        prop = TypeAdapter(hints[param.name]).json_schema() if param.name in hints else {}
        prop.pop("title", None)
        if param.name in arg_docs:
            prop["description"] = arg_docs[param.name]
        properties[param.name] = prop
        if param.default is param.empty:
            required.append(param.name)
    name = getattr(fn, "__name__", type(fn).__name__)
    parameters = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    return {"type": "function", "function": {"name": name, "description": summary or name,
                                             "parameters": parameters}}


def _type_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    import typing

    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # unresolvable forward references: fall back to untyped parameters
        hints = {}
    hints.pop("return", None)
    return hints


def _docstring_parts(doc: str) -> tuple[str, dict[str, str]]:
    """(first paragraph, {param: description}) from a docstring with an optional Google-style Args: section."""
    summary = " ".join(doc.split("\n\n", 1)[0].split())
    args: dict[str, str] = {}
    match = re.search(r"^(?:Args|Arguments|Parameters):\s*\n((?:[ \t]+.*\n?)+)", doc, re.MULTILINE)
    if match:
        for line in match.group(1).splitlines():
            item = re.match(r"\s*(\w+)(?:\s*\([^)]*\))?\s*:\s*(.+)", line)
            if item:
                args[item.group(1)] = item.group(2).strip()
    return summary, args
