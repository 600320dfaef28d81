"""Verification of tool-use traces: numbers a text states (``numbers``), one trace against a tool registry
(``traces``), and whole files (``run``: the ``agentsft verify`` engine)."""

from .numbers import Num, extract_numbers, supported
from .run import VerifySummary, verify_file, verify_record
from .traces import TraceCheck, parse_text_tool_calls, results_agree, verify_trace

__all__ = ["Num", "TraceCheck", "VerifySummary", "extract_numbers", "parse_text_tool_calls", "results_agree",
           "supported", "verify_file", "verify_record", "verify_trace"]
