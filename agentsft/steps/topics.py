"""The topic tree of a scoped run: ``--domain`` → subtopics, made once and kept in the run directory.

Where the topics come from, in order:

1. ``--topics FILE`` (or ``topics:`` in the recipe): one topic per line (``#`` comments and blank lines skipped),
   used as is on every start and resume;
2. ``<run>/topics.txt``, written by an earlier start of this run (edit it freely between sessions: the next
   resume reads it again);
3. generated once by the run's model (``prompts/<lang>/topics.v1.txt``), parsed leniently (numbered lists,
   bullets, JSON arrays, one line of 、/, separated items) and written to ``<run>/topics.txt``;
4. when that answer holds no usable topic (a failed call, an empty or unparsable answer), the domain itself is
   the only topic, and ``topics.txt`` and the log say so.

Coverage stays even: each proposal call is assigned the topic with the fewest accepted samples
(``assign_topics``; ties broken reproducibly from the run's seed and round) and the topic goes on the
candidate's provenance, so ``agentsft stats`` can count samples per topic.
"""

from __future__ import annotations

import logging
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from agentsft.io.errors import InputError
from agentsft.io.writers import write_atomic
from agentsft.prompts import load_prompt
from agentsft.steps.parse import parse_instructions

log = logging.getLogger(__name__)
TOPICS_FILE = "topics.txt"
_MAX_CHARS = {"zh": 20, "en": 80}
_HEADER = re.compile(r"[:：]\s*$")
_PREFIX = re.compile(r"^(?:子话题|话题|主题|subtopic|topic)\s*\d*\s*[:：]\s*", re.I)
_TRAIL = re.compile(r"[\s。．.；;，,、!！]+$")
_SENTENCE = re.compile(r"[。！？!?]|\.(?:\s|$)")
_SPLIT = re.compile(r"\s*[、，,;；]\s*")


@dataclass(frozen=True)
class TopicTree:
    """A domain and its topics; ``source`` says where they came from (user file, generated, fallback)."""

    domain: str
    topics: tuple[str, ...]
    source: str

    @property
    def fallback(self) -> bool:
        return self.source.startswith("fallback")


def _echoes(name: str, prompt: str) -> bool:
    """Most of the item's character bigrams come from the prompt (a weak model repeating its instructions)."""
    text = re.sub(r"\s+", "", name.lower())
    grams = {text[i:i + 2] for i in range(len(text) - 1)}
    source = re.sub(r"\s+", "", prompt.lower())
    return len(grams) >= 4 and sum(g in source for g in grams) / len(grams) >= 0.6


def parse_topics(text: str, lang: str, limit: int | None = None, prompt: str = "") -> list[str]:
    """Topic names from a model's answer: list items cleaned (numbering, labels, quotes, end punctuation);
    headers, over-long lines, clauses (a zh item with ，), unbalanced brackets and lines echoing the ``prompt``
    dropped; duplicates removed; at most ``limit``."""
    items = parse_instructions(text or "")
    line = items[0] if len(items) == 1 else (text or "").strip() if not items else ""
    if line and not _SENTENCE.search(line):  # one line of "a、b、c" or "a, b, c" (not a sentence of prose)
        parts = [p for p in _SPLIT.split(line) if p]
        items = parts if len(parts) > 1 else items
    elif len(items) == 1:  # one sentence ("好的。", prose) is an answer, not a list of topics
        items = []
    out: list[str] = []
    for item in items:
        name = _TRAIL.sub("", _PREFIX.sub("", item.strip())).strip(" \"'“”‘’「」『』*")
        if not name or _HEADER.search(item) or len(name) > _MAX_CHARS.get(lang, 60) or "\n" in name:
            continue
        if "，" in name or _unbalanced(name) or (prompt and _echoes(name, prompt)):
            continue
        if name.lower() not in {o.lower() for o in out}:
            out.append(name)
    return out[:limit] if limit else out


def _unbalanced(name: str) -> bool:
    return any(name.count(a) != name.count(b) for a, b in ("「」", "『』", "（）", "()", "《》", "“”"))


def read_topic_file(path: Path) -> list[str]:
    """One topic per line; ``#`` lines and blank lines skipped. A missing or empty file is an ``InputError``."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(path, None, f"cannot read the topics file ({exc.strerror or exc})") from None
    topics = list(dict.fromkeys(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")))
    if not topics:
        raise InputError(path, None, "no topic in the topics file (one per line; # starts a comment)")
    return topics


def _header(domain: str, source: str) -> str:
    return (f"# domain: {domain}\n# source: {source}\n"
            "# one topic per line, edit freely: a resumed run reads this file again (# starts a comment)\n")


def write_topic_file(path: Path, tree: TopicTree) -> None:
    write_atomic(path, [_header(tree.domain, tree.source), *(t + "\n" for t in tree.topics)])


def _stored(path: Path, domain: str) -> TopicTree | None:
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    source = next((ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("# source:")), "edited")
    topics = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not topics:
        log.warning("%s holds no topic: the domain itself is the only topic", path)
        return TopicTree(domain, (domain,), "fallback: the stored topic file is empty")
    return TopicTree(domain, tuple(dict.fromkeys(topics)), source)


def generate_topics(domain: str, lang: str, n: int, llm, seed: int = 0, version: str = "v1") -> TopicTree:
    """Ask the model once for ``n`` subtopics; the domain alone (``source`` "fallback: …") when none is usable."""
    prompt = load_prompt("topics", lang, version)
    messages = [{"role": "user", "content": prompt.render(domain=domain, n=n)}]
    result = llm.complete_many([messages], temperature=0.3, max_tokens=400, seed=seed, tag="topics")[0]
    if not result.ok:
        why = f"the topic call failed ({result.error[:120]})"
    else:
        topics = parse_topics(result.text, lang, n, prompt=messages[0]["content"])
        if topics:
            return TopicTree(domain, tuple(topics), f"generated by {getattr(llm, 'model_id', 'the model')} "
                                                    f"({prompt.id})")
        why = "the model's topic list was empty or unparsable"
    log.warning("%s: the domain '%s' itself is the only topic", why, domain)
    return TopicTree(domain, (domain,), f"fallback: {why}; the domain itself is the only topic")


def topic_tree(cfg, lang: str, llm) -> TopicTree:
    """The run's topics (see the module docstring for the order); writes ``<run>/topics.txt`` when it is new."""
    domain = cfg.domain
    path = Path(cfg.out) / TOPICS_FILE
    if cfg.topics is not None:
        tree = TopicTree(domain, tuple(read_topic_file(cfg.topics)), f"user file {cfg.topics}")
        if not path.is_file() or _stored(path, domain) != tree:
            write_topic_file(path, tree)
        return tree
    stored = _stored(path, domain)
    if stored is not None:
        return stored
    size = cfg.scope.topics if cfg.scope else 8
    tree = generate_topics(domain, lang, size, llm, cfg.seed, cfg.prompt_version)
    write_topic_file(path, tree)
    return tree


def stored_topics(run_dir: Path) -> list[str] | None:
    """The topics a run directory holds (``topics.txt``), or None."""
    path = Path(run_dir) / TOPICS_FILE
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    return list(dict.fromkeys(ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")))


def topic_counts(pool, topics: tuple[str, ...] | list[str]) -> Counter:
    """Accepted samples per topic (only the given topics)."""
    known = set(topics)
    return Counter(t for s in pool if (t := s.provenance.topic) in known)


def assign_topics(topics: tuple[str, ...] | list[str], pool, n_calls: int, run_seed: int, round_no: int) -> list[str]:
    """The topic of each proposal call of a round: topics ordered by accepted samples (fewest first; ties in an
    order drawn from the seed and round), call ``k`` taking the ``k``-th (wrapping round)."""
    counts = topic_counts(pool, topics)
    tie = list(topics)
    random.Random(f"{run_seed}:{round_no}:topics").shuffle(tie)
    ranked = sorted(topics, key=lambda t: (counts.get(t, 0), tie.index(t)))
    return [ranked[k % len(ranked)] for k in range(n_calls)]
