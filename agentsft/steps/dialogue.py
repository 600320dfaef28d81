"""Multi-turn dialogue synthesis: a user simulator and an assistant, prompted separately, talk for 2-N turns.

Each candidate's instruction is the user's first message: a need in a situation, or a role and a scene for the
assistant ("你是一名旅行顾问……"). Then, step-synchronously over the batch (one ``complete_many`` per step for
every dialogue still running, as the tool-use loop does):

* the **assistant** answers the conversation so far under its own system prompt (``dialogue_assistant``); every
  assistant turn must pass the quality filters (empty, echo, repetition, wrong language, cut off, a copy of an
  earlier assistant turn), else the dialogue is rejected with that filter's reason and the turn number;
* the **user simulator** sees the scenario and a transcript in one prompt (``dialogue_user``) and writes the
  next user message. It stops the dialogue by answering the stop token (``[结束]`` / ``[END]``), by repeating
  an earlier user turn, or by writing something no user would send (empty, wrong language, degenerate); the
  dialogue also stops after ``max_turns`` user turns. A dialogue always ends on an assistant turn.

Then a dialogue with fewer than ``min_turns`` user turns is ``dialogue_too_short``, and one whose later user
turns do not refer to earlier content (``agentsft.verify.context``) is ``dialogue_no_context``. The kept
candidate holds the conversation as ``messages`` (user/assistant turns; the generation system prompt is left
out unless ``keep_system``), ``task_type = multi_turn``, ``output`` = the first assistant reply, and
``verification["context"]`` (per-turn scores) and ``verification["dialogue"]`` (turns, why it stopped).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agentsft.filters.heuristic import check_output, echoes, non_text, repetitive, wrong_language
from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Message, Reason, Reject, Stage, TaskType, normalise
from agentsft.steps.stages import model_of, register_stage
from agentsft.text import strip_think, trim_to_sentence
from agentsft.verify.context import check_context

DIALOGUE_PROMPTS = ("dialogue_assistant", "dialogue_user")
STOP_TOKENS = {"zh": "[结束]", "en": "[END]"}
_STOP = re.compile(r"\[\s*(?:结束|END|DONE)\s*\]|【\s*结束\s*】", re.I)
_LABELS = {"zh": ("用户", "助手"), "en": ("User", "Assistant")}
_USER_PREFIX = re.compile(r"^\s*(?:\*\*)?(?:用户|顾客|游客|我|user|customer|me)(?:\*\*)?\s*[:：]\s*", re.I)
_OTHER_SPEAKER = re.compile(r"^\s*(?:\*\*)?(?:助手|助理|assistant|ai)(?:\*\*)?\s*[:：]", re.I | re.M)
_QUOTES = "“”\"'「」『』"
TRANSCRIPT_TURN_CHARS = 600  # each turn as the simulator sees it (small models lose the thread in long prompts)


class DialogueSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_turns: int = Field(default=2, ge=2, le=12, description="user turns a dialogue needs to be kept")
    max_turns: int = Field(default=4, ge=2, le=12, description="user turns after which the dialogue stops")
    temperature: float = Field(default=0.7, ge=0, le=2, description="assistant sampling temperature")
    max_tokens: int = Field(default=384, ge=16, description="assistant turn length limit")
    user_temperature: float = Field(default=0.8, ge=0, le=2)
    user_max_tokens: int = Field(default=128, ge=8)
    min_turn_score: float = Field(default=0.5, ge=0, le=1, description="context score a later user turn needs "
                                  "to count as referring to earlier content")
    min_context_share: float = Field(default=0.5, ge=0, le=1, description="share of later user turns that must "
                                     "refer to earlier content (else dialogue_no_context)")
    keep_system: bool = Field(default=False, description="store the assistant's generation system prompt as "
                              "the sample's first message")
    user_model: str = Field(default="main", description="model of the user simulator ('main' = the run's; "
                            "others from the recipe's models block)")
    assistant_model: str = Field(default="main", description="model of the assistant")

    @model_validator(mode="after")
    def _check(self) -> "DialogueSettings":
        if self.min_turns > self.max_turns:
            raise ValueError("min_turns must not exceed max_turns")
        return self


class _Dialogue:
    """One candidate's conversation while the loop runs."""

    def __init__(self, cand: Candidate):
        self.cand = cand
        self.turns: list[dict[str, str]] = [{"role": "user", "content": cand.instruction.strip()}]
        self.done = False
        self.failed = False
        self.stop = ""

    @property
    def user_turns(self) -> int:
        return sum(t["role"] == "user" for t in self.turns)

    def texts(self, role: str) -> list[str]:
        return [t["content"] for t in self.turns if t["role"] == role]

    def end(self, why: str) -> None:
        self.done, self.stop = True, why


def _reject(d: _Dialogue, reason: Reason, detail: str) -> Reject:
    cand = d.cand.model_dump(mode="json")
    cand["messages"] = list(d.turns)
    d.done = d.failed = True
    return Reject(candidate_id=d.cand.id, stage=Stage.DIALOGUE, reason=reason, detail=detail[:500], candidate=cand)


# -- the assistant -------------------------------------------------------------------------------------------

def clean_assistant(text: str) -> str:
    """The assistant's own reply: no reasoning block, nothing from a line where it starts speaking as the user."""
    text = strip_think(text)
    cut = re.search(r"^\s*(?:\*\*)?(?:用户|user)(?:\*\*)?\s*[:：]", text, re.I | re.M)
    return (text[: cut.start()] if cut else text).strip()


def assistant_problem(reply: str, user: str, earlier: list[str], lang: str,
                      min_chars: int) -> tuple[Reason, str] | None:
    """The first quality filter an assistant turn fails, or None."""
    found = check_output(user, "", reply, lang, min_chars)
    if found:
        return found
    if wrong_language(reply, lang):
        return Reason.WRONG_LANGUAGE, "not in the run's language"
    for i, prev in enumerate(earlier, 1):
        if normalise(prev) == normalise(reply) or echoes(reply, prev, lang, 0.8):
            return Reason.REPETITIVE, f"repeats assistant turn {i}"
    return None


def _assistant_step(active: list[_Dialogue], svc, settings: DialogueSettings, system: str) -> list[Reject]:
    requests = [[{"role": "system", "content": system}, *d.turns] for d in active]
    results = model_of(svc, settings.assistant_model).complete_many(
        requests, temperature=settings.temperature, max_tokens=settings.max_tokens, seed=svc.cfg.seed,
        tag="dialogue_assistant")
    rejects = []
    for d, result in zip(active, results):
        turn = d.user_turns
        if not result.ok:
            rejects.append(_reject(d, Reason.LLM_ERROR, f"assistant turn {turn}: {result.error}"))
            continue
        reply = clean_assistant(result.text)
        if result.cut_off(settings.max_tokens):
            reply = trim_to_sentence(reply)
            if not reply:
                rejects.append(_reject(d, Reason.TRUNCATED, f"assistant turn {turn} cut at max_tokens"))
                continue
        problem = assistant_problem(reply, d.turns[-1]["content"], d.texts("assistant"), svc.lang,
                                    svc.cfg.filters.min_output_chars)
        if problem:
            rejects.append(_reject(d, problem[0], f"assistant turn {turn}: {problem[1]}"))
            continue
        d.turns.append({"role": "assistant", "content": reply})
    return rejects


# -- the user simulator --------------------------------------------------------------------------------------

def transcript(d: _Dialogue, lang: str) -> str:
    """The conversation as the simulator reads it, one labelled turn per paragraph."""
    user, bot = _LABELS[lang]
    lines = []
    for t in d.turns:
        text = t["content"]
        if len(text) > TRANSCRIPT_TURN_CHARS:
            text = text[:TRANSCRIPT_TURN_CHARS] + "…"
        lines.append(f"{user if t['role'] == 'user' else bot}：{text}" if lang == "zh" else
                     f"{user if t['role'] == 'user' else bot}: {text}")
    return "\n\n".join(lines)


def clean_user(text: str) -> str:
    """The simulator's message: no reasoning, no speaker label, nothing from where it speaks as the assistant."""
    text = _USER_PREFIX.sub("", strip_think(text).strip())
    cut = _OTHER_SPEAKER.search(text)
    if cut:
        text = text[: cut.start()]
    return text.strip().strip(_QUOTES).strip()


def user_stop(text: str, earlier: list[str], lang: str) -> str:
    """Why the simulator's message ends the dialogue instead of continuing it (``""``: it continues)."""
    if _STOP.search(text):
        return "simulator ended"
    if not text:
        return "empty user turn"
    for i, prev in enumerate(earlier, 1):
        if normalise(prev) == normalise(text) or echoes(text, prev, lang, 0.8):
            return f"repeats user turn {i}"
    for flt in (non_text, wrong_language, repetitive):
        reason = flt(text, lang)
        if reason:
            return f"user turn failed {reason.value}"
    return ""


def _user_step(active: list[_Dialogue], svc, settings: DialogueSettings) -> list[Reject]:
    prompt = load_prompt("dialogue_user", svc.lang, svc.cfg.prompt_version)
    requests = [[{"role": "user", "content": prompt.render(scenario=d.cand.instruction.strip(),
                                                           transcript=transcript(d, svc.lang),
                                                           stop=STOP_TOKENS[svc.lang])}] for d in active]
    results = model_of(svc, settings.user_model).complete_many(
        requests, temperature=settings.user_temperature, max_tokens=settings.user_max_tokens, seed=svc.cfg.seed,
        tag="dialogue_user")
    rejects = []
    for d, result in zip(active, results):
        if not result.ok:
            rejects.append(_reject(d, Reason.LLM_ERROR, f"user turn {d.user_turns + 1}: {result.error}"))
            continue
        text = clean_user(result.text)
        if result.cut_off(settings.user_max_tokens):
            text = trim_to_sentence(text)
        why = user_stop(text, d.texts("user"), svc.lang)
        if why:
            d.end(why)
        else:
            d.turns.append({"role": "user", "content": text})
    return rejects


# -- the stage -----------------------------------------------------------------------------------------------

def _settle(d: _Dialogue, svc, settings: DialogueSettings, system: str) -> Candidate | Reject:
    """The finished dialogue as a kept candidate, or its reject (too short, no context)."""
    if d.user_turns < settings.min_turns:
        return _reject(d, Reason.DIALOGUE_TOO_SHORT,
                       f"{d.user_turns} user turn(s) < min_turns {settings.min_turns} ({d.stop})")
    check = check_context(d.turns, svc.lang, settings.min_turn_score, settings.min_context_share)
    if not check.ok:
        rej = _reject(d, Reason.DIALOGUE_NO_CONTEXT, check.detail)
        rej.candidate["verification"] = {**d.cand.verification, "context": check.as_dict()}
        return rej
    head = [Message(role="system", content=system)] if settings.keep_system else []
    return d.cand.model_copy(update={
        "messages": head + [Message(role=t["role"], content=t["content"]) for t in d.turns],
        "output": d.turns[1]["content"], "task_type": TaskType.MULTI_TURN,
        "verification": {**d.cand.verification, "context": check.as_dict(),
                         "dialogue": {"user_turns": d.user_turns, "stop": d.stop}}})


def dialogue_batch(batch: list[Candidate], svc,
                   settings: DialogueSettings) -> tuple[list[Candidate], list[Reject]]:
    """Talk each scenario through with a user simulator; keep context-dependent dialogues of min_turns+ turns."""
    system = load_prompt("dialogue_assistant", svc.lang, svc.cfg.prompt_version).render()
    dialogues = [_Dialogue(c) for c in batch]
    rejects: list[Reject] = []
    for turn in range(1, settings.max_turns + 1):
        rejects += _assistant_step([d for d in dialogues if not d.done], svc, settings, system)
        active = [d for d in dialogues if not d.done]
        if turn == settings.max_turns:
            for d in active:
                d.end("max_turns")
            break
        rejects += _user_step(active, svc, settings)
    kept = []
    for d in dialogues:
        if d.failed:
            continue
        settled = _settle(d, svc, settings, system)
        (rejects if isinstance(settled, Reject) else kept).append(settled)
    return kept, rejects


register_stage("dialogue", DialogueSettings, prompts=DIALOGUE_PROMPTS)(dialogue_batch)
