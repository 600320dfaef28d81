"""The ``scope`` stage: keep a ``--domain`` run's instructions inside the domain (reason ``off_scope``).

A config with a domain puts this stage after ``screen`` on its own (``config._with_scope``); without a domain it
keeps everything. Settings live in the run's ``scope:`` block (``ScopeConfig``):

* ``method: embed`` (default): the instruction's cosine to the nearest *domain anchor* (the domain, and
  "domain：topic" for each topic of the topic tree) minus its cosine to the nearest *general subject*
  (``rotation.json``: science, history, cooking, law… in zh and en; subjects close to the domain itself are
  left out, so a legal domain is not measured against "law"). Kept when that margin is at least ``threshold``
  (0.02). The vectors come from the novelty gate's embedder (the run's, or the typer's multilingual-e5-small
  when the gate has none), whose cache makes the instruction's second encoding free. With no embedder at all, a
  lexical fallback keeps an instruction sharing a word or a character bigram with the domain or a topic.
* ``method: judge``: the model (``judge_model``) answers yes/no (``prompts/<lang>/scope_judge.v1.txt``); a
  failed call is ``llm_error`` and an answer that is neither is ``judge_unparsable``, never a silent pass.

The margin (or verdict) is kept on the sample as ``verification["scope"]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agentsft.config import ScopeConfig
from agentsft.prompts import load_prompt
from agentsft.schema import Candidate, Reason, Reject, Stage
from agentsft.steps.rotation import _grams, vocab
from agentsft.steps.stages import model_of
from agentsft.steps.topics import TopicTree, topic_tree
from agentsft.text import strip_think

SCOPE_PROMPTS = ("topics", "propose_scoped", "scope_hint", "scope_judge")
RELATED_Z = 1.5  # a general subject this many standard deviations closer to the domain than the rest is left out
_YES = ("是", "属于", "yes", "y", "true")
_NO = ("否", "不属于", "不是", "不", "no", "n", "false")


def anchor_texts(tree: TopicTree, lang: str) -> list[str]:
    sep = "：" if lang == "zh" else ": "
    return [tree.domain, *(f"{tree.domain}{sep}{t}" for t in tree.topics if t != tree.domain)]


@dataclass
class ScopeIndex:
    """Unit vectors of the domain anchors and of the general subjects the domain is told apart from."""

    tree: TopicTree
    embedder: object
    anchors: list[str]
    anchor_vecs: np.ndarray
    background: list[str]
    background_vecs: np.ndarray

    @classmethod
    def build(cls, tree: TopicTree, embedder, lang: str) -> "ScopeIndex":
        anchors = anchor_texts(tree, lang)
        anchor_vecs = embedder.encode(anchors)
        pairs = [tuple(p) for p in vocab()["subjects"]]
        flat = [t for p in pairs for t in p]
        flat_vecs = embedder.encode(flat)
        related = (flat_vecs @ anchor_vecs.T).max(axis=1).reshape(len(pairs), -1).max(axis=1)
        cut = related.mean() + RELATED_Z * related.std()
        keep = [k for k in range(len(pairs)) if related[k] < cut] or list(range(len(pairs)))
        rows = [2 * k + j for k in keep for j in (0, 1)]
        return cls(tree, embedder, anchors, anchor_vecs, [flat[r] for r in rows], flat_vecs[rows])

    def margins(self, texts: list[str]) -> list[tuple[float, str, float, str]]:
        """Per text: (margin, nearest anchor, its cosine, nearest general subject)."""
        vecs = self.embedder.encode(texts)
        inside, outside = vecs @ self.anchor_vecs.T, vecs @ self.background_vecs.T
        out = []
        for a, b in zip(inside, outside):
            i, j = int(a.argmax()), int(b.argmax())
            out.append((float(a[i] - b[j]), self.anchors[i], float(a[i]), self.background[j]))
        return out


def scope_embedder(svc):
    """The gate's embedder, else the configured novelty embedder, else the typer's e5; None where none runs."""
    emb = getattr(getattr(svc, "gate", None), "embedder", None)
    if emb is not None:
        return emb
    name = svc.cfg.novelty.embedder
    if name not in ("none", "off"):
        try:
            from agentsft.novelty.embedder import get_embedder

            emb = get_embedder(name, svc.cfg.novelty.max_seq_length, svc.cfg.novelty.batch_size,
                               prefix=svc.cfg.novelty.prefix)
            emb.encode(["probe"])
            return emb
        except Exception:  # noqa: BLE001 - fall through to the typer's embedder
            pass
    from agentsft.steps.classify import typing_embedder

    return typing_embedder()


def scope_index(svc, tree: TopicTree) -> ScopeIndex | None:
    """The run's index (cached on the services; rebuilt when the topics change)."""
    cached = getattr(svc, "scope", None)
    if isinstance(cached, ScopeIndex) and cached.tree == tree:
        return cached
    emb = scope_embedder(svc)
    index = ScopeIndex.build(tree, emb, svc.lang) if emb is not None else None
    try:
        svc.scope = index
    except AttributeError:  # a frozen stand-in
        pass
    return index


def _reject(c: Candidate, reason: Reason, detail: str) -> Reject:
    return Reject(candidate_id=c.id, stage=Stage.SCOPE, reason=reason, detail=detail[:300],
                  candidate=c.model_dump(mode="json"))


def _mark(c: Candidate, info: dict) -> Candidate:
    return c.model_copy(update={"verification": {**c.verification, "scope": info}})


def embed_scope(batch: list[Candidate], index: ScopeIndex, threshold: float) -> tuple[list[Candidate], list[Reject]]:
    kept, rejects = [], []
    for c, (margin, anchor, cos, subject) in zip(batch, index.margins([c.instruction for c in batch])):
        if margin >= threshold:
            kept.append(_mark(c, {"method": "embed", "margin": round(margin, 4), "nearest": anchor}))
        else:
            rejects.append(_reject(c, Reason.OFF_SCOPE, f"margin {margin:+.3f} < {threshold:+.3f}: nearer the "
                                   f"general subject '{subject}' than '{anchor}' ({cos:.3f})"))
    return kept, rejects


def lexical_scope(batch: list[Candidate], tree: TopicTree) -> tuple[list[Candidate], list[Reject]]:
    """No embedder here: keep an instruction sharing a word or a CJK bigram with the domain or a topic."""
    near = _grams(" ".join([tree.domain, *tree.topics]))
    kept, rejects = [], []
    for c in batch:
        shared = near & _grams(c.instruction)
        if shared:
            kept.append(_mark(c, {"method": "lexical", "shared": sorted(shared)[:5]}))
        else:
            rejects.append(_reject(c, Reason.OFF_SCOPE, f"no word shared with '{tree.domain}' or its topics "
                                   "(lexical fallback: no embedder runs here)"))
    return kept, rejects


def verdict(text: str) -> bool | None:
    """yes → True, no → False, anything else → None (the first word of the answer decides)."""
    head = strip_think(text or "").strip().strip("\"'“”「」*").lower()
    for word in sorted(_NO + _YES, key=len, reverse=True):
        if head.startswith(word) and (not word.isascii() or not head[len(word):len(word) + 1].isalpha()):
            return word in _YES
    return None


def judge_scope(batch: list[Candidate], svc, cfg: ScopeConfig, tree: TopicTree) -> tuple[list[Candidate], list[Reject]]:
    prompt = load_prompt("scope_judge", svc.lang, svc.cfg.prompt_version)
    listing = ("、" if svc.lang == "zh" else ", ").join(tree.topics)
    requests = [[{"role": "user", "content": prompt.render(domain=tree.domain, topics=listing,
                                                           instruction=c.instruction)}] for c in batch]
    results = model_of(svc, cfg.judge_model).complete_many(requests, temperature=0.0, max_tokens=16,
                                                           seed=svc.cfg.seed, tag="scope")
    kept, rejects = [], []
    for c, res in zip(batch, results):
        if not res.ok:
            rejects.append(_reject(c, Reason.LLM_ERROR, f"scope judge: {res.error}"))
            continue
        said = verdict(res.text)
        if said is None:
            rejects.append(_reject(c, Reason.JUDGE_UNPARSABLE, f"scope judge answered neither yes nor no: "
                                   f"{res.text[:200]!r}"))
        elif said:
            kept.append(_mark(c, {"method": "judge", "verdict": "yes"}))
        else:
            rejects.append(_reject(c, Reason.OFF_SCOPE, f"the scope judge says it is not about '{tree.domain}'"))
    return kept, rejects


def scope_batch(batch: list[Candidate], svc, settings) -> tuple[list[Candidate], list[Reject]]:
    """Keep instructions inside the run's domain (embedding margin or a judge); off_scope otherwise."""
    if not svc.cfg.domain or not batch:
        return batch, []
    cfg = svc.cfg.scope or ScopeConfig()
    tree = topic_tree(svc.cfg, svc.lang, svc.llm)
    if cfg.method == "judge":
        return judge_scope(batch, svc, cfg, tree)
    index = scope_index(svc, tree)
    return embed_scope(batch, index, cfg.threshold) if index is not None else lexical_scope(batch, tree)
