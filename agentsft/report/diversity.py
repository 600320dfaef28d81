"""Diversity of a dataset: distinct-n, embedding clusters and root verb-object pairs.

* distinct-n (Li et al. 2016): distinct n-grams / all n-grams over a set of texts — characters for Chinese
  (white space and punctuation left out), lower-cased words for English. 1.0 = no n-gram repeats.
* clusters: k-means (numpy, k-means++ seeding, fixed random seed) over the instructions' embeddings; the entropy
  of the cluster sizes over log k (1 = spread evenly over k clusters, 0 = all in one), the largest cluster's
  share, and — for a run — coverage: the share of the seeds' own k clusters that at least one sample falls in.
* verb-object: ``verbobj.verb_object`` per instruction; distinct verbs, distinct pairs, their entropy and the
  top verbs with their top objects (Self-Instruct's verb-noun figure as a table).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import numpy as np

from .verbobj import verb_object

_EN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CJK_KEEP = re.compile(r"[\w]", re.UNICODE)


def units(text: str, lang: str) -> list[str]:
    """The units distinct-n counts: characters (not spaces or punctuation) for zh, lower-cased words for en."""
    if lang == "zh":
        return [ch for ch in text if _CJK_KEEP.match(ch) and ch != "_"]
    return _EN_WORD.findall(text.lower())


def distinct_n(texts: list[str], lang: str, n: int) -> float | None:
    """Distinct n-grams / total n-grams over ``texts`` (None when there is no n-gram)."""
    grams: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        u = units(text, lang)
        grams.update(tuple(u[i: i + n]) for i in range(len(u) - n + 1))
    total = sum(grams.values())
    return round(len(grams) / total, 4) if total else None


def distinct_report(items: list[tuple[str, str, str]]) -> dict[str, Any]:
    """distinct-1/2 of instructions and of outputs, per language. ``items``: (lang, instruction, output)."""
    out: dict[str, Any] = {}
    for lang in ("zh", "en"):
        mine = [it for it in items if it[0] == lang]
        if not mine:
            continue
        out[lang] = {"records": len(mine), "unit": "characters" if lang == "zh" else "words"}
        for field, idx in (("instruction", 1), ("output", 2)):
            texts = [it[idx] for it in mine]
            out[lang][field] = {"distinct_1": distinct_n(texts, lang, 1), "distinct_2": distinct_n(texts, lang, 2)}
    return out


def entropy(counts: list[int]) -> float:
    """Shannon entropy (natural log) of a count vector."""
    total = sum(counts)
    return -sum(c / total * math.log(c / total) for c in counts if c) if total else 0.0


def _d2(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Squared distances of every row of ``x`` to every row of ``c`` (n x k), without an n x k x d array."""
    return np.maximum((x * x).sum(1)[:, None] - 2 * x @ c.T + (c * c).sum(1)[None], 0.0)


def kmeans(x: np.ndarray, k: int, seed: int = 0, iters: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """(centroids, labels) of k-means on rows of ``x`` (k-means++ seeding; deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    n = len(x)
    k = max(1, min(k, n))
    centres = [x[rng.integers(n)]]
    for _ in range(1, k):
        d2 = _d2(x, np.array(centres)).min(axis=1)
        p = d2 / d2.sum() if d2.sum() > 0 else np.full(n, 1 / n)
        centres.append(x[rng.choice(n, p=p)])
    c = np.array(centres, dtype=np.float64)
    labels = np.zeros(n, dtype=int)
    for _ in range(iters):
        new = np.argmin(_d2(x, c), axis=1)
        if _ and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            if np.any(labels == j):
                c[j] = x[labels == j].mean(axis=0)
    return c, labels


def assign(x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return np.argmin(_d2(x, centres), axis=1)


def cluster_k(n: int, k_max: int = 20) -> int:
    """k for n points: about sqrt(n/2), between 2 and ``k_max``."""
    return max(2, min(k_max, round(math.sqrt(n / 2))))


def cluster_report(vecs: np.ndarray, seed_vecs: np.ndarray | None = None, k: int | None = None,
                   seed: int = 0) -> dict[str, Any] | None:
    """Entropy and largest share of k-means clusters of ``vecs``; coverage of the seeds' clusters when given."""
    n = len(vecs)
    if n < 2:
        return None
    k = min(k or cluster_k(n), n)
    _, labels = kmeans(vecs.astype(np.float64), k, seed)
    sizes = np.bincount(labels, minlength=k).tolist()
    out: dict[str, Any] = {"k": k, "sizes": sorted(sizes, reverse=True),
                           "entropy": round(entropy(sizes) / math.log(k), 4) if k > 1 else 0.0,
                           "largest_share": round(max(sizes) / n, 4), "coverage": None, "seed_k": None}
    if seed_vecs is not None and len(seed_vecs) >= 2:
        sk = min(k, len(seed_vecs))
        centres, _ = kmeans(seed_vecs.astype(np.float64), sk, seed)
        hit = set(assign(vecs.astype(np.float64), centres).tolist())
        out.update(coverage=round(len(hit) / sk, 4), seed_k=sk)
    return out


def verb_object_report(items: list[tuple[str, str]], top: int = 10) -> dict[str, Any]:
    """Root verb-object statistics of (lang, instruction) items."""
    pairs = [verb_object(text, lang) for lang, text in items]
    verbs = Counter(v for v, _ in pairs if v)
    both = Counter((v, o) for v, o in pairs if v and o)
    n = len(items)
    rows = []
    for verb, count in verbs.most_common(top):
        objs = Counter(o for v, o in pairs if v == verb and o)
        rows.append({"verb": verb, "count": count, "objects": [f"{o} ({c})" for o, c in objs.most_common(4)]})
    return {
        "records": n, "with_verb": sum(verbs.values()), "with_pair": sum(both.values()),
        "distinct_verbs": len(verbs), "distinct_pairs": len(both),
        "verb_entropy": round(entropy(list(verbs.values())), 4),
        "pair_ratio": round(len(both) / sum(both.values()), 4) if both else None,
        "top": rows,
    }
