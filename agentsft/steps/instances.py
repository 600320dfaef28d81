"""Instance generation: an input and an output for each instruction (output-first for classification)."""

from __future__ import annotations

import re

from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Reason, Reject, Stage
from agentsft.steps.classify import is_classification
from agentsft.text import strip_think, trim_to_sentence

_NAMES = r"(?:\*\*)?(输入|输出|类别|标签|input|output|class|label|category)(?:\*\*)?"
# A field marker: "Input:", "**输出**：", "Class:" at the start of a line.
_MARK = re.compile(rf"^[ \t]*{_NAMES}[ \t]*[:：](?:\*\*)?\s*", re.I | re.M)
_FENCE = re.compile(r"^[ \t]*```.*?(?:^[ \t]*```[^\n]*$|\Z)", re.S | re.M)
# A one-line lead-in ending with a colon before the first marker ("Sure, here it is:", "示例：").
_PREAMBLE = re.compile(rf"\A[^\n]{{0,80}}[:：][ \t]*\n(?=[ \t]*{_NAMES}[ \t]*[:：])", re.I)
# Which field follows which: an answer begins with the first, and the second is the first marker of its kind
# after it; the last field runs to the end of the answer, untouched.
_ORDER = {False: {"input": "output", "output": None}, True: {"class": "input", "input": "class"}}
_KIND = {"输入": "input", "输出": "output", "类别": "class", "标签": "class",
         "input": "input", "output": "output", "class": "class", "label": "class", "category": "class"}
_NONE = {"无", "空", "没有", "不需要", "none", "n/a", "na", "null", "no input", "<无>", "“无”", "-", ""}


def instance_messages(c: Candidate, version: str) -> tuple[list[dict], str]:
    name = "instances_cls" if c.task_type and is_classification(c.task_type) else "instances"
    prompt = load_prompt(name, c.lang, version)
    return [{"role": "user", "content": prompt.render(instruction=c.instruction)}], prompt.id


def _marks(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each line-start marker outside ``` fences."""
    fences = [m.span() for m in _FENCE.finditer(text)]
    return [(_KIND[m.group(1).lower()], m.start(), m.end()) for m in _MARK.finditer(text)
            if not any(a <= m.start() < b for a, b in fences)]


def _fields(answer: str, classification: bool) -> dict[str, str] | None:
    """The fields of an answer that begins with a marker (``{}`` when it begins with none, ``None`` when with
    a marker this kind of answer does not start with). Only the structural markers count: the one that
    begins the answer and the first marker of the field that follows it; lines inside the last field that
    look like markers ("Input: 5" in a program's sample run) are its text."""
    marks = _marks(answer)
    if not marks or answer[: marks[0][1]].strip():
        return {}
    kind, _, start = marks[0]
    if kind not in _ORDER[classification]:
        return None
    follow = _ORDER[classification][kind]
    nxt = next((m for m in marks[1:] if m[0] == follow), None)
    if nxt is None:
        return {kind: answer[start:].strip()}
    return {kind: answer[start : nxt[1]].strip(), follow: answer[nxt[2] :].strip()}


def _clean_input(text: str) -> str:
    return "" if text.strip().strip("。.").lower() in _NONE else text.strip()


def parse_instance(answer: str, classification: bool) -> tuple[str, str] | None:
    """``(input, output)`` from an answer, or ``None`` when it cannot be read.

    Classification answers are output-first: the class label is the output. Other answers without any
    marker are taken whole as the output (the instruction needed no input).
    """
    text = _PREAMBLE.sub("", strip_think(answer).strip(), count=1)
    fields = _fields(text, classification)
    if fields is None:
        return None
    if classification:
        if not fields.get("class") or "input" not in fields:
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
