"""Lexical signals that work on Chinese and English alike.

Two things live here:

* ``shingles`` / ``jaccard``: character n-grams for CJK text (no word segmentation needed) and word
  n-grams for space-separated text. A high Jaccard means a copy with small edits.
* ``content_units`` / ``content_diff``: the *content* a task asks about, with the instruction's framing
  removed (politeness, task verbs such as 写/创作/explain/describe, measure words, question words), synonyms
  of task nouns folded together, numerals normalised. Two texts whose content differs on *both* sides
  ("春天" against "秋天", "French" against "German", "3" against "5") ask for different things even when
  every other character is the same, which is exactly the template clone that embedders score as a
  paraphrase. Texts whose content is equal, or where one side only adds a word or two ("短", "brief"),
  are rewordings.

Everything is rule based and deterministic; the word lists are short, generic instruction vocabulary,
not topic vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from agentsft.text import guess_lang

_CJK_CHAR = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK_CHAR}]+")
_TOKEN = re.compile(f"[{_CJK_CHAR}]+|[a-z]+(?:[+#]+|'[a-z]+)?|\\d+(?:\\.\\d+)?")
_WORD = re.compile(r"[a-z]+(?:[+#]+|'[a-z]+)?|\d+(?:\.\d+)?")

# --- Chinese framing vocabulary (removed before comparing content) ---------------------------------
# Longest match first; these are instruction frames, not topics.
_ZH_FUNCTION = sorted(
    """
    请问 请你 请 麻烦你 麻烦 帮我 帮忙 帮 给我 给出 替我 为我 我想 我要 我需要 想请你 能不能 能否 可不可以 可以 能 你能 你
    一下 一些 一点 一个 一首 一篇 一段 一份 一则 一句 一封 一条 一套 一种 一份儿 几句 几个 首 篇 段 份 则 封 条 个 些
    的 地 得 了 吗 呢 吧 啊 呀 着 过 之 其 该 此 这 那 这个 那个 这段 这句 这篇 这首 下面 以下 如下 下列 上述 所给 给定
    关于 有关 相关 围绕 针对 对于 就 以 为主题 为题 主题 题目 为 和 与 及 以及 并 并且 还 也 或 或者 及其 中 里 在 是 有
    来 做 出 想 把 将 让 使 令 被 更 再 又 很 非常 比较 较 最 简要 简单 简短 简洁 简明 扼要 尽量 务必 一定
    给 告诉 一起 分别 谢谢 多谢 感谢 你好 您好 帮个忙 个忙 您
    如何 怎么 怎样 怎么样 为什么 为何 什么 哪些 哪个 哪 多少 是否 原因 理由
    用 使用 通过 进行 能够 会 要 需要 应该 应当 一般 通常 主要 大概 大致 具体 详细 详细地 尽量 尽可能
    语言 文字 内容 方面 问题 方法 方式 步骤 要点
    """.split(),
    key=len,
    reverse=True,
)
# Task verbs fold into a few classes (a class change is a different task: 写 vs 分析); task nouns that
# rewordings swap freely fold to one representative.
_ZH_VERB_CLASSES = {
    "@create": "写 写作 写出 写下 创作 撰写 编写 编 作 生成 产生 构思 拟 起草 描写 描绘 刻画 造句 编一个 写个",
    "@explain": "解释 说明 阐述 阐释 介绍 讲解 讲述 讲讲 讲一讲 讲 说说 说一说 谈谈 聊聊 描述 解答 回答 为什么 为何 原因",
    "@summary": "概括 概述 总结 归纳 简述 提炼 摘要",
    "@list": "列出 列举 罗列 举出 举例 给出 提供 推荐 提出 说出 找出 写出几",
    "@analyse": "分析 评价 评估 点评 剖析",
    "@rewrite": "改写 润色 修改 重写 改成 转述 复述",
    "@classify": "分类 归类 判断 识别 区分",
    "@compare": "比较 对比 比一比",
}
_ZH_SYNONYMS = {w: cls for cls, words in _ZH_VERB_CLASSES.items() for w in words.split()}
_ZH_SYNONYMS |= {
    "诗歌": "诗", "小诗": "诗", "短诗": "诗", "诗篇": "诗", "现代诗": "诗",
    "文章": "文", "短文": "文", "作文": "文", "散文": "文",
    "故事": "事", "小故事": "事", "短故事": "事",
    "几点": "点", "建议": "点", "技巧": "点", "窍门": "点", "方法": "点", "办法": "点", "小贴士": "点",
    "区别": "异", "不同": "异", "比较": "异", "对比": "异", "差别": "异", "差异": "异", "不同之处": "异", "异同": "异",
    "好处": "益", "优点": "益", "益处": "益", "优势": "益",
    "坏处": "弊", "缺点": "弊", "弊端": "弊", "劣势": "弊",
    "英文": "英语", "中文": "汉语", "普通话": "汉语", "日文": "日语", "法文": "法语", "德文": "德语",
    "韩文": "韩语", "西班牙文": "西班牙语", "俄文": "俄语", "英语": "英语", "汉语": "汉语", "日语": "日语",
    "法语": "法语", "德语": "德语", "韩语": "韩语", "西班牙语": "西班牙语", "俄语": "俄语", "意大利语": "意大利语",
    "葡萄牙语": "葡萄牙语", "阿拉伯语": "阿拉伯语", "文言文": "文言文", "粤语": "粤语",
    "翻译成": "译", "译成": "译", "翻成": "译", "翻译为": "译", "译为": "译", "翻译": "译",
    "程序": "码", "代码": "码", "函数": "码", "脚本": "码",
    "计算": "算", "算出": "算", "求": "算", "求出": "算",
}
_ZH_NUMERALS = {"零": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6",
                "七": "7", "八": "8", "九": "9", "十": "10", "百": "100", "千": "1000", "万": "10000"}
_ZH_NUM_RUN = re.compile("[零一二两三四五六七八九十百千万]+")

# --- English framing vocabulary ---------------------------------------------------------------------
_EN_FUNCTION = set(
    """
    a an the of to in into on onto for from with without by as at about around regarding concerning
    and or but nor so also too then than that this these those there here it its it's they them their
    i me my we us our you your yours he she his her one ones someone something anything
    please kindly could can would will shall should may might must do does did done doing be is are was
    were been being am have has had having get gets got let lets let's just only very really quite
    what which who whom whose how when where whether if look looks appear appears seem seems actually
    come make give giving provide providing offer tell telling share show put up out down
    state present help need want like some any few thanks thank hey hi hello
    short brief briefly concise concisely quick quickly simple simply detailed detail little small
    following below above given text passage sentence paragraph piece content way ways method methods
    thing things idea ideas tip tips step steps point points example examples main key important
    """.split()
)
_EN_VERB_CLASSES = {
    "@create": "write compose create produce generate draft craft pen invent",
    "@explain": "explain describe discuss clarify elaborate illustrate tell",
    "@summary": "summarize summarise summary outline condense recap",
    "@list": "list enumerate name suggest recommend propose identify mention",
    "@analyse": "analyze analyse evaluate assess critique review",
    "@rewrite": "rewrite rephrase paraphrase reword edit revise polish",
    "@classify": "classify categorize categorise label",
}
_EN_SYNONYMS = {w: cls for cls, words in _EN_VERB_CLASSES.items() for w in words.split()}
_EN_SYNONYMS |= {
    "poem": "poem", "poetry": "poem", "verse": "poem", "haiku": "poem",
    "essay": "essay", "article": "essay", "story": "story", "tale": "story",
    "difference": "differ", "differences": "differ", "differ": "differ", "distinguish": "differ",
    "compare": "differ", "contrast": "differ", "versus": "differ", "vs": "differ", "different": "differ",
    "benefit": "benefit", "advantage": "benefit", "pro": "benefit", "pros": "benefit", "upside": "benefit",
    "drawback": "drawback", "disadvantage": "drawback", "con": "drawback", "cons": "drawback",
    "downside": "drawback",
    "translate": "translate", "translation": "translate", "render": "translate",
    "program": "code", "function": "code", "script": "code", "snippet": "code", "code": "code",
    "calculate": "compute", "compute": "compute", "find": "compute", "work": "compute",
    "healthy": "health", "health": "health", "cause": "cause", "reason": "cause", "because": "cause",
    "why": "@explain", "occur": "happen", "happen": "happen",
}
_EN_NUMBERS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
               "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
               "twenty": "20", "hundred": "100", "thousand": "1000", "single": "1", "couple": "2",
               "pair": "2", "dozen": "12"}


def prepare(text: str) -> str:
    """NFKC, lower case, collapsed white space (the same spirit as ``schema.normalise``)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "").lower()).strip()


def _stem(word: str) -> str:
    """A deliberately crude English stemmer: enough to fold plurals and -ing/-ed forms together."""
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ied", "y"), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if len(word) > len(suffix) + (3 if suffix == "ing" else 2) and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def shingles(text: str, lang: str | None = None, n_zh: int = 2, n_en: int = 2) -> set[str]:
    """Character n-grams of CJK runs plus word n-grams (and words) of the rest of ``text``."""
    t = prepare(text)
    out: set[str] = set()
    for run in _CJK_RUN.findall(t):
        if len(run) < n_zh:
            out.add(run)
        out.update(run[i: i + n_zh] for i in range(len(run) - n_zh + 1))
    words = [_stem(w) for w in _WORD.findall(_CJK_RUN.sub(" ", t))]
    out.update(words)
    out.update(" ".join(words[i: i + n_en]) for i in range(len(words) - n_en + 1))
    return out


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _zh_number(run: str) -> str:
    """A Chinese numeral run as digits when it is simple (三 → 3, 十二 → 12), else its characters."""
    if all(ch in "一二两三四五六七八九零" for ch in run) and len(run) == 1:
        return _ZH_NUMERALS[run]
    total, cur = 0, 0
    try:
        for ch in run:
            v = int(_ZH_NUMERALS[ch])
            if v >= 10:
                total += max(cur, 1) * v
                cur = 0
            else:
                cur = cur * 10 + v
        return str(total + cur)
    except KeyError:  # pragma: no cover - the regex only lets numerals through
        return run


def _by_first_char(words) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for w in sorted(words, key=len, reverse=True):
        table.setdefault(w[0], []).append(w)
    return table


_ZH_SYN_TABLE = _by_first_char(_ZH_SYNONYMS)
_ZH_FUNC_TABLE = _by_first_char(_ZH_FUNCTION)


def _zh_content(run: str) -> list[str]:
    """Content units of one CJK run: synonyms folded, numbers as digit strings, framing words removed.

    Greedy longest match at each position: a task-noun synonym, else a framing word (dropped), else a
    numeral run, else the character itself.
    """
    units: list[str] = []
    i = 0
    n = len(run)
    while i < n:
        ch = run[i]
        hit = next((w for w in _ZH_SYN_TABLE.get(ch, ()) if run.startswith(w, i)), None)
        if hit:
            units.append(_ZH_SYNONYMS[hit])
            i += len(hit)
            continue
        func = next((w for w in _ZH_FUNC_TABLE.get(ch, ()) if run.startswith(w, i)), None)
        if func and len(func) > 1:
            i += len(func)
            continue
        m = _ZH_NUM_RUN.match(run, i)
        if m:
            units.append("#" + _zh_number(m.group()))
            i = m.end()
            continue
        if func:
            i += 1
            continue
        units.append(ch)
        i += 1
    return units


@dataclass
class Content:
    """What a text asks about: content units and the numbers among them."""

    units: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    runs: list[list[str]] = field(default_factory=list)  # the content units of each CJK run, in order


# The same quantity written two ways: a week is seven days (一周 / 七天, one-week / 7-day).
_SAME_QUANTITY = [
    (re.compile(r"(?:为期)?一(?:个)?(?:周|星期|礼拜)"), "七天"),
    (re.compile(r"\b(?:one|a|1)[ -]week\b"), "7 day"),
    (re.compile(r"\bweek\b"), "7 day"),
]


def content_units(text: str, lang: str | None = None) -> Content:
    t = prepare(text)
    for pattern, repl in _SAME_QUANTITY:
        t = pattern.sub(repl, t)
    units: set[str] = set()
    runs: list[list[str]] = []
    for tok in _TOKEN.findall(t):
        if _CJK_RUN.fullmatch(tok):
            runs.append(_zh_content(tok))
            units.update(runs[-1])
        elif tok[0].isdigit():
            units.add("#" + tok)
        elif tok in _EN_NUMBERS:
            units.add("#" + _EN_NUMBERS[tok])
        elif tok in _EN_SYNONYMS:
            units.add(_EN_SYNONYMS[tok])
        elif tok not in _EN_FUNCTION:
            stem = _stem(tok)
            if stem in _EN_SYNONYMS:
                units.add(_EN_SYNONYMS[stem])
            elif stem not in _EN_FUNCTION:
                units.add(stem)
    numbers = {u for u in units if u.startswith("#")}
    return Content(units=units, numbers=numbers, runs=runs)


@dataclass
class Diff:
    """How the content of two texts differs. ``differs`` is the veto: they ask for different things."""

    differs: bool
    only_a: set[str]
    only_b: set[str]
    why: str = ""


_LANGS = {"英语", "汉语", "日语", "法语", "德语", "韩语", "西班牙语", "俄语", "意大利语", "葡萄牙语", "阿拉伯语", "文言文",
          "粤语", "english", "chinese", "mandarin", "japanese", "french", "german", "korean", "spanish", "russian",
          "italian", "portuguese", "arabic", "python", "java", "javascript", "c++", "c#", "go", "rust", "sql",
          "ruby", "php", "kotlin", "swift", "typescript"}


def content_diff(a: Content, b: Content, lang: str, max_slot: int | None = None) -> Diff:
    """Compare two texts' content; ``differs`` is the veto (they ask for different things).

    * different numbers → different task (列出三种 / 列出五种);
    * different named languages (target language of a translation, programming language) → different task;
    * a *slot substitution*: each side has a little content the other lacks (at most ``max_slot`` units,
      default 2 characters for zh, 2 words for en) while the content they share is larger: a template clone
      whose topic changed (春天 → 秋天, French → German).

    Broader differences (a reworded frame) are not vetoed: the similarity scores decide those.
    """
    only_a, only_b = a.units - b.units, b.units - a.units
    if a.numbers and b.numbers and a.numbers != b.numbers:
        return Diff(True, only_a, only_b, "numbers differ")
    la, lb = a.units & _LANGS, b.units & _LANGS
    if la and lb and la != lb:
        return Diff(True, only_a, only_b, "languages differ")
    limit = max_slot if max_slot is not None else 2
    shared = len(a.units & b.units)
    if only_a and only_b and max(len(only_a), len(only_b)) <= limit and shared >= max(len(only_a), len(only_b)):
        return Diff(True, only_a, only_b, "slot differs")
    return Diff(False, only_a, only_b, "")


def pair_lang(a: str, b: str) -> str:
    return "zh" if guess_lang(a) == "zh" or guess_lang(b) == "zh" else "en"
