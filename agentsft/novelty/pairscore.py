"""The pair judge: is a candidate a reworded copy of one neighbour? A logistic blend of several signals.

Cosine alone cannot separate a paraphrase from a template clone ("写一首关于春天的诗" / "写一首关于大海的诗" score as
high as true rewordings with every small embedder), and MiniLM is weak on Chinese. The judge therefore blends:

* ``cos``: embedding cosine of the pair;
* ``jac``: shingle Jaccard (character bigrams for CJK, words and word bigrams otherwise);
* ``cjac`` / ``ccont``: Jaccard and containment of the *content units* (``lexical.content_units``: framing
  words removed, task-noun synonyms folded, numerals normalised);
* ``wjac`` / ``wmin``: the same on content grams (content units plus bigrams of consecutive CJK content
  units) weighted by rarity (IDF from a ``DocFreq`` over the indexed texts, i.e. seeds + pool): ``wmin`` is the
  smaller of the two sides' *differing* weight share, high when both sides carry rare content the other lacks
  (a substituted topic), low when one side only adds a word;
* ``span`` / ``mid``: shared prefix + suffix share of the prepared strings, and the shorter differing middle
  (a same-frame clone has a long shared frame and two non-empty middles);
* ``slot``: ``content_diff`` found a small two-sided substitution.

Hard content vetoes (different numbers, target / programming languages, single-letter names) are applied before the
blend. Weights per embedder and language are fitted by ``python -m evals.tune_novelty --write`` on the FIT part of
real labelled question pairs (evals/data/real, see evals/README.md) and stored in ``data/judge.json``; the
decision threshold is a probability.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

from agentsft.novelty import vocab
from agentsft.text import guess_lang

from agentsft.novelty.lexical import Content, content_diff, content_units, jaccard, prepare, shingles

HARD = ("numbers differ", "languages differ", "names differ")
FEATURES = ("cos", "jac", "cjac", "ccont", "wjac", "wmin", "span", "mid", "slot")


def judge_params(embedder: str | None, variant: str = "blend") -> dict[str, dict]:
    """Weights, probability threshold, cosine floor and plain-cosine threshold per language for ``embedder``.

    Keyed by the canonical embedder name (``embedder.canonical``); an embedder nobody fitted gets the safe
    ``fallback`` (high thresholds: it flags fewer pairs rather than merging distinct ones). ``variant``
    ``"questions"``: the judge fitted on question-matching pairs (``questions`` in the table), where one was fitted
    for that embedder and language; the blend elsewhere.
    """
    from agentsft.novelty.embedder import canonical

    table = vocab.judge_table()
    params = table["embedders"].get(canonical(embedder), table["fallback"]) if embedder else table["fallback"]
    if variant == "questions" and embedder:
        params = {**params, **table.get("questions", {}).get(canonical(embedder), {})}
    return params


def fitted(embedder: str | None) -> bool:
    from agentsft.novelty.embedder import canonical

    return bool(embedder) and canonical(embedder) in vocab.judge_table()["embedders"]


WEIGHTS = judge_params("default")  # the shipped default embedder's judge (kept for callers and tests)


class DocFreq:
    """Document frequencies of content grams, hashed into a fixed array (bounded memory: 4 MiB)."""

    def __init__(self, bits: int = 20) -> None:
        self.mask = (1 << bits) - 1
        self.counts = np.zeros(1 << bits, dtype=np.int32)
        self.n = 0

    def _slot(self, gram: str) -> int:
        return zlib.crc32(gram.encode("utf-8")) & self.mask

    def add(self, grams: set[str]) -> None:
        self.n += 1
        for g in grams:
            self.counts[self._slot(g)] += 1

    def idf(self, gram: str) -> float:
        return math.log((self.n + 1) / (int(self.counts[self._slot(gram)]) + 1)) + 1.0


class Profile:
    """What the judge needs of one text, computed once."""

    __slots__ = ("text", "lang", "prepared", "shingles", "content", "grams")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lang = guess_lang(text)
        self.prepared = prepare(text)
        self.shingles = shingles(text)
        self.content: Content = content_units(text)
        self.grams = content_grams(self.content)


def content_grams(content: Content) -> set[str]:
    """Content units plus bigrams of consecutive content units inside each CJK run."""
    out = set(content.units)
    for u in content.runs:
        out.update(u[i] + u[i + 1] for i in range(len(u) - 1))
    return out


def text_grams(text: str) -> set[str]:
    """Content grams of ``text`` (what ``DocFreq`` counts)."""
    return content_grams(content_units(text))


def _span(a: str, b: str) -> tuple[float, float]:
    n = min(len(a), len(b))
    p = 0
    while p < n and a[p] == b[p]:
        p += 1
    s = 0
    while s < n - p and a[-1 - s] == b[-1 - s]:
        s += 1
    longest = max(len(a), len(b), 1)
    return (p + s) / longest, min(len(a) - p - s, len(b) - p - s) / longest


def hard_veto(a: Profile, b: Profile) -> str:
    """"numbers differ" / "languages differ" / "names differ" / ""."""
    d = content_diff(a.content, b.content, "zh")
    return d.why if d.why in HARD else ""


def features(a: Profile, b: Profile, cos: float, lang: str, df: DocFreq | None) -> list[float]:
    d = content_diff(a.content, b.content, lang)
    shared = len(a.content.units & b.content.units)
    oa, ob = len(d.only_a), len(d.only_b)
    cjac = shared / max(1, shared + oa + ob)
    ccont = shared / max(1, min(shared + oa, shared + ob))
    idf = df.idf if df is not None else (lambda g: 1.0)
    ga, gb = a.grams, b.grams
    w_union = sum(idf(g) for g in ga | gb) or 1e-9
    wjac = sum(idf(g) for g in ga & gb) / w_union
    wmin = min(sum(idf(g) for g in ga - gb), sum(idf(g) for g in gb - ga)) / w_union
    span, mid = _span(a.prepared, b.prepared)
    return [cos, jaccard(a.shingles, b.shingles), cjac, ccont, wjac, wmin, span, mid,
            float(d.why == "slot differs")]


Pair = tuple[np.ndarray, np.ndarray]  # the two texts' unit vectors, for a judge with vector weights


def decide(feats: list[float], hard: str, lang: str, weights: dict | None = None, pair: Pair | None = None) -> bool:
    """The judge's verdict on one pair: no hard veto, cosine over the floor, no slot substitution under
    ``slot_cos`` (a template clone: 春天 → 秋天), and a duplicate probability over the threshold."""
    m = (weights or WEIGHTS)[lang]
    cos = feats[0]
    if hard or cos < m["cos_floor"]:
        return False
    if feats[FEATURES.index("slot")] and cos < m.get("slot_cos", 0.0):
        return False
    return probability(feats, lang, weights, pair) >= m["threshold"]


def uses_vectors(m: dict) -> bool:
    """Whether a judge (one language's parameters) also weighs the pair's vectors (``vec``: ``diff`` weights on
    |u - v| and ``prod`` weights on u * v, per dimension)."""
    return "vec" in m


def probability(feats: list[float], lang: str, weights: dict | None = None, pair: Pair | None = None) -> float:
    """The duplicate probability: a logistic model of the features and, for a judge fitted with vector weights,
    of the element-wise |u - v| and u * v of the pair's vectors (required then: a missing pair is an error)."""
    m = (weights or WEIGHTS)[lang]
    z = m["bias"] + sum(w * f for w, f in zip(m["w"], feats))
    if uses_vectors(m):
        if pair is None:
            raise ValueError("this judge weighs the pair's vectors: pass pair=(u, v)")
        u, v = pair
        z += float(np.abs(u - v) @ m["_diff"] + (u * v) @ m["_prod"])
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))
