"""Open-dataset importers: Dolly, Firefly, COIG, BELLE, MOSS, glaive, LLaMA-Factory tool files, OpenAssistant.

Every fixture row is written here (zh and en); each format is read as seeds, detected, converted and, for
each family, a malformed row is reported with its file and line."""

from __future__ import annotations

import json

import pytest

from agentsft.io import InputError, detect_format, read_records, read_seeds
from agentsft.io.records import load_records, open_records, parse_records, read_text
from agentsft.schema import TaskType


def jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def error_of(path, fmt="auto") -> InputError:
    with pytest.raises(InputError) as info:
        read_seeds(path, fmt=fmt)
    assert "\n" not in str(info.value)
    return info.value


# --------------------------------------------------------------------------- Dolly

DOLLY = [
    {"instruction": "When did Virgin Australia start operating?",
     "context": "Virgin Australia commenced services on 31 August 2000 as Virgin Blue.",
     "response": "Virgin Australia commenced services on 31 August 2000.", "category": "closed_qa"},
    {"instruction": "从下面的段落中提取所有人名。", "context": "张三和李四昨天去了北京。", "response": "张三，李四",
     "category": "information_extraction"},
    {"instruction": "Give me three ideas for a rainy weekend.", "context": "", "response": "Read, bake, nap.",
     "category": "brainstorming"},
    {"instruction": "Which is a species of fish? Tope or Rope", "context": "", "response": "Tope",
     "category": "some_new_category"},
]


def test_dolly_read_as_seeds(tmp_path):
    p = jsonl(tmp_path / "dolly.jsonl", DOLLY)
    assert detect_format(p) == "dolly"
    a, b, c, d = read_seeds(p)
    assert a.instruction == DOLLY[0]["instruction"] and a.instances[0].input == DOLLY[0]["context"]
    assert a.instances[0].output == DOLLY[0]["response"] and a.task_type is TaskType.QA and a.lang == "en"
    assert b.lang == "zh" and b.task_type is TaskType.EXTRACTION and b.instances[0].input == "张三和李四昨天去了北京。"
    assert c.task_type is TaskType.GENERATION and c.instances[0].input == ""
    assert d.task_type is None  # an unknown category is left to the classifier
    assert a.source == f"{p}:1" and d.id == "dolly_4"


def test_dolly_converts_to_alpaca_keeping_metadata(tmp_path):
    p = jsonl(tmp_path / "dolly.jsonl", DOLLY[:2])
    name, records = load_records(p)
    assert name == "alpaca"
    line, rec = records[1]
    assert line == 2 and rec["input"] == DOLLY[1]["context"] and rec["output"] == DOLLY[1]["response"]
    assert rec["category"] == "information_extraction" and rec["task_type"] == "extraction"
    assert "context" not in rec and "response" not in rec


def test_dolly_bad_row_names_file_and_line(tmp_path):
    p = jsonl(tmp_path / "dolly.jsonl", [DOLLY[0], {"instruction": "x", "context": "", "response": 3}])
    err = error_of(p)
    assert (err.path, err.line) == (str(p), 2) and "response" in err.message and "dolly" in err.message


# --------------------------------------------------------------------------- Firefly

FIREFLY = [
    {"kind": "ClassicalChinese", "input": "将下面句子翻译成现代文：\n石中央又生一树，高百余尺。",
     "target": "石头的中央又长出一棵树，高一百多尺。"},
    {"kind": "Summary", "input": "请为下面的新闻生成摘要：今天上午，市政府召开新闻发布会，宣布地铁三号线正式开通。",
     "target": "地铁三号线正式开通。"},
    {"kind": "Dictionary", "input": "解释词语：画蛇添足", "target": "比喻做了多余的事，反而不恰当。"},
]


def test_firefly_read_as_seeds(tmp_path):
    p = jsonl(tmp_path / "firefly.jsonl", FIREFLY)
    assert detect_format(p) == "firefly"
    a, b, c = read_seeds(p)
    assert a.instruction == FIREFLY[0]["input"] and a.instances[0].output == FIREFLY[0]["target"]
    assert a.task_type is TaskType.TRANSLATION and b.task_type is TaskType.SUMMARIZATION and c.task_type is None
    assert {s.lang for s in (a, b, c)} == {"zh"}
    assert load_records(p)[1][0][1]["kind"] == "ClassicalChinese"


def test_firefly_bad_row(tmp_path):
    p = jsonl(tmp_path / "ff.jsonl", [FIREFLY[0], FIREFLY[1], {"kind": "NER", "input": "x", "target": None}])
    err = error_of(p)
    assert err.line == 3 and "target" in err.message


# --------------------------------------------------------------------------- COIG

COIG_EXAM = {"textbox_q_instruction": "请回答下面的选择题。", "textbox_q_context": "阅读材料：水在零度结冰。",
             "textbox_question": "水在几度结冰？A.0度 B.10度", "textbox_answer": "A",
             "textbox_answer_analysis": "材料指出水在零度结冰，故选A。", "subject": "physics"}
COIG_TRANS = {"instruction": "Name a color.", "input": "", "output": "Blue.",
              "trans_instruction": "说出一种颜色。", "trans_input": "", "trans_output": "蓝色。"}
COIG_CQIA = {"instruction": "为什么天空是蓝色的？", "input": "", "output": "因为瑞利散射。",
             "task_type": {"major": ["问答"], "minor": ["百科问答"]}, "domain": ["通用"], "answer_from": "human"}


def test_coig_exam_translated_and_cqia(tmp_path):
    exam = jsonl(tmp_path / "exam.jsonl", [COIG_EXAM, {**COIG_EXAM, "textbox_answer_analysis": ""}])
    assert detect_format(exam) == "coig"
    a, b = read_seeds(exam)
    assert a.instruction == "请回答下面的选择题。"
    assert a.instances[0].input == "阅读材料：水在零度结冰。\n水在几度结冰？A.0度 B.10度"
    assert a.instances[0].output == COIG_EXAM["textbox_answer_analysis"] and b.instances[0].output == "A"
    trans = jsonl(tmp_path / "trans.jsonl", [COIG_TRANS])
    (t,) = read_seeds(trans)
    assert t.instruction == "说出一种颜色。" and t.instances[0].output == "蓝色。" and t.lang == "zh"
    assert load_records(trans)[1][0][1]["source_instruction"] == "Name a color."
    cqia = jsonl(tmp_path / "cqia.jsonl", [COIG_CQIA])
    assert detect_format(cqia) == "coig"
    (c,) = read_seeds(cqia)
    assert c.task_type is TaskType.QA
    assert load_records(cqia)[1][0][1]["coig_task_type"] == COIG_CQIA["task_type"]


def test_coig_chat_and_counterfactual(tmp_path):
    chat = {"instruction": "请纠正对话中的事实错误。", "conversations": [
        {"question": "长城在哪个国家？", "answer": "长城在中国。"},
        {"question": "它有多长？", "answer": "两万多公里。"}]}
    p = jsonl(tmp_path / "coig_chat.jsonl", [chat])
    assert detect_format(p) == "coig_chat"
    (s,) = read_seeds(p)
    assert [m.role for m in s.messages] == ["user", "assistant", "user", "assistant"]
    assert s.messages[0].content == "请纠正对话中的事实错误。\n\n长城在哪个国家？" and s.task_type is TaskType.MULTI_TURN
    rounds = {"round_0": {"response": json.dumps({"Q": "Is the sun a planet?", "A": "No, it is a star."})},
              "round_1": {"response": json.dumps({"Q": "What is it made of?", "A": "Mostly hydrogen."})}}
    q = jsonl(tmp_path / "cf.jsonl", [rounds])
    assert detect_format(q) == "coig_chat"
    (r,) = read_seeds(q)
    assert r.messages[2].content == "What is it made of?" and r.lang == "en"


def test_coig_bad_rows(tmp_path):
    p = jsonl(tmp_path / "exam.jsonl", [COIG_EXAM, {**COIG_EXAM, "textbox_question": ["not", "text"]}])
    assert error_of(p).line == 2
    q = jsonl(tmp_path / "chat.jsonl", [{"instruction": "", "conversations": [{"question": "q", "answer": 1}]}])
    err = error_of(q)
    assert err.line == 1 and "conversations[0]" in err.message


# --------------------------------------------------------------------------- BELLE

def test_belle_multiturn(tmp_path):
    rec = {"instruction": "Human:你好，能推荐一本书吗？\nAssistant:可以读《活着》。\nHuman:它讲了什么？\nAssistant:",
           "input": "", "output": "它讲述了福贵一生的苦难。"}
    en = {"instruction": "Human: Hi, what is 2+2?\nAssistant: 4.\nHuman: And times 3?\nAssistant:", "input": "",
          "output": "12."}
    p = jsonl(tmp_path / "belle_mt.jsonl", [rec, en])
    assert detect_format(p) == "belle_multiturn"
    a, b = read_seeds(p)
    assert [m.content for m in a.messages] == ["你好，能推荐一本书吗？", "可以读《活着》。", "它讲了什么？",
                                               "它讲述了福贵一生的苦难。"]
    assert a.task_type is TaskType.MULTI_TURN and a.lang == "zh" and b.lang == "en"
    assert b.instances[0].output == "4."  # the first exchange's answer is the instruction view's output


def test_belle_single_turn_files_stay_alpaca_and_sharegpt(tmp_path):
    p = jsonl(tmp_path / "belle.jsonl", [{"instruction": "给我讲个笑话。", "input": "", "output": "好的……"}])
    assert detect_format(p) == "alpaca"
    q = jsonl(tmp_path / "belle35.jsonl", [{"id": "1", "conversations": [
        {"from": "human", "value": "你好"}, {"from": "assistant", "value": "你好！有什么可以帮你？"}]}])
    assert detect_format(q) == "sharegpt"
    assert read_seeds(q)[0].messages[1].role == "assistant"


def test_belle_bad_row(tmp_path):
    good = {"instruction": "Human:你好\nAssistant:", "input": "", "output": "你好！"}
    bad = {"instruction": "Human:你好\nAssistant:你好！", "input": "", "output": "多余"}
    err = error_of(jsonl(tmp_path / "b.jsonl", [good, bad]))
    assert err.line == 2 and "belle_multiturn" in err.message


# --------------------------------------------------------------------------- MOSS

MOSS_003 = {"conversation_id": 7, "meta_instruction": "You are an AI assistant whose name is MOSS.\n",
            "num_turns": 2, "category": "Code", "chat": {
                "turn_2": {"Human": "<|Human|>: 再加上注释<eoh>\n", "Inner Thoughts": "<|Inner Thoughts|>: None<eot>\n",
                           "Commands": "<|Commands|>: None<eoc>\n", "Tool Responses": "<|Results|>: None<eor>\n",
                           "MOSS": "<|MOSS|>: ```python\n# 求和\ndef add(a, b):\n    return a + b\n```<eom>\n"},
                "turn_1": {"Human": "<|Human|>: 用Python写一个求和函数<eoh>\n",
                           "MOSS": "<|MOSS|>: ```python\ndef add(a, b):\n    return a + b\n```<eom>\n"}}}


def test_moss_003_chat(tmp_path):
    p = jsonl(tmp_path / "moss.jsonl", [MOSS_003])
    assert detect_format(p) == "moss"
    (s,) = read_seeds(p)
    assert s.id == "7" and s.task_type is TaskType.CODE and s.lang == "zh"
    assert [m.role for m in s.messages] == ["user", "assistant", "user", "assistant"]
    assert s.messages[0].content == "用Python写一个求和函数" and s.messages[2].content == "再加上注释"
    assert s.messages[3].content.startswith("```python\n# 求和") and "<eom>" not in s.messages[3].content
    assert all("MOSS" not in (m.content or "") for m in s.messages)  # the meta instruction is not a turn


def test_moss_002_plain_text(tmp_path):
    rec = {"plain_text": "[Human]: What is the capital of France? <eoh> [MOSS]: Paris. <eoa> "
                         "[Human]: And of Italy? <eoh> [MOSS]: Rome. <eoa>", "prefix": "MOSS is an AI..."}
    p = jsonl(tmp_path / "moss2.json", [rec])
    (s,) = read_seeds(p)
    assert [m.content for m in s.messages] == ["What is the capital of France?", "Paris.", "And of Italy?", "Rome."]


def test_moss_bad_row(tmp_path):
    bad = {"conversation_id": 8, "num_turns": 1, "chat": {"turn_1": {"Human": "<|Human|>: 你好<eoh>\n"}}}
    err = error_of(jsonl(tmp_path / "m.jsonl", [MOSS_003, bad]))
    assert err.line == 2 and "chat.turn_1" in err.message


# --------------------------------------------------------------------------- glaive and LLaMA-Factory tool files

GLAIVE = {
    "system": "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
              + json.dumps({"name": "get_exchange_rate", "description": "Get the exchange rate",
                            "parameters": {"type": "object", "properties": {
                                "base_currency": {"type": "string"}, "target_currency": {"type": "string"}},
                                "required": ["base_currency", "target_currency"]}}, indent=4),
    "chat": "USER: Hi, what is the exchange rate from USD to EUR? \n\n\nASSISTANT: <functioncall> "
            "{\"name\": \"get_exchange_rate\", \"arguments\": '{\"base_currency\": \"USD\", \"target_currency\": "
            "\"EUR\"}'} <|endoftext|>\n\n\nFUNCTION RESPONSE: {\"exchange_rate\": 0.85}\n\n\n"
            "ASSISTANT: The exchange rate from USD to EUR is 0.85. <|endoftext|>\n\n\n"
            "USER: Thanks!\n\n\nASSISTANT: You're welcome! <|endoftext|>\n",
}
GLAIVE_NO_TOOLS = {"system": "SYSTEM: You are a helpful assistant, with no access to external functions.",
                   "chat": "USER: 用一句话介绍长城。\n\n\nASSISTANT: 长城是中国古代修建的军事防御工程。 <|endoftext|>\n"}


def test_glaive_function_calling(tmp_path):
    p = jsonl(tmp_path / "glaive.jsonl", [GLAIVE, GLAIVE_NO_TOOLS])
    assert detect_format(p) == "glaive"
    a, b = read_seeds(p)
    assert [m.role for m in a.messages] == ["system", "user", "assistant", "tool", "assistant", "user", "assistant"]
    call = a.messages[2].tool_calls[0]
    assert call.function.name == "get_exchange_rate"
    assert json.loads(call.function.arguments) == {"base_currency": "USD", "target_currency": "EUR"}
    assert a.messages[3].tool_call_id == call.id and a.messages[3].content == '{"exchange_rate": 0.85}'
    assert a.messages[4].content == "The exchange rate from USD to EUR is 0.85."
    assert a.tools[0]["function"]["name"] == "get_exchange_rate" and a.tools[0]["type"] == "function"
    assert a.instances[0].output == "The exchange rate from USD to EUR is 0.85."
    assert a.messages[0].content.startswith("You are a helpful assistant with access")
    assert b.tools is None and b.lang == "zh" and b.messages[-1].content == "长城是中国古代修建的军事防御工程。"


def test_glaive_is_verifiable(tmp_path):
    from agentsft.verify.run import verify_record

    p = jsonl(tmp_path / "glaive.jsonl", [GLAIVE])
    records = open_records(p, parse_records(p, read_text(p)))
    name, check = verify_record(records[0][1], "auto", registry=_empty_registry())
    assert name == "openai"
    assert check.reason is None or check.reason.value != "trace_unparsable"


def _empty_registry():
    from agentsft.tools.registry import default_registry

    return default_registry()


def test_glaive_bad_rows(tmp_path):
    orphan = {"system": "SYSTEM: hi", "chat": "USER: hi\n\n\nFUNCTION RESPONSE: {}\n\n\nASSISTANT: ok"}
    err = error_of(jsonl(tmp_path / "g.jsonl", [GLAIVE, orphan]))
    assert err.line == 2 and "FUNCTION RESPONSE" in err.message
    broken = {"system": "SYSTEM: x", "chat": "USER: hi\n\n\nASSISTANT: <functioncall> {name: oops} <|endoftext|>"}
    err = error_of(jsonl(tmp_path / "g2.jsonl", [broken]))
    assert err.line == 1 and "functioncall" in err.message


LF_TOOLS = {"conversations": [
    {"from": "human", "value": "北京今天天气怎么样？"},
    {"from": "function_call", "value": json.dumps({"name": "get_weather", "arguments": {"city": "北京"}},
                                                  ensure_ascii=False)},
    {"from": "observation", "value": "{\"temp\": 25}"},
    {"from": "gpt", "value": "北京今天25度。"}],
    "system": "你是天气助手。",
    "tools": json.dumps([{"name": "get_weather", "description": "查询天气",
                          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}],
                        ensure_ascii=False)}


def test_llamafactory_tool_file_keeps_calls(tmp_path):
    p = jsonl(tmp_path / "lf.json", [LF_TOOLS])
    assert detect_format(p) == "sharegpt"
    (s,) = read_seeds(p)
    assert [m.role for m in s.messages] == ["system", "user", "assistant", "tool", "assistant"]
    call = s.messages[2].tool_calls[0]
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"city": "北京"}
    assert s.messages[3].tool_call_id == call.id
    assert s.tools == [{"type": "function", "function": json.loads(LF_TOOLS["tools"])[0]}]
    assert s.instances[0].output == "北京今天25度。"


def test_llamafactory_tool_file_bad_row(tmp_path):
    bad = {**LF_TOOLS, "conversations": [{"from": "human", "value": "hi"}, {"from": "observation", "value": "{}"},
                                         {"from": "gpt", "value": "ok"}]}
    err = error_of(jsonl(tmp_path / "lf.jsonl", [LF_TOOLS, bad]))
    assert err.line == 2 and "observation" in err.message


# --------------------------------------------------------------------------- OpenAssistant

def _msg(mid, parent, role, text, lang="en", rank=None, **extra):
    return {"message_id": mid, "parent_id": parent, "user_id": "u", "text": text, "role": role, "lang": lang,
            "review_count": 3, "review_result": True, "deleted": False, "rank": rank, "synthetic": False,
            "message_tree_id": "t-" + (mid if parent is None else "x"), **extra}


OASST_ROWS = [
    _msg("r1", None, "prompter", "What is a black hole?"),
    _msg("a1", "r1", "assistant", "A region of space where gravity is too strong for light to escape.", rank=1),
    _msg("a2", "r1", "assistant", "A black hole is where spacetime curves so much that nothing escapes.", rank=0),
    _msg("p2", "a2", "prompter", "How do they form?"),
    _msg("a3", "p2", "assistant", "Mostly from collapsing massive stars.", deleted=True),
    _msg("a4", "p2", "assistant", "From the collapse of massive stars at the end of their lives."),
    _msg("p3", "a4", "prompter", "Thanks!"),
    _msg("r2", None, "prompter", "¿Qué es un agujero negro?", lang="es"),
    _msg("b1", "r2", "assistant", "Una región del espacio...", lang="es", rank=0),
    _msg("r3", None, "prompter", "请介绍一下长城。", lang="zh"),
    _msg("c1", "r3", "assistant", "长城是中国古代的军事防御工程。", lang="zh", rank=0, review_result=False),
    _msg("c2", "r3", "assistant", "长城是中国古代修建的防御工程，全长两万多公里。", lang="zh", rank=1),
    _msg("r4", None, "prompter", "No answer yet", lang="en"),
]


def test_oasst_message_rows_best_ranked_path(tmp_path):
    p = jsonl(tmp_path / "oasst.jsonl", OASST_ROWS)
    assert detect_format(p) == "oasst"
    name, records = load_records(p)
    assert name == "openai" and [line for line, _ in records] == [1, 10]  # es and unanswered trees skipped
    a, b = read_seeds(p)
    assert [m.content for m in a.messages] == [OASST_ROWS[0]["text"], OASST_ROWS[2]["text"], "How do they form?",
                                               OASST_ROWS[5]["text"]]  # rank 0, deleted skipped, tail prompt dropped
    assert a.id == "r1" and a.lang == "en" and a.task_type is TaskType.MULTI_TURN
    assert b.lang == "zh" and b.messages[1].content == OASST_ROWS[11]["text"]  # review-failed answer skipped


def test_oasst_tree_export(tmp_path):
    def node(mid, role, text, rank=None, replies=()):
        return {"message_id": mid, "parent_id": None, "role": role, "text": text, "lang": "zh", "rank": rank,
                "review_result": True, "deleted": False, "replies": list(replies)}

    tree = {"message_tree_id": "tree-1", "tree_state": "ready_for_export", "prompt": node("r", "prompter", "什么是光合作用？", replies=[
        node("x", "assistant", "植物把光能转化为化学能的过程。", rank=1),
        node("y", "assistant", "光合作用是绿色植物利用光能把二氧化碳和水合成有机物并放出氧气的过程。", rank=0)])}
    p = jsonl(tmp_path / "trees.jsonl", [tree])
    assert detect_format(p) == "oasst"
    (s,) = read_seeds(p)
    assert s.messages[1].content.startswith("光合作用是绿色植物") and s.lang == "zh"
    assert load_records(p)[1][0][1]["message_tree_id"] == "tree-1"


def test_oasst_bad_row(tmp_path):
    rows = OASST_ROWS[:3] + [{**_msg("z", "r1", "robot", "beep")}]
    err = error_of(jsonl(tmp_path / "o.jsonl", rows))
    assert err.line == 4 and "prompter or assistant" in err.message and err.path.endswith("o.jsonl")


# --------------------------------------------------------------------------- detection and forcing

@pytest.mark.parametrize("name,rows", [
    ("dolly", DOLLY), ("firefly", FIREFLY), ("coig", [COIG_EXAM]), ("moss", [MOSS_003]),
    ("glaive", [GLAIVE]), ("oasst", OASST_ROWS),
    ("belle_multiturn", [{"instruction": "Human:你好\nAssistant:", "input": "", "output": "你好！"}]),
    ("coig_chat", [{"instruction": "", "conversations": [{"question": "q?", "answer": "a."}]}]),
])
def test_auto_detect_json_array_and_forced_format(tmp_path, name, rows):
    p = tmp_path / f"{name}.json"
    p.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    assert detect_format(p) == name
    assert read_seeds(p, fmt=name) == read_seeds(p)
    assert read_records(p, fmt=name)  # a named open format converts without detection


def test_forcing_the_wrong_open_format_is_a_located_error(tmp_path):
    p = jsonl(tmp_path / "f.jsonl", FIREFLY)
    err = error_of(p, fmt="dolly")
    assert err.line == 1 and "dolly record" in err.message


def test_stats_and_filter_read_open_formats(tmp_path):
    from agentsft.gate import filter_file
    from agentsft.stats import type_dataset

    p = jsonl(tmp_path / "dolly.jsonl", DOLLY)
    data = type_dataset(p)
    assert data.format == "alpaca" and len(data.labels) == 4
    assert data.labels[0] == ("en", TaskType.QA) and data.labels[1] == ("zh", TaskType.EXTRACTION)
    summary = filter_file(p, tmp_path / "kept.jsonl", tmp_path / "rej.jsonl")
    assert summary.read == 4 and summary.kept + sum(summary.reasons.values()) == 4
    kept = [json.loads(x) for x in (tmp_path / "kept.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all("output" in r and "category" in r for r in kept)


def test_grow_stops_on_a_bad_open_dataset_row_before_writing(tmp_path):
    from typer.testing import CliRunner

    from agentsft.cli import app

    orphan = {"system": "SYSTEM: hi", "chat": "USER: hi\n\n\nFUNCTION RESPONSE: {}\n\n\nASSISTANT: ok"}
    seeds = jsonl(tmp_path / "glaive.jsonl", [GLAIVE, orphan])
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["grow", "--seeds", str(seeds), "--out", str(out), "--target", "1", "--quiet"])
    assert result.exit_code == 2
    assert f"{seeds}:2:" in " ".join(result.output.split()) and not out.exists()


def test_oasst_float_ranks_from_a_table_column_still_rank(tmp_path):
    rows = [_msg("r", None, "prompter", "Which is better?"),
            _msg("a", "r", "assistant", "The second-best answer.", rank=1.0),
            _msg("b", "r", "assistant", "The best answer.", rank=0.0),
            _msg("c", "r", "assistant", "An unranked answer.", rank=float("nan"))]
    p = tmp_path / "o.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")  # NaN as JSON's NaN literal
    (s,) = read_seeds(p)
    assert s.messages[1].content == "The best answer."
