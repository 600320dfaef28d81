"""Table containers (parquet, Arrow, save_to_disk) and streaming samples of big seed pools."""

from __future__ import annotations

import json

import pytest

from agentsft.io import InputError, detect_format, read_seeds
from agentsft.io import readers
from agentsft.io.records import load_records, read_text, sample_records
from agentsft.io.stream import reservoir_lines, sample_table_rows
from agentsft.schema import TaskType


def dolly_rows(n, lang="en"):
    if lang == "zh":
        return [{"instruction": f"第{i}题：解释这个词。", "context": "", "response": f"答案{i}。",
                 "category": "open_qa"} for i in range(n)]
    return [{"instruction": f"Question number {i}?", "context": f"context {i}", "response": f"answer {i}",
             "category": "summarization"} for i in range(n)]


def jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_parquet(path, rows, row_group_size=None):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), str(path), row_group_size=row_group_size)
    return path


# --------------------------------------------------------------------------- containers

def test_parquet_rows_are_read_like_json_lines(tmp_path):
    p = write_parquet(tmp_path / "train.parquet", dolly_rows(3, "zh") + dolly_rows(2), row_group_size=2)
    assert detect_format(p) == "dolly"
    seeds = read_seeds(p)
    assert [s.lang for s in seeds] == ["zh", "zh", "zh", "en", "en"]
    assert seeds[3].instances[0].input == "context 0" and seeds[3].task_type is TaskType.SUMMARIZATION
    assert seeds[4].source == f"{p}:5"  # row 5
    assert read_text(p).count("\n") == 5


def test_parquet_bad_row_is_named_by_row(tmp_path):
    rows = dolly_rows(3)
    rows[1]["response"] = None
    p = write_parquet(tmp_path / "bad.parquet", rows)
    with pytest.raises(InputError) as info:
        read_seeds(p)
    assert (info.value.path, info.value.line) == (str(p), 2) and "response" in info.value.message


def test_save_to_disk_dataset_and_dataset_dict(tmp_path):
    from datasets import Dataset, DatasetDict

    rows = [{"kind": "Translation", "input": "把“你好”翻译成英文。", "target": "Hello."},
            {"kind": "Summary", "input": "Summarise: the cat sat on the mat all day.", "target": "A cat sat."}]
    Dataset.from_list(rows).save_to_disk(str(tmp_path / "ds"))
    assert detect_format(tmp_path / "ds") == "firefly"
    a, b = read_seeds(tmp_path / "ds")
    assert a.task_type is TaskType.TRANSLATION and a.lang == "zh" and b.lang == "en"
    test_rows = [{"kind": "OpenQA", "input": "Only in test?", "target": "yes"}]
    DatasetDict({"train": Dataset.from_list(rows), "test": Dataset.from_list(test_rows)}).save_to_disk(
        str(tmp_path / "dd"))
    seeds = read_seeds(tmp_path / "dd")
    assert [s.instruction for s in seeds] == [r["input"] for r in rows]  # the train split only


def test_stats_reads_a_save_to_disk_folder(tmp_path):
    from datasets import Dataset

    from agentsft.stats import type_dataset

    Dataset.from_list(dolly_rows(3, "zh")).save_to_disk(str(tmp_path / "ds"))
    data = type_dataset(tmp_path / "ds")
    assert data.labels == [("zh", TaskType.QA)] * 3


def test_a_folder_without_data_is_an_input_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as info:
        read_seeds(tmp_path / "empty")
    assert "directory" in info.value.message


# --------------------------------------------------------------------------- streaming samples

def test_reservoir_lines_is_a_deterministic_uniform_sample(tmp_path):
    p = jsonl(tmp_path / "x.jsonl", [{"i": i} for i in range(1000)])
    kept, seen = reservoir_lines(p, 50, seed=1)
    assert seen == 1000 and len(kept) == 50
    lines = [n for n, _ in kept]
    assert lines == sorted(set(lines)) and all(json.loads(raw)["i"] == n - 1 for n, raw in kept)
    assert kept == reservoir_lines(p, 50, seed=1)[0] and kept != reservoir_lines(p, 50, seed=2)[0]
    # every line is about as likely: over many seeds the mean line drawn sits near the middle
    means = [sum(n for n, _ in reservoir_lines(p, 50, seed=s)[0]) / 50 for s in range(20)]
    assert 420 < sum(means) / len(means) < 580
    assert len(reservoir_lines(p, 5000)[0]) == 1000


def test_sample_records_converts_open_formats(tmp_path):
    p = jsonl(tmp_path / "dolly.jsonl", dolly_rows(200))
    name, records = sample_records(p, 10, seed=3)
    assert name == "alpaca" and len(records) == 10
    assert all(rec["output"] == f"answer {line - 1}" for line, rec in records)
    assert [line for line, _ in records] == sorted(line for line, _ in records)


def test_sample_of_parquet_reads_by_row_group(tmp_path):
    p = write_parquet(tmp_path / "big.parquet", dolly_rows(500), row_group_size=64)
    rows, total = sample_table_rows(p, 20, seed=0)
    assert total == 500 and len(rows) == 20
    assert all(row["response"] == f"answer {n - 1}" for n, row in rows)
    seeds = read_seeds(p, sample=7)
    assert len(seeds) == 7 and all(s.instances[0].output == f"answer {int(s.source.rsplit(':', 1)[1]) - 1}"
                                   for s in seeds)


def test_big_file_is_sampled_automatically(tmp_path, monkeypatch):
    p = jsonl(tmp_path / "pool.jsonl", dolly_rows(300))
    monkeypatch.setattr(readers, "STREAM_BYTES", 1000)
    monkeypatch.setattr(readers, "DEFAULT_SAMPLE", 25)
    seeds = read_seeds(p)
    assert len(seeds) == 25 and seeds == read_seeds(p)  # the same sample every time (resume-safe)
    assert len(read_seeds(p, sample=300)) == 300


def test_bad_line_inside_the_sample_is_located(tmp_path):
    p = jsonl(tmp_path / "pool.jsonl", dolly_rows(5))
    with open(p, "a", encoding="utf-8") as f:
        f.write('{"instruction": "cut off"\n')
    with pytest.raises(InputError) as info:
        read_seeds(p, sample=100)
    assert info.value.line == 6 and "invalid JSON" in info.value.message


def test_json_array_and_oasst_rows_fall_back_to_whole_reads(tmp_path):
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps(dolly_rows(30), indent=2), encoding="utf-8")
    name, records = sample_records(arr, 4)
    assert name == "alpaca" and len(records) == 4
    rows = []
    for t in range(12):
        rows += [{"message_id": f"r{t}", "parent_id": None, "role": "prompter", "text": f"Question {t}?",
                  "lang": "en"},
                 {"message_id": f"a{t}", "parent_id": f"r{t}", "role": "assistant", "text": f"Answer {t}.",
                  "lang": "en", "rank": 0}]
    p = jsonl(tmp_path / "oasst.jsonl", rows)
    name, convs = sample_records(p, 5)
    assert name == "openai" and len(convs) == 5
    assert all(len(c["messages"]) == 2 and c["messages"][1]["content"] == f"Answer {c['id'][1:]}."
               for _, c in convs)
    assert load_records(p)[0] == "openai"


def test_seed_sample_setting_reaches_the_reader_and_the_fingerprint(tmp_path):
    from agentsft.config import build_config
    from agentsft.io import read_seed_files

    p = jsonl(tmp_path / "pool.jsonl", dolly_rows(40))
    cfg = build_config(None, {"seeds": [p], "seed_sample": 6, "out": tmp_path / "o"})
    plain = build_config(None, {"seeds": [p], "out": tmp_path / "o"})
    assert cfg.seed_sample == 6 and plain.seed_sample is None
    assert cfg.fingerprint() != plain.fingerprint() and "seed_sample" not in plain.shaping()
    assert len(read_seed_files(cfg.seeds, cfg.seed_format, None, sample=cfg.seed_sample)) == 6


def test_verify_and_dedup_read_table_containers(tmp_path):
    from agentsft.dedup import run_dedup
    from agentsft.verify.run import verify_file

    from test_opendata import GLAIVE

    write_parquet(tmp_path / "glaive.parquet", [GLAIVE, GLAIVE])
    summary = verify_file(tmp_path / "glaive.parquet", tmp_path / "kept.jsonl", tmp_path / "rej.jsonl")
    assert summary.total == 2 and summary.by_format["openai"] == 2 and "trace_unparsable" not in summary.by_reason
    rows = dolly_rows(4) + [dolly_rows(1)[0]]  # the last row repeats the first
    write_parquet(tmp_path / "dolly.parquet", rows)
    s = run_dedup(tmp_path / "dolly.parquet", tmp_path / "out.jsonl", tmp_path / "drej.jsonl")
    assert (s.format, s.read, s.kept, s.exact_dups) == ("alpaca", 5, 4, 1)
    kept = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["output"] for r in kept] == [f"answer {i}" for i in range(4)]


def test_content_sha256_streams_files_and_hashes_folders(tmp_path):
    import hashlib

    from datasets import Dataset

    from agentsft.io.stream import content_sha256

    p = jsonl(tmp_path / "pool.jsonl", dolly_rows(50))
    assert content_sha256(p) == hashlib.sha256(p.read_bytes()).hexdigest()
    Dataset.from_list(dolly_rows(5)).save_to_disk(str(tmp_path / "a"))
    Dataset.from_list(dolly_rows(5)).save_to_disk(str(tmp_path / "b"))
    Dataset.from_list(dolly_rows(6)).save_to_disk(str(tmp_path / "c"))
    assert content_sha256(tmp_path / "a") == content_sha256(tmp_path / "b") != content_sha256(tmp_path / "c")
