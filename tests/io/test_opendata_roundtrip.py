"""Round trips of the open-dataset importers.

* converted records are valid records of their core format: written out (what ``filter``/``dedup`` do) and read
  again, they give the same seeds;
* the same rows as JSON lines, parquet and a ``save_to_disk`` folder give the same seeds.
"""

from __future__ import annotations

import json

import pytest

from agentsft.io import read_seeds
from agentsft.io.records import load_records

from test_opendata import (COIG_CQIA, COIG_EXAM, COIG_TRANS, DOLLY, FIREFLY, GLAIVE, GLAIVE_NO_TOOLS, LF_TOOLS,
                           MOSS_003, OASST_ROWS)

BELLE_MT = [{"instruction": "Human:你好，能推荐一本书吗？\nAssistant:可以读《活着》。\nHuman:它讲了什么？\nAssistant:",
             "input": "", "output": "它讲述了福贵一生的苦难。"},
            {"instruction": "Human: Hi, what is 2+2?\nAssistant:", "input": "", "output": "4."}]
COIG_CHAT = [{"instruction": "请纠正事实错误。", "conversations": [{"question": "太阳是行星吗？", "answer": "不是，太阳是恒星。"}]},
             {"instruction": "", "conversations": [{"question": "Is the moon a star?", "answer": "No, a satellite."},
                                                   {"question": "Of what?", "answer": "Of the Earth."}]}]
MOSS_PLAIN = [{"plain_text": "[Human]: 你好 <eoh> [MOSS]: 你好，有什么可以帮你？ <eoa>"},
              {"plain_text": "[Human]: Name a prime. <eoh> [MOSS]: 7. <eoa>"}]

FAMILIES = {
    "dolly": DOLLY,
    "firefly": FIREFLY + [{"kind": "Program", "input": "Write a Python function that adds two numbers.",
                           "target": "def add(a, b):\n    return a + b"}],
    "coig_exam": [COIG_EXAM],
    "coig_trans": [COIG_TRANS],
    "coig_cqia": [COIG_CQIA],
    "coig_chat": COIG_CHAT,
    "belle_multiturn": BELLE_MT,
    "moss": [MOSS_003],
    "moss_plain": MOSS_PLAIN,
    "glaive": [GLAIVE, GLAIVE_NO_TOOLS],
    "llamafactory": [LF_TOOLS],
    "oasst": OASST_ROWS,
}


def view(seed):
    """What a seed carries, without where it came from."""
    data = seed.model_dump(mode="json", exclude={"source", "id"})
    return data


def write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_converted_records_read_back_as_the_same_seeds(tmp_path, family):
    src = write(tmp_path / f"{family}.jsonl", FAMILIES[family])
    seeds = read_seeds(src)
    assert {s.lang for s in seeds} <= {"zh", "en"} and seeds
    name, records = load_records(src)
    again = write(tmp_path / "converted.jsonl", [rec for _, rec in records])
    assert load_records(again)[0] == name  # the converted file is detected as its core format
    assert [view(s) for s in read_seeds(again)] == [view(s) for s in seeds]


@pytest.mark.parametrize("family", ["dolly", "firefly", "coig_exam", "coig_cqia", "belle_multiturn", "moss_plain",
                                    "glaive", "oasst"])
def test_parquet_and_save_to_disk_read_like_json_lines(tmp_path, family):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasets import Dataset

    rows = FAMILIES[family]
    expected = [view(s) for s in read_seeds(write(tmp_path / "rows.jsonl", rows))]
    pq.write_table(pa.Table.from_pylist(rows), str(tmp_path / "rows.parquet"))
    assert [view(s) for s in read_seeds(tmp_path / "rows.parquet")] == expected
    Dataset.from_list(rows).save_to_disk(str(tmp_path / "ds"))
    assert [view(s) for s in read_seeds(tmp_path / "ds")] == expected
