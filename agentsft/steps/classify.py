"""Assign a task type to an instruction with ordered keyword rules (zh and en). Deterministic and free."""

from __future__ import annotations

import re

from agentsft.schema import TaskType

_NUM = re.compile(r"\d+(?:\.\d+)?")
_RULES: tuple[tuple[TaskType, tuple[str, ...]], ...] = (
    (TaskType.TRANSLATION, ("翻译", "译成", "译为", "translate", "translation", "into english", "into chinese")),
    (TaskType.CODE, (
        "代码", "编程", "程序", "函数", "python", "java", "sql", "javascript", "c++", "正则", "脚本", "算法实现",
        "code", "function", "script", "program", "regex", "implement", "bug",
    )),
    (TaskType.SUMMARIZATION, ("总结", "概括", "摘要", "归纳", "提炼", "summar*", "tl;dr", "key points")),
    (TaskType.PARAPHRASE, ("改写", "润色", "换一种说法", "同义", "重写", "转述", "rewrite", "paraphrase", "rephrase", "polish")),
    (TaskType.CLASSIFICATION, (
        "分类", "归类", "判断.*属于", "情感倾向", "是正面还是负面", "属于哪", "classif*", "categori*", "label",
        "positive or negative", "which category",
    )),
    (TaskType.ROLEPLAY, ("扮演", "假设你是", "你是一名", "你是一位", "以.*的身份", "role-play", "roleplay", "pretend", "act as", "you are a")),
    (TaskType.REASONING, ("推理", "推断", "逻辑", "为什么", "证明", "谜题", "reason", "logic", "puzzle", "deduce", "why")),
)
_ARITH = ("计算", "多少", "总共", "一共", "平均", "折扣", "利息", "面积", "calculate", "how much", "how many", "total", "average")


def _hit(key: str, text: str) -> bool:
    """``.*`` keys are patterns; ASCII keys match whole words (plural/verb endings allowed, a trailing ``*``
    marks a stem); other keys (CJK) match as substrings."""
    if ".*" in key:
        return re.search(key, text) is not None
    if key.isascii():
        stem = key.endswith("*")
        body = re.escape(key.rstrip("*"))
        tail = "" if stem else r"(?:s|es|d|ed|ing)?(?![a-z])"
        return re.search(rf"(?<![a-z]){body}{tail}", text) is not None
    return key in text


def classify(instruction: str, input: str = "") -> TaskType:
    """The first matching rule's type; arithmetic word problems with numbers are tool use; QA otherwise."""
    text = f"{instruction}\n{input}".lower()
    head = instruction.lower()
    if len(_NUM.findall(head)) >= 2 and any(k in head for k in _ARITH):
        return TaskType.TOOL_USE
    for task_type, keys in _RULES:
        if any(_hit(k, head) for k in keys):
            return task_type
    if any(_hit(k, text) for k in _RULES[1][1][:6]):
        return TaskType.CODE
    return TaskType.QA


def is_classification(task_type: TaskType) -> bool:
    return task_type is TaskType.CLASSIFICATION
