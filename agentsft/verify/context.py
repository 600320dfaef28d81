"""Context dependence of a dialogue: do the later user turns refer to what was said before?

A multi-turn sample teaches context memory only when its later user turns *need* the earlier ones. Each user
turn after the first gets a score in [0, 1] (zh and en) from:

* **lexical overlap** with the earlier turns (both roles): the share of the turn's content units (zh: CJK
  character bigrams not made of function characters only; en: content words, crude 5-letter stems) that occur
  earlier, scaled so that ``OVERLAP_FULL`` (40 %) of them gives 1.0;
* **reference words** — anaphora and demonstratives pointing back (它 这个 那些 刚才 你说的 上面…; it, that,
  those, you said, the first one…) — and **follow-up or correction openers** (a sentence of the turn starts
  with 那 还有 另外 再 如果 换成 不对…; what about, and, also, instead, then, but, actually, what if…). A reference word only
  counts as resolved when the turn brings at most ``MAX_NEW_UNITS`` content unit the earlier turns do not have
  ("那它有什么缺点？" → 1.0); otherwise it adds ``MARKER_BONUS`` to the overlap score ("那它除了比特币，还能用在
  哪里？" after a talk about butter has a pronoun with nothing to point at).

A turn *refers* when its score reaches ``min_score`` (0.5: overlap ≥ 20 %, or ≥ 10 % with a reference word or
opener); a dialogue depends on its context when at least ``min_share`` of its later turns refer. Measured on
real and spliced dialogues in ``evals/DIALOGUE.md``. Pure functions, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

OVERLAP_FULL = 0.4  # share of a turn's content units seen earlier that counts as full evidence
MAX_NEW_UNITS = 1  # a reference word resolves when the turn adds at most this many unseen content units
MARKER_BONUS = 0.25  # what an unresolved reference word or opener adds to the overlap score

# Words that point back at something said earlier (anywhere in the turn).
_REFER_ZH = ("它", "这个", "那个", "这些", "那些", "这样", "那样", "这种", "那种", "这款", "那款", "这家", "那家",
             "这件", "那件", "这道", "这本", "这首", "这里", "那里", "这儿", "那儿", "这一", "那一", "其中", "刚才",
             "刚刚", "上面", "前面", "之前", "你说", "您说", "你提到", "您提到", "你刚", "您刚", "你推荐", "您推荐",
             "第一个", "第二个", "第三个", "最后一个", "哪一个", "哪个", "同样", "上述", "以上", "此", "再", "改成",
             "换成", "换一", "改一", "改得", "更短", "更简单", "简短一")
_REFER_EN = (r"it", r"its", r"it's", r"that", r"this", r"those", r"these", r"they", r"them", r"their",
             r"one", r"ones", r"you said", r"you mentioned", r"you suggested", r"you recommended",
             r"earlier", r"above", r"before", r"previous", r"the first", r"the second", r"the third",
             r"the last", r"the same", r"which one", r"another", r"else", r"more", r"instead", r"too",
             r"either", r"both", r"such", r"there", r"same", r"again", r"shorter", r"longer", r"simpler",
             r"less")
# Openers of a follow-up or a correction (at the start of a sentence of the turn).
_OPEN_ZH = ("那", "还有", "另外", "再", "如果", "要是", "假如", "换成", "改成", "换个", "不对", "不是", "可是",
            "但是", "不过", "也", "还", "然后", "所以", "可以再", "好的", "好，", "嗯", "对", "哦", "噢", "原来",
            "谢谢", "明白", "那么", "除了", "具体", "比如", "例如")
_OPEN_EN = (r"what about", r"how about", r"and", r"also", r"instead", r"then", r"so", r"but", r"actually",
            r"what if", r"why", r"how come", r"ok", r"okay", r"great", r"thanks", r"thank you", r"sure",
            r"right", r"oh", r"hmm", r"well", r"no", r"yes", r"wait", r"sorry", r"besides", r"in that case",
            r"any other")
_REFER_EN_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _REFER_EN) + r")\b", re.I)
_OPEN_EN_RE = re.compile(r"^\W*(?:" + "|".join(re.escape(w) for w in _OPEN_EN) + r")\b", re.I)

# zh function characters: a bigram made only of these carries no content ("什么", "可以", "我们").
_FUNCTION_ZH = set("的了吗呢吧啊呀哦嗯是在我你您他她它们这那有和与及或就也都还很太不没个一二三上下来去说要会能可"
                   "以什么怎么为如何请问给把被让对到从向得地着过些吗么多少几好就再又才只而且但如果因所")
_STOP_EN = set("""a an the and or but if then so of to in on at by for with from as is are was were be been being
am do does did have has had i you he she it we they me him her us them my your his its our their this that these
those there here what which who whom whose when where why how can could would should will shall may might must
not no yes just also too very really about into over than more most some any all each other such only own same
again further once please thanks thank get got make made let lets want need like know think tell give take use
one ones well okay ok sure right good great much many way thing things something anything nice cool perfect
awesome sounds love lot bit per""".split())
# zh bigrams of acknowledgement or request wording, not content ("不错", "觉得", "一下")
_STOP_BIGRAMS_ZH = {"不错", "谢谢", "明白", "听起", "起来", "感觉", "觉得", "知道", "需要", "想要", "应该", "还能",
                    "一下", "一点", "非常", "真的", "还是", "或者", "比较", "帮我", "告诉", "推荐", "有没", "没有",
                    "能用", "可用"}
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_EN_WORD = re.compile(r"[a-z][a-z']+")


@dataclass
class TurnScore:
    """Evidence that one later user turn refers to earlier content."""

    turn: int  # 1-based index among the user turns
    score: float
    markers: list[str] = field(default_factory=list)
    opener: str = ""
    overlap: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"turn": self.turn, "score": round(self.score, 3), "markers": self.markers, "opener": self.opener,
                "overlap": round(self.overlap, 3)}


@dataclass
class ContextCheck:
    """The verdict over a dialogue's later user turns."""

    ok: bool
    turns: list[TurnScore]
    share: float  # share of later turns that refer
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "share": round(self.share, 3), "turns": [t.as_dict() for t in self.turns]}


def content_units(text: str, lang: str) -> set[str]:
    """What overlap is counted on: zh CJK bigrams with a content character; en content-word stems."""
    if lang == "zh":
        units = set()
        for run in _CJK_RUN.findall(text):
            units |= {run[i:i + 2] for i in range(len(run) - 1)
                      if not (run[i] in _FUNCTION_ZH and run[i + 1] in _FUNCTION_ZH)
                      and run[i:i + 2] not in _STOP_BIGRAMS_ZH}
        return units
    words = [w.strip("'") for w in _EN_WORD.findall(text.lower())]
    return {w[:5] for w in words if len(w) >= 3 and w not in _STOP_EN}


def new_units(text: str, earlier: list[str], lang: str) -> tuple[float, int]:
    """(share of ``text``'s content units that occur in the earlier turns, number that do not)."""
    units = content_units(text, lang)
    if not units:
        return 0.0, 0
    seen = set().union(*(content_units(e, lang) for e in earlier)) if earlier else set()
    return len(units & seen) / len(units), len(units - seen)


def overlap(text: str, earlier: list[str], lang: str) -> float:
    """Share of ``text``'s content units that occur in the earlier turns (0 when it has none)."""
    return new_units(text, earlier, lang)[0]


def reference_markers(text: str, lang: str) -> list[str]:
    """Words of ``text`` that point back at earlier content."""
    if lang == "zh":
        return [m for m in _REFER_ZH if m in text]
    return sorted({m.group(0).lower() for m in _REFER_EN_RE.finditer(text)})


_SENTENCE_ZH = re.compile(r"[。！？；!?;]\s*")
_SENTENCE_EN = re.compile(r"(?<=[.!?;])\s+")


def opener(text: str, lang: str) -> str:
    """The follow-up or correction word a sentence of the turn starts with ("我打算用玉米油。那牛奶呢？"), or
    ``""``."""
    for sentence in (_SENTENCE_ZH if lang == "zh" else _SENTENCE_EN).split(text.strip()):
        head = sentence.strip().lstrip("“\"'「（(")
        if lang == "zh":
            found = next((o for o in _OPEN_ZH if head.startswith(o)), "")
        else:
            m = _OPEN_EN_RE.match(head)
            found = m.group(0).strip(" ,.!?").lower() if m else ""
        if found:
            return found
    return ""


def score_turn(text: str, earlier: list[str], lang: str, turn: int = 0) -> TurnScore:
    """Evidence that one user turn refers to the ``earlier`` turns (see the module docstring)."""
    markers, first = reference_markers(text, lang), opener(text, lang)
    lap, unseen = new_units(text, earlier, lang)
    score = min(1.0, lap / OVERLAP_FULL)
    if markers or first:
        score = 1.0 if unseen <= MAX_NEW_UNITS else min(1.0, score + MARKER_BONUS)
    return TurnScore(turn=turn, score=score, markers=markers, opener=first, overlap=lap)


def _turns(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(m["role"], m.get("content") or "") for m in messages if m.get("role") in ("user", "assistant")]


def check_context(messages: list[dict[str, Any]], lang: str, min_score: float = 0.5,
                  min_share: float = 0.5) -> ContextCheck:
    """Score every user turn after the first against all earlier turns; ok when at least ``min_share`` of
    them reach ``min_score`` (a dialogue with one user turn has nothing to check and is not ok)."""
    turns, scores, users = _turns(messages), [], 0
    for i, (role, text) in enumerate(turns):
        if role != "user":
            continue
        users += 1
        if users > 1:
            scores.append(score_turn(text, [t for _, t in turns[:i]], lang, users))
    if not scores:
        return ContextCheck(False, [], 0.0, "one user turn: no later turn to check")
    share = sum(s.score >= min_score for s in scores) / len(scores)
    ok = share >= min_share
    weak = [s.turn for s in scores if s.score < min_score]
    detail = "" if ok else f"user turns {weak} do not refer to earlier content (share {share:.2f} < {min_share})"
    return ContextCheck(ok, scores, share, detail)

