import json

from agentsft.dedup import run_dedup

ALPACA = [
    {"instruction": "Explain why the sky is blue.", "input": "", "output": "Rayleigh scattering."},
    {"instruction": "Explain why the sky is blue!", "input": "", "output": "Because of scattering."},
    {"instruction": "Please explain why the sky is blue", "input": "", "output": "Light scatters."},
    {"instruction": "Write a poem about spring.", "input": "", "output": "Buds..."},
    {"instruction": "", "input": "", "output": "nothing asked"},
    {"instruction": 42, "input": "", "output": "a number"},
    {"instruction": "Write a poem about autumn.", "input": "", "output": "Leaves..."},
]


def test_alpaca_json_array_round_trip(tmp_path):
    src = tmp_path / "in.json"
    src.write_text(json.dumps(ALPACA, ensure_ascii=False, indent=2), encoding="utf-8")
    s = run_dedup(src, tmp_path / "out.json", tmp_path / "rej.jsonl")
    out = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert out == [ALPACA[0], ALPACA[3], ALPACA[6]]
    assert (s.read, s.kept, s.exact_dups, s.near_dups, s.invalid) == (7, 3, 1, 1, 2)
    rej = [json.loads(line) for line in (tmp_path / "rej.jsonl").read_text().splitlines()]
    by_line = {r["record"]["instruction"] if isinstance(r["record"]["instruction"], str) else 42: r for r in rej}
    assert by_line["Explain why the sky is blue!"]["reason"] == "duplicate_exact"
    assert by_line["Explain why the sky is blue!"]["twin_line"] == 2
    near = by_line["Please explain why the sky is blue"]
    assert near["reason"] == "duplicate_near" and near["twin_line"] == 2 and near["score"] > 0
    assert by_line[""]["reason"] == "field_invalid" and by_line[42]["reason"] == "field_invalid"


def test_sharegpt_jsonl_round_trip_bytes(tmp_path):
    rows = [
        {"conversations": [{"from": "human", "value": "请写一首关于春天的诗"}, {"from": "gpt", "value": "春风..."}]},
        {"conversations": [{"from": "human", "value": "请写一首关于春天的诗歌"}, {"from": "gpt", "value": "春雨..."}]},
        {"conversations": [{"from": "human", "value": "请写一首关于秋天的诗"}, {"from": "gpt", "value": "秋叶..."}]},
        {"conversations": [{"from": "human", "value": "只有问题"}, {"from": "gpt", "value": ""}]},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines[0] = lines[0].replace(", ", ",   ")  # odd spacing must survive untouched
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    s = run_dedup(src, tmp_path / "out.jsonl", tmp_path / "rej.jsonl")
    out = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert out == [lines[0], lines[2], lines[3]]
    assert s.near_dups == 1 and s.kept == 3
    s2 = run_dedup(src, tmp_path / "out2.jsonl", tmp_path / "rej2.jsonl", field="output")
    assert s2.invalid == 1
    rej = [json.loads(line) for line in (tmp_path / "rej2.jsonl").read_text().splitlines()]
    assert rej[0]["reason"] == "output_empty" and rej[0]["line"] == 4


def test_field_all_and_threshold(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in ALPACA[:4]) + "\n", encoding="utf-8")
    s = run_dedup(src, tmp_path / "o.jsonl", tmp_path / "r.jsonl", field="all", threshold=0.99)
    assert s.read == 4 and s.exact_dups == 0
