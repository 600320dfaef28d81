"""Shared fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    path = tmp_path / "seeds.jsonl"
    rows = [
        {"id": f"s{i}", "instruction": text, "instances": [{"input": "", "output": "答案"}],
         "task_type": "qa", "lang": "zh"}
        for i, text in enumerate(["解释什么是光合作用。", "把这句话翻译成英文：你好。", "总结下面这段文字。",
                                  "判断这条评论是正面还是负面。", "用Python写一个求和函数。", "假设你是导游，介绍故宫。",
                                  "小明有35元，买了3支4.5元的笔，还剩多少？", "为什么天空是蓝色的？"])
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path
