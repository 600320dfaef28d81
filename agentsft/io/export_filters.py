"""Which samples an export takes: ``--type``, ``--lang``, ``--min-judge``, ``--verified-only``.

* judge score: the mean of the judge stage's rubric, ``verification["judge"]["mean"]`` (1-10); a sample the judge
  never scored has none and is left out by ``--min-judge``;
* verified: the sample carries the record of at least one verifier — ``trace`` (tool calls re-executed, answer
  numbers supported), ``cot`` (arithmetic steps recomputed, the vote), ``context`` (a dialogue's later turns refer
  to earlier ones), ``grounded`` (answer supported by its source) — and none of them says it failed
  (``ok``/``passed``/``reference_ok`` false). Samples of instruction stages that no verifier checked are not
  verified, even though the filters kept them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from ..schema import Sample, TaskType

VERIFIERS = ("trace", "cot", "context", "grounded")
_FAILED = ("ok", "passed", "reference_ok")


def judge_score(s: Sample) -> float | None:
    judge = s.verification.get("judge")
    mean = judge.get("mean") if isinstance(judge, dict) else None
    return float(mean) if isinstance(mean, (int, float)) and not isinstance(mean, bool) else None


def _passed(record: Any) -> bool:
    return not (isinstance(record, dict) and any(record.get(k) is False for k in _FAILED))


def verifiers(s: Sample) -> list[str]:
    """The verifiers whose passing record the sample carries."""
    return [v for v in VERIFIERS if v in s.verification and _passed(s.verification[v])]


def is_verified(s: Sample) -> bool:
    found = [v for v in VERIFIERS if v in s.verification]
    return bool(found) and all(_passed(s.verification[v]) for v in found)


class SampleFilter(BaseModel):
    """The export's sample filters; the defaults take everything."""

    model_config = ConfigDict(extra="forbid")

    types: list[TaskType] = []
    lang: str | None = None
    min_judge: float | None = None
    verified_only: bool = False

    @field_validator("types", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        """``--type qa,code --type translation`` -> [qa, code, translation]."""
        if isinstance(value, str):
            value = [value]
        return [t.strip() for v in value or [] for t in str(v).split(",") if t.strip()]

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        if value is not None and value not in ("zh", "en"):
            raise ValueError(f"--lang must be zh or en, not {value!r}")
        return value

    def why_not(self, s: Sample) -> str:
        """"" when the sample is taken, else the filter that leaves it out."""
        if self.types and s.task_type not in self.types:
            return "--type"
        if self.lang and s.lang != self.lang:
            return "--lang"
        if self.min_judge is not None:
            score = judge_score(s)
            if score is None:
                return "--min-judge (no judge score)"
            if score < self.min_judge:
                return "--min-judge"
        if self.verified_only and not is_verified(s):
            return "--verified-only"
        return ""

    def select(self, samples: list[Sample]) -> tuple[list[Sample], dict[str, int]]:
        """(the samples taken, filter -> how many it left out)."""
        kept, dropped = [], Counter()
        for s in samples:
            why = self.why_not(s)
            if why:
                dropped[why] += 1
            else:
                kept.append(s)
        return kept, dict(dropped)

    def describe(self) -> str:
        parts = []
        if self.types:
            parts.append("--type " + ",".join(t.value for t in self.types))
        if self.lang:
            parts.append(f"--lang {self.lang}")
        if self.min_judge is not None:
            parts.append(f"--min-judge {self.min_judge:g}")
        if self.verified_only:
            parts.append("--verified-only")
        return " ".join(parts)
