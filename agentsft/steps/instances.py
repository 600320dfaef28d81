"""Instance generation: an input and an output for each instruction (output-first for classification)."""

from __future__ import annotations

import re

from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Reason, Reject, Stage
from agentsft.steps.classify import is_classification
from agentsft.text import strip_think, trim_to_sentence

_MARK = re.compile(
    r"^\s*(?:\*\*)?(输入|输出|类别|标签|input|output|class|label|category)(?:\*\*)?\s*[:：](?:\*\*)?\s*",
    re.I | re.M,
)
_KIND = {"输入": "input", "输出": "output", "类别": "class", "标签": "class",
         "input": "input", "output": "output", "class": "class", "label": "class", "category": "class"}
_NONE = {"无", "空", "没有", "不需要", "none", "n/a", "na", "null", "no input", "<无>", "“无”", "-", ""}


def instance_messages(c: Candidate, version: str) -> tuple[list[dict], str]:
    name = "instances_cls" if c.task_type and is_classification(c.task_type) else "instances"
    prompt = load_prompt(name, c.lang, version)
    return [{"role": "user", "content": prompt.render(instruction=c.instruction)}], prompt.id


def _fields(answer: str) -> dict[str, str]:
    marks = list(_MARK.finditer(answer))
    fields: dict[str, str] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(answer)
        fields.setdefault(_KIND[m.group(1).lower()], answer[m.end() : end].strip())
    return fields


def _clean_input(text: str) -> str:
    return "" if text.strip().strip("。.").lower() in _NONE else text.strip()


def parse_instance(answer: str, classification: bool) -> tuple[str, str] | None:
    """``(input, output)`` from an answer, or ``None`` when it cannot be read.

    Classification answers are output-first: the class label is the output. Other answers without any
    marker are taken whole as the output (the instruction needed no input).
    """
    text = strip_think(answer).strip()
    fields = _fields(text)
    if classification:
        if "class" not in fields or "input" not in fields or not fields["class"]:
            return None
        return _clean_input(fields["input"]), fields["class"]
    if not fields:
        return ("", text) if text else None
    if "output" not in fields:
        return None
    return _clean_input(fields.get("input", "")), fields["output"]


def attach_instances(cands: list[Candidate], results, model_id: str,
                     max_tokens: int | None = None) -> tuple[list[Candidate], list[Reject]]:
    """Candidates with input and output attached, and a reject for each answer that failed or could not be
    parsed. An answer that ran into ``max_tokens`` is cut back to its last finished sentence (marked
    ``provenance.trimmed``), or rejected as truncated when no sentence finished."""
    kept: list[Candidate] = []
    rejects: list[Reject] = []
    for c, res in zip(cands, results):
        record = c.model_dump(mode="json")
        if not res.ok:
            rejects.append(Reject(candidate_id=c.id, stage=Stage.INSTANCES, reason=Reason.LLM_ERROR,
                                  detail=res.error[:500], candidate=record))
            continue
        cut = res.cut_off(max_tokens)
        text = trim_to_sentence(strip_think(res.text)) if cut else res.text
        if cut and not text:
            record["answer"] = res.text[:2000]
            rejects.append(Reject(candidate_id=c.id, stage=Stage.INSTANCES, reason=Reason.TRUNCATED,
                                  detail=f"answer cut at max_tokens ({res.usage.completion_tokens} tokens) "
                                         "before any sentence ended", candidate=record))
            continue
        parsed = parse_instance(text, bool(c.task_type and is_classification(c.task_type)))
        if parsed is None:
            record["answer"] = res.text[:2000]
            rejects.append(Reject(candidate_id=c.id, stage=Stage.INSTANCES, reason=Reason.INSTANCE_UNPARSABLE,
                                  detail="no input/output fields", candidate=record))
            continue
        prov = c.provenance
        usage = prov.usage.add(res.usage)
        timings = {**prov.timings, "instances_s": round(res.seconds, 3)}
        prov = prov.model_copy(update={"usage": usage, "timings": timings, "model": model_id, "trimmed": cut})
        kept.append(c.model_copy(update={"input": parsed[0], "output": parsed[1], "provenance": prov}))
    return kept, rejects


def generate_instances(cands: list[Candidate], cfg, llm) -> tuple[list[Candidate], list[Reject]]:
    requests = [instance_messages(c, cfg.prompt_version) for c in cands]
    cands = [c.model_copy(update={"provenance": c.provenance.model_copy(
        update={"prompt_template": f"{c.provenance.prompt_template}+{pid}"})}) for c, (_, pid) in zip(cands, requests)]
    results = llm.complete_many([r[0] for r in requests], temperature=cfg.temperature,
                                max_tokens=cfg.max_tokens, seed=cfg.seed, tag="instances")
    return attach_instances(cands, results, llm.model_id, cfg.max_tokens)
