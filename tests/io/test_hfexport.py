"""The HF export: parquet and save_to_disk load back with identical rows, offline, and the card says what is in it."""

import json
import os

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import datasets  # noqa: E402
import yaml  # noqa: E402
from export_samples_data import dialogue, every_kind, single, write_run  # noqa: E402

from agentsft.io.exports import export_samples, make_filter, run_export  # noqa: E402
from agentsft.io.hfexport import PARQUET, hf_row, read_hf  # noqa: E402

MANIFEST = {"model": "Qwen2.5-7B-Instruct", "lang": "zh", "created": "2026-11-26T07:00:00+0000",
            "updated": "2026-11-26T08:00:00+0000", "versions": {"agentsft": "0.1.0"},
            "config": {"seed": 7, "recipe": "graphs/grow.yaml", "stages": ["screen", "classify", {"judge": {}}],
                       "mix": {"reasoning": {}}, "base_url": "http://127.0.0.1:8000/v1"},
            "seeds": {"seeds/zh.jsonl": "ab" * 32}, "counts": {"candidates": 40, "accepted": 6, "rejected": 34},
            "stop": "target reached"}


def test_load_dataset_and_load_from_disk_give_back_identical_rows(tmp_path):
    samples = every_kind()
    out = tmp_path / "hf"
    export_samples(samples, out, "hf")
    want = [hf_row(s) for s in samples]
    cache = str(tmp_path / "cache")
    parquet = datasets.load_dataset("parquet", data_files=str(out / PARQUET), split="train", cache_dir=cache)
    assert [dict(r) for r in parquet] == want
    disk = datasets.load_from_disk(str(out / "disk"))
    assert [dict(r) for r in disk] == want
    hub_style = datasets.load_dataset(str(out), split="train", cache_dir=cache)  # the card's configs block
    assert len(hub_style) == len(samples)


def test_rows_read_back_as_the_same_samples(tmp_path):
    samples = every_kind()
    export_samples(samples, tmp_path / "hf", "hf")
    for back in (read_hf(tmp_path / "hf"), read_hf(tmp_path / "hf" / "disk")):
        assert [b.model_dump(mode="json") for b in back] == [s.model_dump(mode="json") for s in samples]


def test_a_dataset_without_tool_calls_keeps_the_typed_schema(tmp_path):
    export_samples([single(), dialogue()], tmp_path / "hf", "hf")
    ds = datasets.load_from_disk(str(tmp_path / "hf" / "disk"))
    assert ds.features["messages"].feature["tool_calls"].feature["function"]["arguments"].dtype == "string"
    assert ds[0]["tools"] is None and ds[1]["messages"][0]["role"] == "system"


def test_the_card_has_counts_languages_licence_and_how_it_was_made(tmp_path):
    run = write_run(tmp_path / "run", every_kind(), MANIFEST)
    run_export(run, tmp_path / "hf", "hf", make_filter(lang="zh"), license="cc-by-4.0")
    card = (tmp_path / "hf" / "README.md").read_text(encoding="utf-8")
    head = yaml.safe_load(card.split("---\n")[1])
    assert head["license"] == "cc-by-4.0" and head["language"] == ["zh"]
    assert head["configs"][0]["data_files"][0]["path"] == "data/train-*"
    zh = [s for s in every_kind() if s.lang == "zh"]
    assert f"{len(zh)} conversations" in card and "| tool_use (calculation) | 1 |" in card
    for fact in ("Qwen2.5-7B-Instruct", "graphs/grow.yaml", "random seed: 7", "seeds/zh.jsonl", "ab" * 32,
                 "`judge`", "--lang zh", "40 candidates"):
        assert fact in card, fact


def test_a_card_without_a_manifest_says_so_and_other_files_are_kept(tmp_path):
    out = tmp_path / "hf"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    run = write_run(tmp_path / "run", [single()])
    run_export(run / "samples.jsonl", out, "hf")
    assert "no run manifest" in (out / "README.md").read_text(encoding="utf-8")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    export_samples([single(), dialogue()], out, "hf")  # a second export replaces the data
    assert len(read_hf(out)) == 2 and not [p for p in tmp_path.iterdir() if p.name.startswith(".hf.")]


def test_verification_and_judge_scores_travel_as_json(tmp_path):
    export_samples([dialogue()], tmp_path / "hf", "hf")
    row = datasets.load_from_disk(str(tmp_path / "hf" / "disk"))[0]
    assert json.loads(row["verification"])["judge"]["mean"] == 8.2
