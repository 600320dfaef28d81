"""Tools a generated conversation can call: the exact ``calculator`` and the ``ToolRegistry`` that validates and
runs tool calls (plain Python callables, LangChain tools, ``package.module:attr`` paths)."""

from agentsft.tools.calculator import CALCULATOR_SCHEMA, CalcResult, calculate, calculator
from agentsft.tools.registry import ToolOutcome, ToolRegistry, default_registry

__all__ = ["CALCULATOR_SCHEMA", "CalcResult", "ToolOutcome", "ToolRegistry", "calculate", "calculator",
           "default_registry"]
