"""The novelty engine: exact hash → lexical → embedding, keep-first, against seeds + pool + the batch.

For each candidate (in batch order):

1. **exact**: same normalised text as an indexed text or an earlier item of the batch → ``duplicate_exact``.
2. the candidate is embedded and its ``top_k`` nearest indexed texts (FAISS) plus the earlier *novel* items
   of the same batch become its neighbours.
3. **hard content veto**: a neighbour asking for other numbers, another target / programming language or
   another single-letter name (Vitamin A / C, World War I / II) is never its twin, whatever the scores.
4. **pair judge** (``judge="blend"``, the default; weights and thresholds keyed by the embedder, see
   ``pairscore.judge_params``): each remaining neighbour with cosine ≥ ``cos_floor[lang]``
   gets a duplicate probability from ``pairscore`` (a logistic blend of cosine, shingle Jaccard, content-unit
   overlap, rarity-weighted content difference, shared-frame span and the slot-substitution check; rarity =
   IDF over the indexed texts; a slot substitution such as 春天 → 秋天 needs cosine ≥ ``slot_cos``); the best ≥
   ``pair_threshold[lang]`` → ``duplicate_near``, by gate ``lexical``
   when its shingle Jaccard ≥ ``lexical_threshold[lang]`` (a near-copy), else ``embedding``; ``score`` is
   the probability. ``judge="questions"`` is the same judge fitted on question-matching pairs (Chinese, default
   embedder: it also weighs the two vectors element-wise; an added modifier makes a new question).

   ``judge="threshold"`` (and the lexical-only gate, ``embedder=None``) keeps the plain rules: a neighbour
   whose content differs (``lexical.content_diff``, incl. the slot check) is vetoed; then shingle Jaccard ≥
   ``lexical_threshold[lang]`` (gate ``lexical``) or cosine ≥ ``embedding_threshold[lang]`` (gate
   ``embedding``).

Nothing is added by ``check_batch``; the caller adds what it accepts (``add``), which is what makes the
gate keep-first. Adds are buffered and encoded in batches at the next check (or ``flush``).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from agentsft.novelty.base import Decision
from agentsft.novelty.embedder import Embedder
from agentsft.novelty.index import VectorIndex
from agentsft.novelty.lexical import content_diff, content_units, jaccard, pair_lang, shingles
from agentsft.novelty.pairscore import (DocFreq, Profile, features, hard_veto, judge_params, probability, text_grams,
                                        uses_vectors)
from agentsft.schema import Reason, normalise

DEFAULT_LEXICAL_THRESHOLD = {"zh": 0.5, "en": 0.5}


def defaults_for(embedder: str | None, variant: str = "blend") -> dict[str, dict[str, float]]:
    """The judge's thresholds for ``embedder`` (per language): pair probability, cosine floor, plain cosine."""
    params = judge_params(embedder, variant)
    return {"pair_threshold": {lang: m["threshold"] for lang, m in params.items()},
            "cos_floor": {lang: m["cos_floor"] for lang, m in params.items()},
            "embedding_threshold": {lang: m["cos_threshold"] for lang, m in params.items()}}


class NoveltyEngine:
    """A ``NoveltyGate``. ``embedder=None`` gives a lexical-only gate (neighbours by brute force: small pools)."""

    name = "novelty"

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        exact: bool = True,
        lexical: bool = True,
        content_check: bool = True,
        embedding_threshold: dict[str, float] | None = None,
        lexical_threshold: dict[str, float] | None = None,
        judge: str = "blend",
        pair_threshold: dict[str, float] | None = None,
        cos_floor: dict[str, float] | None = None,
        top_k: int = 20,
        hnsw_threshold: int = 50_000,
        hnsw_m: int = 32,
        ef_search: int = 128,
        run_dir: str | Path | None = None,
        save_every: float = 30.0,
    ) -> None:
        self.embedder = embedder
        self.use_exact = exact
        self.use_lexical = lexical
        self.content_check = content_check
        name = embedder.model_name if embedder is not None else None
        if judge not in ("blend", "questions", "threshold"):
            raise ValueError(f"judge must be 'blend', 'questions' or 'threshold', not {judge!r}")
        variant = "questions" if judge == "questions" else "blend"
        # weights + thresholds keyed by the embedder (safe fallback if unknown)
        self.params = judge_params(name, variant)
        tuned = defaults_for(name, variant)
        self.embedding_threshold = {**tuned["embedding_threshold"], **(embedding_threshold or {})}
        self.lexical_threshold = {**DEFAULT_LEXICAL_THRESHOLD, **(lexical_threshold or {})}
        self.judge = judge
        self.pair_threshold = {**tuned["pair_threshold"], **(pair_threshold or {})}
        self.cos_floor = {**tuned["cos_floor"], **(cos_floor or {})}
        self._vec_cache: dict[str, np.ndarray] = {}  # vectors of the last checked batch, by text
        self._profiles: dict[str, Profile] = {}  # neighbour profiles, a bounded cache
        self.df = DocFreq()  # content-gram document frequencies over the indexed texts (rarity for the judge)
        self.top_k = top_k
        self.index_kw = dict(hnsw_threshold=hnsw_threshold, hnsw_m=hnsw_m, ef_search=ef_search)
        self.run_dir = Path(run_dir) if run_dir is not None else None
        self.save_every = save_every
        self._lock = threading.RLock()
        self._exact: dict[str, str] = {}
        self._texts: dict[str, str] = {}
        self._pending: list[tuple[str, str]] = []
        self._index: VectorIndex | None = None
        self._disk_ids: set[str] | None = None  # ids of a loaded index, until confirmed by add()
        self._confirmed: set[str] = set()
        self._dirty = False
        self._last_save = 0.0
        self.rounds: list[dict[str, Any]] = []
        self.rebuilt: str = ""  # why the persisted index was not used ("", "missing", "stale")

    # --- protocol ----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._texts)

    def add(self, id: str, text: str) -> None:
        with self._lock:
            if self.use_exact:
                self._exact.setdefault(normalise(text), id)
            if id in self._texts:
                return
            self._texts[id] = text
            if self.embedder is not None and self.judge != "threshold":
                self.df.add(text_grams(text))
            if self.embedder is None:
                return
            if self._disk_ids is None and self.run_dir is not None and self._index is None:
                self._try_load()
            if self._disk_ids is not None and id in self._disk_ids:
                self._confirmed.add(id)
            else:
                self._pending.append((id, text))

    def check_batch(self, items: list[tuple[str, str]]) -> list[Decision]:
        started = time.perf_counter()
        with self._lock:
            self._sync()
            decisions: list[Decision | None] = [None] * len(items)
            batch_exact: dict[str, str] = {}
            todo: list[int] = []
            for i, (cid, text) in enumerate(items):
                key = normalise(text)
                twin = (self._exact.get(key) or batch_exact.get(key)) if self.use_exact else None
                if twin is not None:
                    decisions[i] = Decision(novel=False, reason=Reason.DUPLICATE_EXACT, twin_id=twin, score=1.0,
                                            gate="exact")
                else:
                    batch_exact.setdefault(key, cid)
                    todo.append(i)
            neighbours = self._pool_neighbours([items[i][1] for i in todo])
            vecs = neighbours.pop("vecs", None)
            pair_vecs: dict[str, np.ndarray] = neighbours.pop("nvecs", {})  # for a judge with vector weights
            accepted: list[int] = []  # positions in todo of earlier novel items
            for pos, i in enumerate(todo):
                cid, text = items[i]
                cands = list(neighbours["hits"][pos])
                for prev in accepted:
                    pid, ptext = items[todo[prev]]
                    cos = float(vecs[pos] @ vecs[prev]) if vecs is not None else None
                    cands.append((pid, ptext, cos))
                d = self._judge(text, cands, None if vecs is None else (vecs[pos], pair_vecs))
                decisions[i] = d
                if d.novel:
                    accepted.append(pos)
                    if vecs is not None:  # a later candidate of the batch may be its twin
                        pair_vecs[cid] = vecs[pos]
            stats = {"checked": len(items), "novel": sum(1 for d in decisions if d.novel)}
            for g in ("exact", "lexical", "embedding"):
                stats[g] = sum(1 for d in decisions if not d.novel and d.gate == g)
            stats["seconds"] = round(time.perf_counter() - started, 4)
            self.rounds.append(stats)
            return decisions  # type: ignore[return-value]

    # --- judging -----------------------------------------------------------------------------------
    def _judge(self, text: str, cands: list[tuple[str, str, float | None]],
               vectors: tuple[np.ndarray, dict[str, np.ndarray]] | None = None) -> Decision:
        """``cands``: (id, text, cosine or None); ``vectors``: the text's vector and its neighbours' by id."""
        if self.embedder is not None and self.judge != "threshold":
            return self._judge_blend(text, cands, vectors)
        best_cos = max((c for _, _, c in cands if c is not None), default=None)
        if not cands:
            return Decision(novel=True, gate=self.name, score=best_cos)
        sh = shingles(text)
        content = content_units(text) if self.content_check else None
        allowed: list[tuple[str, float | None, float]] = []
        for nid, ntext, cos in cands:
            lang = pair_lang(text, ntext)
            if content is not None and content_diff(content, content_units(ntext), lang).differs:
                continue
            allowed.append((nid, cos, jaccard(sh, shingles(ntext)), lang))
        if self.use_lexical:
            lex = [(j, nid) for nid, _, j, lang in allowed if j >= self.lexical_threshold[lang]]
            if lex:
                j, nid = max(lex)
                return Decision(novel=False, reason=Reason.DUPLICATE_NEAR, twin_id=nid, score=round(j, 4),
                                gate="lexical")
        emb = [(cos, nid) for nid, cos, _, lang in allowed
               if cos is not None and cos >= self.embedding_threshold[lang]]
        if emb:
            cos, nid = max(emb)
            return Decision(novel=False, reason=Reason.DUPLICATE_NEAR, twin_id=nid, score=round(cos, 4),
                            gate="embedding")
        return Decision(novel=True, gate=self.name, score=None if best_cos is None else round(best_cos, 4))

    def _judge_blend(self, text: str, cands: list[tuple[str, str, float | None]],
                     vectors: tuple[np.ndarray, dict[str, np.ndarray]] | None) -> Decision:
        best_cos = max((c for _, _, c in cands if c is not None), default=None)
        me: Profile | None = None
        min_floor = min(self.cos_floor.values())
        best: tuple[float, str, float, str] | None = None  # (probability, id, jaccard, lang)
        for nid, ntext, cos in cands:
            if cos is None:
                continue
            if cos < min_floor:
                continue
            me = me or Profile(text)
            other = self._profiles.get(nid)
            if other is None or other.text != ntext:
                if len(self._profiles) >= 8192:
                    self._profiles.clear()
                other = self._profiles[nid] = Profile(ntext)
            lang = "zh" if "zh" in (me.lang, other.lang) else "en"
            if cos < self.cos_floor[lang]:
                continue
            if self.content_check and hard_veto(me, other):
                continue
            f = features(me, other, cos, lang, self.df)
            if f[-1] and cos < self.params[lang].get("slot_cos", 0.0):
                continue  # a slot substitution (春天 → 秋天) under the guard cosine: a template clone, not a twin
            pair = (vectors[0], vectors[1][nid]) if vectors and nid in vectors[1] else None
            if pair is None and uses_vectors(self.params[lang]):
                continue  # no vector to weigh (cannot happen with an embedder): never merge blind
            p = probability(f, lang, self.params, pair)
            if p >= self.pair_threshold[lang] and (best is None or p > best[0]):
                best = (p, nid, f[1], lang)
        if best is not None:
            p, nid, jac, lang = best
            gate = "lexical" if self.use_lexical and jac >= self.lexical_threshold[lang] else "embedding"
            return Decision(novel=False, reason=Reason.DUPLICATE_NEAR, twin_id=nid, score=round(p, 4), gate=gate)
        return Decision(novel=True, gate=self.name, score=None if best_cos is None else round(best_cos, 4))

    def _pool_neighbours(self, texts: list[str]) -> dict[str, Any]:
        if self.embedder is None:
            pool = list(self._texts.items())
            hits = []
            for t in texts:
                sh = shingles(t)
                scored = sorted(((jaccard(sh, shingles(pt)), pid, pt) for pid, pt in pool), reverse=True)
                hits.append([(pid, pt, None) for _, pid, pt in scored[: self.top_k]])
            return {"hits": hits, "vecs": None}
        vecs = self.embedder.encode(texts) if texts else None
        # keep the batch's vectors: what the caller then accepts and add()s is indexed without re-encoding
        self._vec_cache = dict(zip(texts, vecs)) if vecs is not None else {}
        hits: list[list[tuple[str, str, float]]] = [[] for _ in texts]
        nvecs: dict[str, np.ndarray] = {}
        want_vecs = any(uses_vectors(m) for m in self.params.values())
        if vecs is not None and self._index is not None and len(self._index):
            scores, pos = self._index.search(vecs, self.top_k)
            for q in range(len(texts)):
                for s, p in zip(scores[q], pos[q]):
                    if p < 0:
                        continue
                    nid = self._index.ids[p]
                    ntext = self._texts.get(nid)
                    if ntext is not None:
                        hits[q].append((nid, ntext, float(s)))
                        if want_vecs and nid not in nvecs:
                            nvecs[nid] = self._index.vector(p)
        return {"hits": hits, "vecs": vecs, "nvecs": nvecs}

    # --- index upkeep ------------------------------------------------------------------------------
    @property
    def meta(self) -> dict[str, Any]:
        e = self.embedder
        return {"embedder": e.model_name if e else None, "max_seq_length": e.max_seq_length if e else None,
                "prefix": e.prefix if e else None}

    def _try_load(self) -> None:
        index = VectorIndex.load(self.run_dir, self.meta, **self.index_kw)
        if index is None:
            self.rebuilt = "missing" if not (self.run_dir / "novelty.faiss").exists() else "stale"
            self._disk_ids = set()
            return
        self._index = index
        self._disk_ids = set(index.ids)

    def _sync(self) -> None:
        """Encode buffered adds; drop a loaded index that holds texts nobody re-added (stale)."""
        if self.embedder is None:
            return
        if self._disk_ids and self._disk_ids - self._confirmed:
            self.rebuilt = "stale"
            self._index = None
            self._pending = list(self._texts.items())
        if self._disk_ids is not None:
            self._dirty = self._dirty or bool(self._pending) or self.rebuilt != ""
            self._disk_ids = set()
        if self._pending:
            if self._index is None:
                self._index = VectorIndex(self.embedder.dim, **self.index_kw)
            pending, self._pending = self._pending, []
            step = 4096
            for k in range(0, len(pending), step):
                chunk = pending[k: k + step]
                cache = self._vec_cache
                todo = [t for _, t in chunk if t not in cache]
                fresh = dict(zip(todo, self.embedder.encode(todo))) if todo else {}
                vecs = np.stack([cache[t] if t in cache else fresh[t] for _, t in chunk])
                self._index.add([i for i, _ in chunk], vecs)
            self._vec_cache = {}
            self._dirty = True
        if self._dirty and self.run_dir is not None and time.time() - self._last_save >= self.save_every:
            self.flush()

    def flush(self) -> None:
        """Encode buffered adds and write the index to the run directory (when persisting)."""
        with self._lock:
            if self._pending:
                self._last_save = time.time()  # avoid recursion into a save inside _sync
                self._sync()
            if self.run_dir is not None and self._index is not None:
                self._index.save(self.run_dir, self.meta)
                self._dirty = False
                self._last_save = time.time()

    close = flush

    # --- reporting ---------------------------------------------------------------------------------
    @property
    def index_kind(self) -> str:
        return self._index.kind if self._index is not None else "none"

    def stats(self) -> dict[str, Any]:
        """Totals over every ``check_batch`` so far plus the last one (per-round acceptance)."""
        total: dict[str, Any] = {"rounds": len(self.rounds)}
        for key in ("checked", "novel", "exact", "lexical", "embedding"):
            total[key] = sum(r[key] for r in self.rounds)
        total["acceptance"] = round(total["novel"] / total["checked"], 4) if total["checked"] else None
        total["last"] = self.rounds[-1] if self.rounds else None
        total["indexed"] = len(self._texts)
        total["index"] = self.index_kind
        return total
