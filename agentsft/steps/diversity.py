"""Diversity operators as stages: ``paraphrase`` (other phrasing and tone) and ``evol`` (Evol-Instruct style
in-depth and in-breadth evolution) of each candidate's instruction.

Both run before the response stages (``instances``, ``cot``...), so the response answers the rewritten
instruction; a candidate that already carries a response or a conversation is left as it is (recorded).

* ``paraphrase`` rewrites the instruction in a tone — ``formal``, ``casual``, ``terse``, ``detailed``
  (``prompts/<lang>/paraphrase.v1.txt``, tone wording in ``paraphrase_tones.v1.txt``) — same request.
* ``evol`` applies one operator (``prompts/<lang>/evol_<op>.v1.txt``): in depth ``constraints`` (add a
  constraint), ``deepen`` (ask in more depth and breadth), ``concretise`` (general → specific concepts),
  ``reasoning`` (require several reasoning steps); in breadth ``breadth`` (a new, rarer task of the same domain).

Tone and operator are fixed by the settings or drawn per candidate from a hash of the run seed, the stage and the
candidate id (reproducible; a resumed run draws the same). ``share`` rewrites only that fraction of candidates.

The rewrite **replaces** the instruction: a stage must give back every candidate it was given exactly once, and
the ledger has minted the candidate already, so adding the rewrite as an extra candidate would break the
accounting. The original stays on the sample: ``provenance.rewrites`` holds stage, operator, tone, prompt and the
original instruction.

Every rewrite is checked (``diversity_checks.unusable``): parsed and not empty, not the prompt echoed or talked
about, not unchanged (wording overlap with the original below ``max_overlap``: difflib's ratio over characters
for zh, words for en; 0.85 for paraphrase, 0.95 for evol), the instruction filters (length,
language, media/files, bad start, repetition), no refusal or AI self-talk, still a task; optionally an
answerability judge (``check: true``, for capable endpoints); then the novelty gate against the pool, the
batch's other instructions and (``compare_original``, evol's default) its own original. A failure is a
``rewrite_unusable`` reject (a duplicate of the pool or of another candidate keeps the gate's own code), or with
``on_fail: keep`` the original goes on unchanged with the failure recorded in ``provenance.rewrites``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentsft.prompts import Prompt, load_prompt
from agentsft.schema import Candidate, Reason, Reject, Stage
from agentsft.steps.classify import classify
from agentsft.steps.diversity_checks import ANSWERABLE_FORMAT, clean_rewrite, fixed_wording, parse_answerable, unusable
from agentsft.steps.stages import model_of, register_stage

TONES = ("formal", "casual", "terse", "detailed")
DEPTH_OPS = ("constraints", "deepen", "concretise", "reasoning")
EVOL_OPS = (*DEPTH_OPS, "breadth")
PARAPHRASE_PROMPTS = ("paraphrase", "paraphrase_tones", "evol_answerable")
EVOL_PROMPTS = tuple(f"evol_{op}" for op in EVOL_OPS) + ("evol_answerable",)
ORIGINAL = "~original"  # suffix of an original instruction's id in the novelty check
Tone = Literal["formal", "casual", "terse", "detailed"]
EvolOp = Literal["constraints", "deepen", "concretise", "reasoning", "breadth"]


class RewriteSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(default="main", description="rewriting model: 'main' or a name from the recipe's models block")
    share: float = Field(default=1.0, ge=0, le=1, description="fraction of candidates rewritten (drawn per candidate)")
    on_fail: Literal["reject", "keep"] = Field(default="reject", description="an unusable rewrite: reject the "
                                               "candidate (rewrite_unusable) or keep its original (recorded)")
    max_overlap: float = Field(default=0.85, gt=0, le=1, description="wording overlap with the original (difflib "
                               "ratio over characters for zh, words for en) at or above which a rewrite is unchanged")
    check: bool = Field(default=False, description="also ask the model whether the rewrite is still answerable "
                        "(a JSON verdict; for capable endpoints)")
    temperature: float = Field(default=0.7, ge=0, le=2)
    max_tokens: int = Field(default=256, ge=16)
    keep_details: bool = Field(default=True, description="a rewrite must keep every number, date and quoted phrase "
                               "of the original (not checked for evol's breadth, a new task)")


class ParaphraseSettings(RewriteSettings):
    tones: list[Tone] = Field(default=list(TONES), min_length=1, description="tones drawn from")
    tone: Tone | None = Field(default=None, description="one fixed tone instead of drawing")
    compare_original: bool = Field(default=False, description="also gate the paraphrase against its own original "
                                   "(off: a paraphrase means the same by design; 'unchanged' is checked on wording)")


class EvolSettings(RewriteSettings):
    operators: list[EvolOp] = Field(default=list(EVOL_OPS), min_length=1,
                                    description="operators drawn from (depth: constraints, deepen, concretise, "
                                                "reasoning; breadth: breadth)")
    operator: EvolOp | None = Field(default=None, description="one fixed operator instead of drawing")
    max_overlap: float = Field(default=0.95, gt=0, le=1, description="as for paraphrase, higher: an added constraint "
                               "of a few words is a real evolution")
    compare_original: bool = Field(default=True, description="the evolved task must not be a near-duplicate of "
                                   "its own original (novelty gate)")


@dataclass
class Job:
    cand: Candidate
    operator: str
    tone: str | None
    prompt: Prompt
    text: str = ""  # the rendered prompt, then
    rewrite: str = ""
    usage: object = None
    seconds: float = 0.0


def draw(seed: int, stage: str, cand_id: str, salt: str) -> float:
    """A reproducible number in [0, 1) per (run seed, stage, candidate, purpose)."""
    digest = hashlib.sha256(f"{seed}\x1f{stage}\x1f{cand_id}\x1f{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def pick(options: list[str], seed: int, stage: str, cand_id: str) -> str:
    return options[int(draw(seed, stage, cand_id, "pick") * len(options))]


def tone_wording(lang: str, version: str) -> dict[str, str]:
    """name -> description, from ``paraphrase_tones.<version>.txt`` (``name: description`` a line)."""
    text = load_prompt("paraphrase_tones", lang, version).template.template
    pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line and not line.startswith("#"))
    return {name.strip(): desc.strip() for name, desc in pairs}


def _entry(job: Job, stage: str, **more) -> dict:
    entry = {"stage": stage, "operator": job.operator, "prompt": job.prompt.id, "original": job.cand.instruction}
    if job.tone:
        entry["tone"] = job.tone
    return {**entry, **more}


def _with_entry(c: Candidate, entry: dict, **update) -> Candidate:
    prov = c.provenance.model_copy(update={"rewrites": [*c.provenance.rewrites, entry], **update})
    return c.model_copy(update={"provenance": prov})


class Outcome:
    """Collects the stage's kept candidates and rejects; a failed rewrite goes either way by ``on_fail``."""

    def __init__(self, stage: str, settings: RewriteSettings):
        self.stage, self.settings = stage, settings
        self.kept: list[Candidate] = []
        self.rejects: list[Reject] = []

    def fail(self, job: Job, reason: Reason, detail: str) -> None:
        entry = _entry(job, self.stage, ok=False, reason=reason.value, detail=detail[:300], rewrite=job.rewrite[:500])
        usage = job.cand.provenance.usage.add(job.usage) if job.usage else job.cand.provenance.usage
        cand = _with_entry(job.cand, entry, usage=usage)  # the call was paid for: it counts
        if self.settings.on_fail == "keep":
            self.kept.append(cand)
            return
        self.rejects.append(Reject(candidate_id=cand.id, stage=Stage.DIVERSITY, reason=reason,
                                   detail=f"{self.stage} {job.operator}: {detail}"[:300],
                                   candidate=cand.model_dump(mode="json")))

    def succeed(self, job: Job, novelty: dict | None) -> None:
        c = job.cand
        prov = c.provenance
        update = {"usage": prov.usage.add(job.usage) if job.usage else prov.usage,
                  "timings": {**prov.timings, f"{self.stage}_s": round(job.seconds, 3)}}
        if novelty is not None:
            update["novelty"] = novelty
        cand = _with_entry(c, _entry(job, self.stage, ok=True), **update)
        retyped = classify(job.rewrite) if c.task_type else None  # typed before: the task may have changed
        self.kept.append(cand.model_copy(update={"instruction": job.rewrite, "task_type": retyped}))


def _generate(jobs: list[Job], svc, settings: RewriteSettings, out: Outcome) -> list[Job]:
    """Ask for every rewrite; the parsed, usable ones come back, the others go to ``out`` as failures."""
    results = model_of(svc, settings.model).complete_many(
        [[{"role": "user", "content": j.text}] for j in jobs], temperature=settings.temperature,
        max_tokens=settings.max_tokens, seed=svc.cfg.seed, tag=out.stage)
    usable = []
    for job, res in zip(jobs, results):
        job.usage, job.seconds = res.usage, res.seconds
        if not res.ok:
            out.fail(job, Reason.LLM_ERROR, res.error)
            continue
        job.rewrite = clean_rewrite(res.text)
        if res.cut_off(settings.max_tokens):
            out.fail(job, Reason.REWRITE_UNUSABLE, f"cut off at max_tokens ({settings.max_tokens})")
            continue
        why = unusable(job.rewrite, job.cand.instruction, job.cand.lang, getattr(svc.cfg.filters, job.cand.lang),
                       fixed_wording(job.prompt.template.template), settings.max_overlap,
                       keep_details=settings.keep_details and job.operator != "breadth")
        if why:
            out.fail(job, Reason.REWRITE_UNUSABLE, why)
        else:
            usable.append(job)
    return usable


def _answerable(jobs: list[Job], svc, settings: RewriteSettings, out: Outcome) -> list[Job]:
    """The optional judge: is the rewrite still a task a text-only assistant can answer?"""
    if not settings.check or not jobs:
        return jobs
    prompts = [load_prompt("evol_answerable", j.cand.lang, svc.cfg.prompt_version) for j in jobs]
    results = model_of(svc, settings.model).complete_many(
        [[{"role": "user", "content": p.render(instruction=j.rewrite)}] for p, j in zip(prompts, jobs)],
        temperature=0.0, max_tokens=128, seed=svc.cfg.seed, tag=f"{out.stage}_check", response_format=ANSWERABLE_FORMAT)
    passed = []
    for job, res in zip(jobs, results):
        verdict, why = parse_answerable(res.text) if res.ok else (None, f"answerability check failed: {res.error}")
        if verdict:
            passed.append(job)
        else:
            out.fail(job, Reason.REWRITE_UNUSABLE, why if verdict is None else f"judged not answerable: {why}")
    return passed


def _novel(jobs: list[Job], batch: list[Candidate], svc, settings, out: Outcome) -> None:
    """Gate the rewrites against the pool, each other and the instructions that stay in the batch (with
    ``compare_original``, every original: a rewrite must also differ from its own)."""
    gate = getattr(svc, "gate", None)
    if gate is None:
        for job in jobs:
            out.succeed(job, None)
        return
    replaced = {j.cand.id for j in jobs}
    base = [(c.id + ORIGINAL, c.instruction) for c in batch
            if settings.compare_original or c.id not in replaced]
    decisions = gate.check_batch(base + [(j.cand.id, j.rewrite) for j in jobs])[len(base):]
    for job, d in zip(jobs, decisions):
        if d.novel:
            out.succeed(job, d.record())
            continue
        score = f" score {d.score:.3f}" if d.score is not None else ""
        if d.twin_id == job.cand.id + ORIGINAL:
            out.fail(job, Reason.REWRITE_UNUSABLE, f"a duplicate of its own original ({d.gate}{score})")
        elif (d.twin_id or "").endswith(ORIGINAL):
            out.fail(job, d.reason or Reason.DUPLICATE_NEAR,
                     f"{d.gate}: duplicates candidate {d.twin_id[:-len(ORIGINAL)]}'s instruction{score}")
        else:
            out.fail(job, d.reason or Reason.DUPLICATE_NEAR, f"{d.gate}: twin {d.twin_id}{score}")


def rewrite_batch(batch: list[Candidate], svc, settings: RewriteSettings, stage: str, plan) -> tuple[list, list]:
    """Rewrite the chosen candidates' instructions (``plan(c) -> Job | None``), check them, return (kept, rejects)."""
    out = Outcome(stage, settings)
    jobs: list[Job] = []
    for c in batch:
        if settings.share < 1 and draw(svc.cfg.seed, stage, c.id, "share") >= settings.share:
            out.kept.append(c)
            continue
        job = plan(c)
        if c.output or c.messages:  # the response exists already: rewriting would break the pair
            out.kept.append(_with_entry(c, _entry(job, stage, ok=False, detail="skipped: the candidate already has "
                                                  "a response; list this stage before the response stages")))
            continue
        jobs.append(job)
    _novel(_answerable(_generate(jobs, svc, settings, out), svc, settings, out), batch, svc, settings, out)
    order = {c.id: i for i, c in enumerate(batch)}  # the batch's order (keep-first later on)
    return sorted(out.kept, key=lambda c: order[c.id]), out.rejects


@register_stage("paraphrase", ParaphraseSettings, prompts=PARAPHRASE_PROMPTS)
def paraphrase_batch(batch: list[Candidate], svc, settings: ParaphraseSettings) -> tuple[list, list]:
    """Rewrite each instruction in another phrasing and tone (formal, casual, terse, detailed), same request."""

    def plan(c: Candidate) -> Job:
        tone = settings.tone or pick(settings.tones, svc.cfg.seed, "paraphrase", c.id)
        prompt = load_prompt("paraphrase", c.lang, svc.cfg.prompt_version)
        wording = tone_wording(c.lang, svc.cfg.prompt_version)[tone]
        return Job(c, "paraphrase", tone, prompt, prompt.render(tone=wording, instruction=c.instruction))

    return rewrite_batch(batch, svc, settings, "paraphrase", plan)


@register_stage("evol", EvolSettings, prompts=EVOL_PROMPTS)
def evol_batch(batch: list[Candidate], svc, settings: EvolSettings) -> tuple[list, list]:
    """Evol-Instruct: evolve each instruction in depth (constraints, deepen, concretise, reasoning) or breadth."""

    def plan(c: Candidate) -> Job:
        op = settings.operator or pick(settings.operators, svc.cfg.seed, "evol", c.id)
        prompt = load_prompt(f"evol_{op}", c.lang, svc.cfg.prompt_version)
        return Job(c, op, None, prompt, prompt.render(instruction=c.instruction))

    return rewrite_batch(batch, svc, settings, "evol", plan)
