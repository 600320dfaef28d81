"""The ``reward`` stage: rewarded filtering with a reward model (any Hugging Face sequence-classification model).

``model`` is a local folder holding a sequence-classification model and its tokenizer (``save_pretrained``
output, e.g. a downloaded OpenAssistant/DeBERTa or Skywork reward model). Nothing is downloaded unless
``allow_download`` is set. Each candidate is scored on (prompt, answer):

- a tokenizer with a chat template gets the whole conversation through it (as chat reward models expect);
- otherwise the prompt (instruction and input, or the user turns) and the answer go in as a text pair.

The score is the single logit of a one-label model, or the softmax probability of ``label`` (default 1, "good")
of a several-label model. It is stored on the sample (``verification["reward"]``); below ``threshold`` the
candidate is a ``reward_low_score`` reject. A batch the model cannot score is a ``reward_error`` reject each.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agentsft.schema import Candidate, Reason, Reject, Stage
from agentsft.steps.judge import answer_text


class RewardSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="folder of a sequence-classification model and its tokenizer (or a hub name "
                       "with allow_download)")
    threshold: float | None = Field(default=None, description="minimum score to keep a sample (none: score only)")
    label: int = Field(default=1, ge=0, description="for a several-label model: the label whose probability is "
                       "the score")
    max_length: int = Field(default=1024, ge=16, description="tokens per scored text (longer is truncated)")
    batch_size: int = Field(default=8, ge=1)
    allow_download: bool = Field(default=False, description="let transformers fetch a hub model (online only)")

    @model_validator(mode="after")
    def _exists(self) -> "RewardSettings":
        if not self.allow_download and not Path(self.model).expanduser().is_dir():
            raise ValueError(f"reward model folder {self.model!r} not found (a local save_pretrained folder; set "
                             "allow_download: true to fetch a hub model)")
        return self


_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def load_reward_model(name: str, allow_download: bool = False) -> tuple[Any, Any]:
    """(tokenizer, model) of a sequence-classification model, in eval mode on the CPU; cached per process."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    local = not allow_download
    tokenizer = AutoTokenizer.from_pretrained(name, local_files_only=local)
    model = AutoModelForSequenceClassification.from_pretrained(name, local_files_only=local)
    return tokenizer, model.eval()


def _prompt(c: Candidate) -> str:
    if c.messages:
        users = [m.content or "" for m in c.messages if m.role == "user"]
        if users:
            return "\n\n".join(users)
    return f"{c.instruction}\n\n{c.input}" if c.input else c.instruction


def _chat(c: Candidate) -> list[dict[str, str]]:
    if c.messages:
        return [{"role": m.role, "content": m.content or ""} for m in c.messages if m.role in ("system", "user", "assistant")]
    return [{"role": "user", "content": _prompt(c)}, {"role": "assistant", "content": answer_text(c)}]


def _encode(tokenizer, batch: list[Candidate], max_length: int):
    if getattr(tokenizer, "chat_template", None):
        texts = [tokenizer.apply_chat_template(_chat(c), tokenize=False) for c in batch]
        return tokenizer(texts, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
    return tokenizer([_prompt(c) for c in batch], [answer_text(c) for c in batch], truncation="longest_first",
                     max_length=max_length, padding=True, return_tensors="pt")


def score_candidates(batch: list[Candidate], settings: RewardSettings) -> list[float]:
    """One reward score per candidate, in order."""
    import torch

    tokenizer, model = load_reward_model(settings.model, settings.allow_download)
    scores: list[float] = []
    for start in range(0, len(batch), settings.batch_size):
        part = batch[start:start + settings.batch_size]
        with _LOCK, torch.inference_mode():
            logits = model(**_encode(tokenizer, part, settings.max_length)).logits.float()
        if logits.shape[-1] == 1:
            scores += logits[:, 0].tolist()
        else:
            scores += torch.softmax(logits, dim=-1)[:, settings.label].tolist()
    return scores


def _reject(c: Candidate, reason: Reason, detail: str, cand: dict | None = None) -> Reject:
    return Reject(candidate_id=c.id, stage=Stage.REWARD, reason=reason, detail=detail[:300],
                  candidate=cand or c.model_dump(mode="json", exclude_none=True))


def reward_batch(batch: list[Candidate], svc, settings: RewardSettings) -> tuple[list[Candidate], list[Reject]]:
    """Score every candidate with the reward model; keep those at or above the threshold."""
    if not batch:
        return [], []
    try:
        scores = score_candidates(batch, settings)
    except Exception as exc:  # a model that will not load or run rejects the batch, with the cause
        why = f"reward model failed: {type(exc).__name__}: {exc}".splitlines()[0]
        return [], [_reject(c, Reason.REWARD_ERROR, why) for c in batch]
    kept, rejects = [], []
    for c, score in zip(batch, scores):
        record = {"score": round(score, 4), "model": Path(settings.model).name or settings.model}
        scored = c.model_copy(update={"verification": {**c.verification, "reward": record}})
        if settings.threshold is not None and score < settings.threshold:
            detail = f"score {score:.3f} < {settings.threshold}"
            rejects.append(_reject(c, Reason.REWARD_LOW_SCORE, detail, scored.model_dump(mode="json", exclude_none=True)))
        else:
            kept.append(scored)
    return kept, rejects
