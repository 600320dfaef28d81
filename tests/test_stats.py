"""Tests for agentsft.stats and the ``agentsft stats`` command."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.io.records import load_records
from agentsft.schema import TaskType
from agentsft.stats import type_dataset, typed_records, write_typed
from agentsft.steps.classify import classify
from agentsft.text import guess_lang

runner = CliRunner()

ALPACA = [
    {"instruction": "把下面这句话翻译成英文。", "input": "今天天气很好。", "output": "The weather is nice today."},
    {"instruction": "Summarize the text below in one sentence.", "input": "A long text about tides.",
     "output": "Tides come from the Moon."},
    {"instruction": "Write a short poem about autumn rain.", "input": "", "output": "Rain on red leaves."},
    {"instruction": "从下面这段话中提取所有人名。", "input": "张三和李四去了北京。", "output": "张三、李四"},
    {"instruction": "What is the capital of France?", "input": "", "output": "Paris."},
]
SHAREGPT = [
    {"conversations": [{"from": "human", "value": "Translate 'good morning' into Spanish."},
                       {"from": "gpt", "value": "Buenos días."}]},
    {"conversations": [{"from": "human", "value": "帮我写一首关于大海的短诗。"}, {"from": "gpt", "value": "海风轻轻吹。"},
                       {"from": "human", "value": "再短一点。"}, {"from": "gpt", "value": "海风。"}]},
]
OPENAI = [{"messages": [{"role": "user", "content": "Classify this review as Positive or Negative: great phone!"},
                        {"role": "assistant", "content": "Positive"}]}]
SELF_INSTRUCT = [
    {"id": "s1", "instruction": "Translate this note into French.", "instances": [{"input": "Hi", "output": "Salut"}],
     "task_type": "qa", "lang": "en"},  # labelled qa on purpose: the label is kept unless --retype
    {"id": "s2", "instruction": "用Python写一个函数，判断一个数是不是质数。", "instances": [{"input": "", "output": "def f(n): ..."}]},
]


def _jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _array(path: Path, rows) -> Path:
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _expected(rows) -> Counter:
    """Counts computed independently of agentsft.stats: each record's language and classify()."""
    return Counter((guess_lang(r["instruction"]), classify(r["instruction"], r.get("input", ""))) for r in rows)


def test_alpaca_counts_match_the_typer(tmp_path):
    data = type_dataset(_array(tmp_path / "a.json", ALPACA))
    assert data.format == "alpaca"
    assert data.counts() == _expected(ALPACA)
    assert ("zh", TaskType.TRANSLATION) in data.counts() and ("en", TaskType.GENERATION) in data.counts()


def test_sharegpt_multi_turn_is_structural(tmp_path):
    data = type_dataset(_jsonl(tmp_path / "s.jsonl", SHAREGPT))
    assert data.format == "sharegpt"
    assert data.labels == [("en", TaskType.TRANSLATION), ("zh", TaskType.MULTI_TURN)]


def test_self_instruct_keeps_labels_unless_retype(tmp_path):
    path = _jsonl(tmp_path / "seeds.jsonl", SELF_INSTRUCT)
    kept = type_dataset(path)
    assert kept.format == "self_instruct"
    assert kept.labels[0] == ("en", TaskType.QA)
    assert kept.labels[1] == ("zh", classify(SELF_INSTRUCT[1]["instruction"]))
    assert type_dataset(path, retype=True).labels[0] == ("en", TaskType.TRANSLATION)


def test_run_directory_reads_its_samples(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    samples = [{"id": f"x{i}", "lang": lang, "task_type": tt, "instruction": ins, "input": "", "output": "o"}
               for i, (lang, tt, ins) in enumerate([("zh", "code", "写个函数"), ("zh", "code", "写个脚本"),
                                                     ("en", "generation", "Write a poem")])]
    _jsonl(run / "samples.jsonl", samples)
    (run / "rejects.jsonl").write_text("", encoding="utf-8")
    data = type_dataset(run)
    assert data.format == "samples"
    assert data.counts() == Counter({("zh", TaskType.CODE): 2, ("en", TaskType.GENERATION): 1})
    result = runner.invoke(app, ["stats", str(run)])
    assert result.exit_code == 0
    assert "code" in result.output and "generation" in result.output and "samples" in result.output


def test_directory_without_samples_is_an_error(tmp_path):
    result = runner.invoke(app, ["stats", str(tmp_path)])
    assert result.exit_code == 2
    assert "samples.jsonl" in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("name", "rows", "writer", "fmt"), [
    ("a.json", ALPACA, _array, "alpaca"),
    ("a.jsonl", ALPACA, _jsonl, "alpaca"),
    ("s.jsonl", SHAREGPT, _jsonl, "sharegpt"),
    ("s.json", SHAREGPT, _array, "sharegpt"),
    ("o.jsonl", OPENAI, _jsonl, "openai"),
    ("si.jsonl", SELF_INSTRUCT, _jsonl, "self_instruct"),
])
def test_out_round_trips_the_format(tmp_path, name, rows, writer, fmt):
    src = writer(tmp_path / name, rows)
    out = tmp_path / f"typed_{name}"
    result = runner.invoke(app, ["stats", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("[") == (writer is _array)  # same container
    got_fmt, got = load_records(out)
    assert got_fmt == fmt
    before = type_dataset(src)
    assert [rec for _, rec in got] == typed_records(before)
    for (_, rec), original in zip(got, rows):  # the record itself is untouched, two fields added
        assert {k: v for k, v in rec.items() if k not in ("lang", "task_type")} == \
            {k: v for k, v in original.items() if k not in ("lang", "task_type")}
        assert rec["lang"] in ("zh", "en") and TaskType(rec["task_type"])
    again = type_dataset(out)  # reading OUT again gives the same records and the same types
    assert again.labels == before.labels
    write_typed(again, tmp_path / "twice")
    assert (tmp_path / "twice").read_text(encoding="utf-8") == text


def test_bad_record_names_file_and_line_and_writes_nothing(tmp_path):
    rows = ALPACA[:2] + [{"instruction": "No output here"}] + ALPACA[2:]
    src = _jsonl(tmp_path / "bad.jsonl", rows)
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    result = runner.invoke(app, ["stats", str(src), "--out", str(out)])
    assert result.exit_code == 2
    assert f"{src}:3" in result.output.replace("\n", "") and "output" in result.output
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "out.jsonl"]  # no temporary file left


def test_unreadable_json_is_one_line_exit_2(tmp_path):
    src = tmp_path / "broken.jsonl"
    src.write_text('{"instruction": "x", "output": "y"}\n{"instruction": \n', encoding="utf-8")
    result = runner.invoke(app, ["stats", str(src)])
    assert result.exit_code == 2
    assert f"{src}:2" in result.output.replace("\n", "")


# --- the profile: shape, tokens, mix (issue 10, item 5) -------------------------------------------------------------

from agentsft.stats import mix_distance, parse_mix, percentile, profile  # noqa: E402


class _Words:
    name = "words"

    def count(self, text: str) -> int:
        return len(text.split())


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert [percentile(values, p) for p in (50, 90, 99, 100)] == [50, 90, 99, 100]
    assert percentile([7], 99) == 7 and percentile([], 50) == 0
    assert percentile([1, 2, 3, 1000], 50) == 2 and percentile([1, 2, 3, 1000], 90) == 1000


def test_profile_counts_turns_lengths_and_tokens(tmp_path):
    rows = SHAREGPT + [{"conversations": [{"from": "human", "value": "x" * 600}, {"from": "gpt", "value": "ok"}]}]
    data = type_dataset(_jsonl(tmp_path / "s.jsonl", rows))
    prof = profile(data, _Words(), mix="uniform")
    assert prof["records"] == 3 and prof["format"] == "sharegpt"
    assert prof["by_lang"] == {"zh": 1, "en": 2}
    assert prof["turns"] == {"1": 2, "2": 1, "3": 0, "4-5": 0, "6+": 0}
    assert prof["length_chars"]["<200"] == 2 and prof["length_chars"]["500-999"] == 1
    assert sum(prof["length_chars"].values()) == 3
    # tokens by hand (one per whitespace word): [prompt 5, response 2], [2, 2], [1, 1]
    tok = prof["tokens"]
    assert tok["tokenizer"] == "words" and tok["sum"] == 13
    assert tok["prompt"] == {"p50": 2, "p90": 5, "p99": 5, "max": 5, "mean": 2.7}
    assert tok["response"]["max"] == 2 and tok["total"]["p50"] == 4 and tok["total"]["max"] == 7
    assert profile(data, None)["tokens"] is None


def test_parse_mix():
    present = {TaskType.QA, TaskType.CODE}
    assert parse_mix("uniform", present) == {TaskType.CODE: 0.5, TaskType.QA: 0.5}
    assert parse_mix(None, present) == parse_mix("uniform", present)
    assert len(parse_mix("uniform-all", present)) == len(TaskType)
    assert parse_mix("qa=3,code=1", present) == {TaskType.QA: 0.75, TaskType.CODE: 0.25}
    assert parse_mix("问答=60%，代码=40%", present) == pytest.approx({TaskType.QA: 0.6, TaskType.CODE: 0.4})
    for bad in ("qa", "nope=1", "qa=x", "qa=-1", "qa=0"):
        with pytest.raises(ValueError) as e:
            parse_mix(bad, present)
        assert str(e.value).startswith("--mix")


def test_mix_distance_is_total_variation():
    counts = Counter({TaskType.QA: 3, TaskType.CODE: 1})
    got = mix_distance(counts, parse_mix("uniform", set(counts)))
    assert got["tvd"] == 0.25
    assert {r["task_type"]: (r["count"], r["share"], r["target"], r["diff"]) for r in got["types"]} == \
        {"qa": (3, 0.75, 0.5, 0.25), "code": (1, 0.25, 0.5, -0.25)}
    assert mix_distance(counts, {TaskType.QA: 0.75, TaskType.CODE: 0.25})["tvd"] == 0
    # a type in the target but absent from the data counts too
    far = mix_distance(counts, {TaskType.TRANSLATION: 1.0})
    assert far["tvd"] == 1 and {r["task_type"] for r in far["types"]} == {"qa", "code", "translation"}


def test_cli_json_without_tokens(tmp_path):
    src = _array(tmp_path / "a.json", ALPACA)
    result = runner.invoke(app, ["stats", str(src), "--json", "--tokenizer", "none", "--mix", "qa=1"])
    assert result.exit_code == 0, result.output
    prof = json.loads(result.stdout)
    assert prof["records"] == len(ALPACA) and prof["tokens"] is None
    assert sum(r["total"] for r in prof["by_type"]) == len(ALPACA)
    assert prof["mix"]["spec"] == "qa=1"
    qa = sum(1 for _, tt in type_dataset(src).labels if tt is TaskType.QA)
    assert prof["mix"]["tvd"] == pytest.approx(1 - qa / len(ALPACA), abs=1e-3)


def test_cli_default_tokenizer_table_and_json(tmp_path):
    """The real offline default tokenizer (the embedded GGUF's vocabulary) through the command."""
    src = _jsonl(tmp_path / "a.jsonl", ALPACA)
    table = runner.invoke(app, ["stats", str(src)])
    assert table.exit_code == 0, table.output
    for word in ("合计", "p99", "prompt", "response", "total variation distance", "turns", "gguf:"):
        assert word in table.output, word
    result = runner.invoke(app, ["stats", str(src), "--json", "--out", str(tmp_path / "typed.jsonl")])
    assert result.exit_code == 0, result.output
    prof = json.loads(result.stdout)
    tok = prof["tokens"]
    assert tok["tokenizer"].startswith("gguf:")
    assert 0 < tok["prompt"]["p50"] <= tok["prompt"]["max"] and 0 < tok["total"]["p50"] <= tok["total"]["p99"]
    assert tok["total"]["max"] >= max(tok["prompt"]["max"], tok["response"]["max"])
    assert (tmp_path / "typed.jsonl").is_file()


def test_cli_unavailable_hf_tokenizer_and_bad_mix_are_one_line_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    src = _jsonl(tmp_path / "a.jsonl", ALPACA)
    result = runner.invoke(app, ["stats", str(src), "--tokenizer", "hf:agentsft-tests/not-cached-xyz"])
    assert result.exit_code == 2
    assert "not-cached-xyz" in result.output and len(result.output.strip().splitlines()) == 1
    result = runner.invoke(app, ["stats", str(src), "--tokenizer", "none", "--mix", "qa=lots"])
    assert result.exit_code == 2 and "--mix" in result.output


def test_cli_missing_default_tokenizer_warns_and_still_counts(tmp_path, monkeypatch):
    from agentsft.tokens import get_tokenizer

    get_tokenizer.cache_clear()
    monkeypatch.setenv("AGENTSFT_GGUF", str(tmp_path / "gone.gguf"))
    try:
        result = runner.invoke(app, ["stats", str(_jsonl(tmp_path / "a.jsonl", ALPACA)), "--json"])
    finally:
        get_tokenizer.cache_clear()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tokens"] is None
    assert "no token counts" in result.stderr


# --- coverage per topic of a scoped run ------------------------------------------------------------------------

def _scoped_run_dir(tmp_path):
    from agentsft.schema import Provenance, Sample

    run = tmp_path / "scoped"
    run.mkdir()
    tags = ["机票改签", "机票改签", "酒店预订", ""]
    samples = [Sample.from_triple(f"关于第{i}个订单的客服问题怎么回复？", "", "答", lang="zh", task_type="qa",
                                  provenance=Provenance(topic=t)) for i, t in enumerate(tags)]
    (run / "samples.jsonl").write_text("".join(s.model_dump_json() + "\n" for s in samples), encoding="utf-8")
    (run / "topics.txt").write_text("# domain: 旅游客服\n机票改签\n酒店预订\n签证办理\n", encoding="utf-8")
    return run


def test_profile_counts_samples_per_topic_with_the_empty_ones(tmp_path):
    cover = profile(type_dataset(_scoped_run_dir(tmp_path)))["topics"]
    assert [(r["topic"], r["count"]) for r in cover["topics"]] == [("机票改签", 2), ("酒店预订", 1), ("签证办理", 0)]
    assert cover["untagged"] == 1 and cover["file"].endswith("topics.txt")
    assert cover["tvd"] == pytest.approx(0.5 * (abs(2 / 3 - 1 / 3) + 0 + 1 / 3), abs=1e-3)


def test_unscoped_data_has_no_topic_coverage(tmp_path):
    assert profile(type_dataset(_array(tmp_path / "a.json", ALPACA)))["topics"] is None


def test_cli_shows_topic_coverage_in_the_table_and_json(tmp_path):
    run = _scoped_run_dir(tmp_path)
    table = runner.invoke(app, ["stats", str(run), "--tokenizer", "none"])
    assert table.exit_code == 0 and "coverage per topic" in table.stdout and "签证办理" in table.stdout
    data = json.loads(runner.invoke(app, ["stats", str(run), "--json", "--tokenizer", "none"]).stdout)
    assert {r["topic"]: r["count"] for r in data["topics"]["topics"]} == {"机票改签": 2, "酒店预订": 1, "签证办理": 0}
