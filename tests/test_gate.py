"""agentsft filter: the quality gate over a dataset, verifiers included; kept rows unchanged, rejects with codes."""

import json

from typer.testing import CliRunner

from agentsft.cli import app

runner = CliRunner()

GOOD = {"instruction": "解释什么是复利。", "input": "", "output": "复利是把每期产生的利息加入本金，下一期连同本金一起计息的方法。"}
REFUSAL = {"instruction": "写一首关于秋天的诗。", "input": "", "output": "抱歉，我无法完成这个请求。"}
SELF = {"instruction": "Explain photosynthesis.", "input": "",
        "output": "As an AI language model, I can explain: plants turn light, water and CO2 into sugar and oxygen."}
WRONG_STEP = {"instruction": "3支笔每支4.5元，再加运费3元，一共多少元？", "input": "",
              "output": "1. 3 × 4.5 = 14\n2. 14 + 3 = 17\n答案：17"}
RIGHT_STEP = {"instruction": "3支笔每支4.5元，再加运费3元，一共多少元？", "input": "",
              "output": "1. 3 × 4.5 = 13.5\n2. 13.5 + 3 = 16.5\n答案：16.5"}


def _run(tmp_path, rows, *args):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["filter", str(src), "--out", str(tmp_path / "k.jsonl"), "--rejects",
                              str(tmp_path / "r.jsonl"), *args])
    kept = [json.loads(x) for x in (tmp_path / "k.jsonl").read_text(encoding="utf-8").splitlines()] \
        if (tmp_path / "k.jsonl").exists() else []
    rej = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()] \
        if (tmp_path / "r.jsonl").exists() else []
    return res, kept, rej


def test_good_rows_kept_unchanged_bad_rows_rejected_with_codes(tmp_path):
    res, kept, rej = _run(tmp_path, [GOOD, REFUSAL, SELF, WRONG_STEP, RIGHT_STEP])
    assert res.exit_code == 0, res.output
    assert kept == [GOOD, RIGHT_STEP]
    assert [(r["line"], r["reason"]) for r in rej] == [(2, "refusal"), (3, "ai_self_reference"), (4, "cot_step_wrong")]
    assert "rejected 3" in res.output


def test_token_limit_with_the_offline_tokenizer(tmp_path):
    res, kept, rej = _run(tmp_path, [GOOD], "--max-tokens", "5")
    assert res.exit_code == 0 and not kept and rej[0]["reason"] == "too_many_tokens"


def test_unreadable_input_is_one_line_exit_2_and_writes_nothing(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"instruction": \n', encoding="utf-8")
    res = runner.invoke(app, ["filter", str(src), "--out", str(tmp_path / "k"), "--rejects", str(tmp_path / "r")])
    assert res.exit_code == 2 and "bad.jsonl:1" in res.output
    assert not (tmp_path / "k").exists() and not (tmp_path / "r").exists()


PII_ZH = {"instruction": "写一条催缴物业费的短信。", "input": "",
          "output": "王先生您好，本月物业费尚未缴纳，请尽快处理。如有疑问请致电13912345678。"}
PII_EN = {"conversations": [
    {"from": "human", "value": "Write a short out-of-office reply."},
    {"from": "gpt", "value": "I am away until Monday. For urgent matters write to ops.lead@northwind-mail.net."}]}


def test_personal_data_rejected_by_default_and_redacted_on_request(tmp_path):
    _, kept, rej = _run(tmp_path, [GOOD, PII_ZH])
    assert kept == [GOOD] and [r["reason"] for r in rej] == ["personal_data"]
    res, kept, rej = _run(tmp_path, [GOOD, PII_ZH], "--redact-personal-data")
    assert res.exit_code == 0 and not rej and "redacted in 1" in res.output
    assert kept[0] == GOOD and kept[1]["output"].endswith("请致电[PHONE]。") and kept[1]["instruction"] == PII_ZH["instruction"]


def test_redaction_keeps_a_sharegpt_record_in_its_format(tmp_path):
    res, kept, rej = _run(tmp_path, [PII_EN], "--redact-personal-data")
    assert res.exit_code == 0 and not rej
    (rec,) = kept
    assert [t["from"] for t in rec["conversations"]] == ["human", "gpt"]
    assert rec["conversations"][1]["value"] == "I am away until Monday. For urgent matters write to [EMAIL]."
