"""The human task labels of the public sets in ``data/`` mapped to ours (see README.md, "Label maps")."""

from __future__ import annotations

from agentsft.schema import TaskType as T

# databricks-dolly-15k category -> ours
DOLLY_MAP = {"open_qa": T.QA, "closed_qa": T.QA, "general_qa": T.QA, "classification": T.CLASSIFICATION,
             "brainstorming": T.GENERATION, "creative_writing": T.GENERATION,
             "information_extraction": T.EXTRACTION, "summarization": T.SUMMARIZATION}
# BELLE eval_set.json class -> ours ("other" has no counterpart and is skipped)
BELLE_MAP = {"open qa": T.QA, "closed qa": T.QA, "brainstorming": T.GENERATION, "generation": T.GENERATION,
             "classification": T.CLASSIFICATION, "code": T.CODE, "extract": T.EXTRACTION, "math": T.TOOL_USE,
             "rewrite": T.PARAPHRASE, "summarization": T.SUMMARIZATION, "translation": T.TRANSLATION}
