"""A scripted, deterministic fake chat model for unit tests (used behind the real LLMService)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

TOPICS_ZH = ["光合作用", "通货膨胀", "区块链", "量子纠缠", "唐诗格律", "免疫系统", "供需关系", "递归算法",
             "碳中和", "黑洞", "复利", "板块运动", "蒸汽机", "抗生素", "大数据", "古希腊哲学"]
ASPECTS_ZH = ["基本原理", "历史由来", "常见误解", "实际应用", "优缺点", "对日常生活的影响"]
TOPICS_EN = ["photosynthesis", "inflation", "blockchains", "black holes", "vaccines", "recursion", "tides",
             "compound interest", "plate tectonics", "the printing press", "antibiotics", "supply chains"]
ASPECTS_EN = ["basic principle", "history", "common misconceptions", "practical uses", "pros and cons"]


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


def scripted_answer(prompt: str) -> str:
    """Deterministic answer chosen by the prompt's kind and content."""
    zh = "指令" in prompt or "任务" in prompt
    if "新的任务指令" in prompt or "new task instructions" in prompt:
        return _proposal(prompt, zh)
    instruction = prompt.rsplit("：" if zh else "Instruction:", 1)[-1].strip()
    if "类别" in prompt or "Class:" in prompt:
        return "类别：正面\n输入：这家店的服务很周到。" if zh else "Class: positive\nInput: Great service."
    return f"输入：无\n输出：关于“{instruction}”的回答：这是一个详细而准确的说明。" if zh else \
        f"Input: None\nOutput: A clear and accurate answer about: {instruction}"


def _proposal(prompt: str, zh: bool) -> str:
    seed = _h(prompt)
    topics, aspects = (TOPICS_ZH, ASPECTS_ZH) if zh else (TOPICS_EN, ASPECTS_EN)
    lines = ["以下是新的任务：" if zh else "Here are the new tasks:"]
    for i in range(6):
        k = (seed >> (8 * i)) % (len(topics) * len(aspects))
        t, a = topics[k % len(topics)], aspects[k // len(topics)]
        text = f"请说明{t}的{a}，并举一个例子。" if zh else f"Explain the {a} of {t} with one example."
        lines.append(f"{i + 9}. {text}")
    lines.append("15. " + ("请根据这张图片写一段描述。" if zh else "Describe the image in the attachment."))
    lines.append("16. " + ("好" if zh else "Hi"))
    return "\n".join(lines)


class ScriptedChat(BaseChatModel):
    """A fake chat model that answers proposal and instance prompts deterministically."""

    calls: int = 0
    fail_every: int = 0  # every n-th call raises a non-retriable error (0: never)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        self.calls += 1
        prompt = str(messages[-1].content)
        if self.fail_every and _h(prompt) % self.fail_every == 0:
            raise ValueError("scripted failure")
        text = scripted_answer(prompt)
        msg = AIMessage(content=text, usage_metadata={"input_tokens": len(prompt), "output_tokens": len(text),
                                                      "total_tokens": len(prompt) + len(text)})
        return ChatResult(generations=[ChatGeneration(message=msg)])




# -- tool use ---------------------------------------------------------------------------------------------
_NUM = re.compile(r"\d+(?:\.\d+)?")
_RESULT = re.compile(r"<tool_response>(.*?)</tool_response>", re.S)


def word_problem(seed: int, zh: bool) -> str:
    a, b = 2 + seed % 7 + (seed >> 3) % 10 / 10, 3 + (seed >> 7) % 40
    return f"小明买了{a}千克苹果，每千克{b}元，一共要付多少元？" if zh else \
        f"Tom buys {a} kg of apples at {b} dollars per kg. How much does he pay?"


def tool_answer(messages: list, lie: bool = False) -> str:
    """Text-protocol turn: call the calculator on the problem's two numbers, then state its result."""
    last = str(messages[-1].content)
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in str(messages[1].content))
    if "<tool_response>" in last:
        result = _RESULT.findall(last)[-1].split("≈")[-1].strip()
        if lie:
            result = str(float(result) + 1)
        return f"一共要付{result}元。" if zh else f"He pays {result} dollars."
    a, b = _NUM.findall(last)[:2]
    return f'好的。<tool_call>{{"name": "calculator", "arguments": {{"expression": "{a} * {b}"}}}}'


class ToolChat(BaseChatModel):
    """Proposes word problems and solves them with <tool_call> text (``lie``: the final number is off by one)."""

    lie: bool = False

    @property
    def _llm_type(self) -> str:
        return "tool-scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        if "数学应用题" in prompt or "arithmetic word problems" in prompt:
            zh = "数学应用题" in prompt
            seed = _h(prompt)
            text = "\n".join(f"{i + 1}. {word_problem(seed >> i, zh)}" for i in range(4))
        elif '{"expression"' in prompt:  # the reference prompt
            problem = prompt.split("题目：" if "题目" in prompt else "Problem:")[-1]
            a, b = _NUM.findall(problem)[:2]
            text = f"{a} * {b}"
        else:
            text = tool_answer(messages, self.lie)
            if kwargs.get("response_format") and "<tool_call>" in text:  # a forced first call: the JSON alone
                text = text.split("<tool_call>", 1)[1]
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


# -- balance ----------------------------------------------------------------------------------------------
TYPE_TEMPLATES_ZH = {
    "问答": "{t}是怎样形成的？为什么会这样？",
    "总结": "请用三句话总结下面这段关于{t}的文字。",
    "改写": "请改写下面这句关于{t}的话，使语气更正式。",
    "分类": "判断下面这条关于{t}的评论是正面还是负面。",
    "翻译": "把下面这句关于{t}的话翻译成英文。",
    "推理": "如果所有的{t}都是甲，而有些甲是乙，能否推出有些{t}是乙？请说明推理过程。",
    "代码": "用Python写一个函数，统计{t}数据中的最大值。",
    "角色扮演": "假设你是一名{t}方面的顾问，接待一位前来咨询的客户，用对话的方式回答他的问题。",
    "生成": "以{t}为主题写一首四行小诗。",
    "信息抽取": "从下面这段关于{t}的新闻中提取所有人名和地点。",
}
TOPICS_MORE = TOPICS_ZH + ["火山", "潮汐", "疫苗", "芯片", "汇率", "沙漠", "冰川", "高铁", "稻米", "丝绸", "陶瓷",
                           "桥梁", "灯塔", "候鸟", "珊瑚", "地铁", "台风", "京剧", "围棋", "茶叶"]


class BalancedChat(ScriptedChat):
    """Proposals write instructions of the task types the prompt asks for (``这一批只写以下类型的任务：…``);
    without such a line, only questions (a model stuck on one type)."""

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        if "新的任务指令" not in prompt:
            return super()._generate(messages, stop, run_manager, **kwargs)
        m = re.search(r"只写以下类型的任务：(.+?)。", prompt)
        kinds = m.group(1).split("、") if m else ["问答"]
        seed = _h(prompt)
        lines = [f"{i + 1}. " + TYPE_TEMPLATES_ZH[kinds[i % len(kinds)]].format(
            t=TOPICS_MORE[(seed >> (5 * i)) % len(TOPICS_MORE)] + ["", "的历史", "的原理", "的影响"][(seed >> (3 * i)) % 4])
            for i in range(6)]
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="\n".join(lines)))])
