"""The ``tokens`` stage: count each candidate's tokens, store them on the sample, enforce a limit.

The counts (prompt / response / total, by the recipe's tokenizer: the offline default is the embedded GGUF's
vocabulary) go to ``verification["tokens"]``; over ``max_tokens`` is a ``too_many_tokens`` reject. A tokenizer that
cannot load is a config problem, found when the stage first runs.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agentsft.schema import Candidate, Reject, Stage, single_turn
from agentsft.tokens import count_tokens, get_tokenizer, too_many_tokens


class TokenSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tokenizer: str = Field(default="default", description="default (offline: the embedded GGUF's vocabulary), "
                           "hf:NAME_OR_PATH (a tokenizer on disk), or a .gguf path")
    max_tokens: int | None = Field(default=None, ge=1, description="reject samples longer than this (total)")


def _messages(c: Candidate):
    return c.messages if c.messages else single_turn(c.instruction, c.input, c.output)[0]


def tokens_batch(batch: list[Candidate], svc, settings: TokenSettings) -> tuple[list[Candidate], list[Reject]]:
    """Count tokens, store them, and reject candidates over the limit."""
    tok = get_tokenizer(settings.tokenizer)
    kept, rejects = [], []
    for c in batch:
        counts = count_tokens(tok, _messages(c))
        over = too_many_tokens(counts, settings.max_tokens)
        if over:
            rejects.append(Reject(candidate_id=c.id, stage=Stage.FILTER, reason=over[0], detail=over[1],
                                  candidate=c.model_dump(mode="json", exclude_none=True)))
        else:
            kept.append(c.model_copy(update={"verification": {**c.verification, "tokens": {**counts, "tokenizer": tok.name}}}))
    return kept, rejects
