"""Tests for agentsft.steps.instances: parse_instance and attach_instances."""

import pytest

from agentsft.llm.service import LLMResult
from agentsft.schema import Candidate, Provenance, Reason, Stage, TaskType, Usage
from agentsft.steps.instances import attach_instances, parse_instance


# -- parse_instance: ordinary tasks -------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("输入：今天天气很好\n输出：The weather is nice today.", ("今天天气很好", "The weather is nice today.")),
        ("输入: 今天天气很好\n输出: 好", ("今天天气很好", "好")),
        ("Input: 2 + 2\nOutput: 4", ("2 + 2", "4")),
        ("input： hello\noutput： world", ("hello", "world")),
        ("**Input:** hello\n**Output:** world", ("hello", "world")),
        ("**Input**: hello\n**Output**: world", ("hello", "world")),
        ("**输入**：你好\n**输出**：世界", ("你好", "世界")),
        ("Output: only an output", ("", "only an output")),
        ("输出：只有输出", ("", "只有输出")),
    ],
)
def test_markers(answer, expected):
    assert parse_instance(answer, classification=False) == expected


@pytest.mark.parametrize("none", ["无", "无。", "空", "没有", "None", "none.", "N/A", "null", "-", "No input", ""])
def test_none_input_becomes_empty(none):
    assert parse_instance(f"Input: {none}\nOutput: done", False) == ("", "done")


def test_none_input_zh():
    assert parse_instance("输入：无\n输出：你好", False) == ("", "你好")


def test_real_input_containing_none_word_is_kept():
    assert parse_instance("Input: None of the above\nOutput: ok", False) == ("None of the above", "ok")


def test_multiline_fields():
    answer = "Input:\nline one\nline two\nOutput:\nresult one\nresult two"
    assert parse_instance(answer, False) == ("line one\nline two", "result one\nresult two")


def test_output_runs_to_the_end_of_the_answer():
    # only the first input and output markers are structure; later marker-like lines belong to the output
    assert parse_instance("Input: a\nOutput: b\nInput: c\nOutput: d", False) == ("a", "b\nInput: c\nOutput: d")


CODE_EN = """def factorial(n):
    \"\"\"Return n!.

    Example:
    Input: 5
    Output: 120
    \"\"\"
    return 1 if n < 2 else n * factorial(n - 1)

Example:
Input: 5
Output: 120"""

CODE_ZH = """下面的程序读入一个整数并输出它的阶乘：

n = int(input("输入："))
print("输出：", factorial(n))

运行示例：
输入：5
输出：120"""


@pytest.mark.parametrize("body", [CODE_EN, CODE_ZH])
@pytest.mark.parametrize(("head", "inp"), [("Input: None\nOutput:", ""), ("输入：无\n输出：", ""),
                                          ("Input: a whole number n\nOutput:", "a whole number n"),
                                          ("输入：一个非负整数n\n输出：", "一个非负整数n")])
def test_code_output_with_sample_io_lines_is_kept_whole(body, head, inp):
    assert parse_instance(f"{head}\n{body}", False) == (inp, body)


@pytest.mark.parametrize("body", [CODE_EN, CODE_ZH])
def test_code_answer_without_markers_is_whole_output(body):
    assert parse_instance(body, False) == ("", body)


def test_markers_inside_a_fence_do_not_count():
    fenced = "```python\nprint('Output: 1')\nOutput: this line is code\n```"
    answer = f"Input:\n{fenced}\nOutput: 1"
    assert parse_instance(answer, False) == (fenced, "1")


def test_input_marker_must_begin_the_answer():
    answer = "The program asks:\n\nfor example\nInput: 5\nOutput: 120"
    assert parse_instance(answer, False) == ("", answer)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("Sure, here it is:\nInput: rain\nOutput: Soft drops fall", ("rain", "Soft drops fall")),
     ("示例：\n输入：今天天气很好\n输出：The weather is nice today.", ("今天天气很好", "The weather is nice today."))],
)
def test_one_line_lead_in_before_the_markers_is_dropped(answer, expected):
    assert parse_instance(answer, False) == expected


def test_answer_beginning_with_a_class_marker_is_unparsable_for_an_ordinary_task():
    assert parse_instance("Class: positive\nInput: I love it.", False) is None


def test_marker_must_start_a_line():
    answer = "The output: is not a marker here"
    assert parse_instance(answer, False) == ("", answer)


def test_answer_without_markers_is_whole_output():
    answer = "春眠不觉晓，\n处处闻啼鸟。"
    assert parse_instance(answer, False) == ("", answer)


def test_answer_without_markers_is_stripped():
    assert parse_instance("  just the answer \n", False) == ("", "just the answer")


def test_input_without_output_is_unparsable():
    assert parse_instance("Input: something", False) is None
    assert parse_instance("输入：一些内容", False) is None


def test_empty_answer_is_unparsable():
    assert parse_instance("", False) is None
    assert parse_instance("   ", False) is None


def test_think_is_stripped():
    answer = "<think>Input: fake\nOutput: fake</think>\nInput: real\nOutput: answer"
    assert parse_instance(answer, False) == ("real", "answer")


def test_only_unclosed_think_is_unparsable():
    assert parse_instance("<think>Output: something", False) is None


# -- parse_instance: classification (output first) -----------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("类别：正面\n输入：这家餐厅太好吃了！", ("这家餐厅太好吃了！", "正面")),
        ("标签：负面\n输入：服务很差。", ("服务很差。", "负面")),
        ("Class: positive\nInput: I love it.", ("I love it.", "positive")),
        ("Label: spam\nInput: WIN A PRIZE", ("WIN A PRIZE", "spam")),
        ("Category: sports\nInput: The team won.", ("The team won.", "sports")),
        ("**Class:** positive\n**Input:** Great!", ("Great!", "positive")),
        ("Input: I love it.\nClass: positive", ("I love it.", "positive")),
        ("Class: positive\nInput: None", ("", "positive")),
    ],
)
def test_classification(answer, expected):
    assert parse_instance(answer, classification=True) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "Class: positive",  # no input
        "Input: I love it.",  # no class
        "Output: positive\nInput: I love it.",  # output is not a class marker
        "Class:\nInput: I love it.",  # empty class
        "positive",  # no markers at all
        "",
    ],
)
def test_classification_needs_class_and_input(answer):
    assert parse_instance(answer, classification=True) is None


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("Class: Python\nInput: name = input('Input: ')\nLabel: print(name)",
      ("name = input('Input: ')\nLabel: print(name)", "Python")),
     ("类别：Python\n输入：x = input(\"输入：\")\n类别：print(x)", ("x = input(\"输入：\")\n类别：print(x)", "Python"))],
)
def test_classification_input_runs_to_the_end(answer, expected):
    assert parse_instance(answer, classification=True) == expected


# -- attach_instances -------------------------------------------------------------------


def _cand(cid, task_type=TaskType.QA, usage=None, instruction="Write a haiku about rain."):
    prov = Provenance(candidate_id=cid, usage=usage or Usage(), timings={"propose_s": 1.0})
    return Candidate(id=cid, lang="en", instruction=instruction, task_type=task_type, provenance=prov)


def _res(text="", ok=True, error="", usage=None, seconds=0.5):
    return LLMResult(text=text, ok=ok, error=error, usage=usage or Usage(), seconds=seconds)


def test_attach_keeps_parsed_candidates_and_sums_usage():
    cand = _cand("c1", usage=Usage(prompt_tokens=10, completion_tokens=5, calls=1))
    res = _res("Input: rain\nOutput: Soft drops fall", usage=Usage(prompt_tokens=7, completion_tokens=3, calls=1,
                                                                   cached_calls=1), seconds=1.23456)
    kept, rejects = attach_instances([cand], [res], "model-x")
    assert rejects == []
    assert len(kept) == 1
    k = kept[0]
    assert (k.id, k.input, k.output) == ("c1", "rain", "Soft drops fall")
    assert k.provenance.usage == Usage(prompt_tokens=17, completion_tokens=8, calls=2, cached_calls=1)
    assert k.provenance.model == "model-x"
    assert k.provenance.timings == {"propose_s": 1.0, "instances_s": 1.235}
    assert k.provenance.candidate_id == "c1"
    # the input candidate is not mutated
    assert cand.output == "" and cand.provenance.usage.calls == 1


def test_attach_llm_error_is_rejected():
    cand = _cand("c1")
    kept, rejects = attach_instances([cand], [_res(ok=False, error="timeout " * 200)], "m")
    assert kept == []
    assert len(rejects) == 1
    r = rejects[0]
    assert r.reason is Reason.LLM_ERROR
    assert r.stage is Stage.INSTANCES
    assert r.candidate_id == "c1"
    assert len(r.detail) == 500 and r.detail.startswith("timeout")
    assert r.candidate["instruction"] == cand.instruction


def test_attach_unparsable_is_rejected_with_answer():
    cand = _cand("c2")
    kept, rejects = attach_instances([cand], [_res("Input: only input here")], "m")
    assert kept == []
    r = rejects[0]
    assert r.reason is Reason.INSTANCE_UNPARSABLE
    assert r.stage is Stage.INSTANCES
    assert r.candidate_id == "c2"
    assert r.candidate["answer"] == "Input: only input here"


def test_attach_truncates_stored_answer():
    cand = _cand("c2")
    _, rejects = attach_instances([cand], [_res("Input: " + "x" * 5000)], "m")
    assert len(rejects[0].candidate["answer"]) == 2000


def test_attach_uses_output_first_parsing_for_classification():
    cls = _cand("c3", task_type=TaskType.CLASSIFICATION, instruction="Classify the sentiment.")
    kept, rejects = attach_instances([cls], [_res("Class: positive\nInput: Loved it")], "m")
    assert rejects == []
    assert (kept[0].input, kept[0].output) == ("Loved it", "positive")

    # a marker-less answer is fine for a QA task but not for a classification task
    qa, cls2 = _cand("c4"), _cand("c5", task_type=TaskType.CLASSIFICATION)
    kept, rejects = attach_instances([qa, cls2], [_res("positive"), _res("positive")], "m")
    assert [k.id for k in kept] == ["c4"]
    assert [(r.candidate_id, r.reason) for r in rejects] == [("c5", Reason.INSTANCE_UNPARSABLE)]


def test_attach_candidate_without_task_type_is_not_classification():
    cand = _cand("c6", task_type=None)
    kept, _ = attach_instances([cand], [_res("an answer")], "m")
    assert (kept[0].input, kept[0].output) == ("", "an answer")


def test_attach_mixed_batch_keeps_order():
    cands = [_cand(f"c{i}") for i in range(4)]
    results = [
        _res("Output: a"),
        _res(ok=False, error="boom"),
        _res("Input: lonely"),
        _res("Input: x\nOutput: d"),
    ]
    kept, rejects = attach_instances(cands, results, "m")
    assert [(k.id, k.output) for k in kept] == [("c0", "a"), ("c3", "d")]
    assert [(r.candidate_id, r.reason) for r in rejects] == [
        ("c1", Reason.LLM_ERROR),
        ("c2", Reason.INSTANCE_UNPARSABLE),
    ]


def test_attach_trims_an_answer_cut_at_max_tokens_to_its_last_sentence():
    cut = _res("Output: 第一句说完了。第二句也说完了！第三句没说", usage=Usage(completion_tokens=511, calls=1))
    whole = _res("Output: a finished answer", usage=Usage(completion_tokens=40, calls=1))
    kept, rejects = attach_instances([_cand("c1"), _cand("c2")], [cut, whole], "m", max_tokens=512)
    assert rejects == []
    assert kept[0].output == "第一句说完了。第二句也说完了！" and kept[0].provenance.trimmed
    assert kept[1].output == "a finished answer" and not kept[1].provenance.trimmed


def test_attach_rejects_a_cut_answer_with_no_finished_sentence():
    cut = _res("Output: 1, 2, 3, 4, 5, 6, 7", usage=Usage(completion_tokens=512, calls=1))
    kept, rejects = attach_instances([_cand("c1")], [cut], "m", max_tokens=512)
    assert kept == []
    assert [(r.reason, r.stage) for r in rejects] == [(Reason.TRUNCATED, Stage.INSTANCES)]
    assert "512 tokens" in rejects[0].detail and rejects[0].candidate["answer"].startswith("Output: 1,")


def test_attach_without_max_tokens_does_not_judge_length():
    long = _res("Output: long and unfinished", usage=Usage(completion_tokens=10_000, calls=1))
    kept, rejects = attach_instances([_cand("c1")], [long], "m")
    assert kept[0].output == "long and unfinished" and rejects == []
