"""Rule filters. Each filter is ``(text, lang) -> Reason | None``; ``None`` means keep."""

from agentsft.filters.heuristic import check_instruction, check_output

__all__ = ["check_instruction", "check_output"]
