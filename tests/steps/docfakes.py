"""A scripted chat model for document-grounded runs: tasks that quote a chunk's sentences, answers that copy them
(faithful) or, for every task about a "year", invent one (unfaithful); the groundedness judge says supported."""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

_SENT = re.compile(r"[^。！？.!?\n]+[。！？.!?]")


def _between(prompt: str, start: str, end: str) -> str:
    return prompt.split(start, 1)[1].split(end, 1)[0].strip()


def sentences(chunk: str) -> list[str]:
    return [s.strip() for s in _SENT.findall(chunk) if len(s.strip()) > 8 and not s.strip().startswith("#")]


def propose_answer(prompt: str) -> str:
    zh = "资料：" in prompt
    chunk = _between(prompt, "资料：\n", "\n\n任务的形式") if zh else _between(prompt, "Text:\n", "\n\nTasks of this form")
    tasks = [(f"请根据上文，复述以“{s[:8]}”开头的那句话。" if zh
              else f"Using the text, restate the sentence that begins with \"{s[:25]}\".") for s in sentences(chunk)[:3]]
    tasks.insert(1, "上文提到的事情发生在哪一年？" if zh else "In which year did the story of the text begin?")
    return "\n".join(f"{i + 1}. {t}" for i, t in enumerate(tasks))


def answer_answer(prompt: str) -> str:
    zh = "资料：" in prompt
    chunk = _between(prompt, "资料：\n", "\n\n任务：") if zh else _between(prompt, "Text:\n", "\n\nTask:")
    task = _between(prompt, "任务：", "\n\n回答") if zh else _between(prompt, "Task:", "\n\nAnswer")
    if "哪一年" in task or "which year" in task:
        return "这件事发生在1875年。" if zh else "It began in 1875, according to Peter Miller."
    quoted = re.search(r"“(.+?)”|\"(.+?)\"", task)
    head = (quoted.group(1) or quoted.group(2)) if quoted else ""
    for s in sentences(chunk):
        if head and s.startswith(head):
            return s
    return "原文没有提到这一点。" if zh else "The text does not say."


class DocChat(BaseChatModel):
    """Answers doc_propose, doc_answer and ground_judge prompts (``verdict``: what the judge says)."""

    verdict: str = '{"verdict": "supported", "reason": "copied from the text"}'
    prompts: list = []

    @property
    def _llm_type(self) -> str:
        return "doc-scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        self.prompts.append(prompt)
        if "新的任务指令" in prompt or "new task instructions" in prompt:
            text = propose_answer(prompt)
        elif '"verdict"' in prompt:
            text = self.verdict
        else:
            text = answer_answer(prompt)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def verdict(v: str) -> str:
    return json.dumps({"verdict": v, "reason": "scripted"})
