"""The groundedness rules: numbers, dates, names and quotes of an answer must be in its chunk (zh and en)."""

import pytest

from agentsft.schema import Reason
from agentsft.verify.groundedness import check_grounded, en_names, extract_dates, not_stated, quotes, zh_names

EN = ("The Rhine Bridge in Basel opened on 5 March 1998 after 14 months of work. It cost CHF 12,500,000, "
      "and 3 thousand people walked across on the first day. Engineer Anna Berg called it “a bridge for walkers "
      "first”. About 40% of the steel was recycled.")
ZH = ("杭州西湖音乐节于2023年9月16日开幕，为期三天，共吸引游客12.5万人次。主办方为杭州市文化局，开幕曲目是《春江花月夜》。"
      "总导演王立群说：“让音乐回到湖边。”门票价格为１８０元，学生半价。")


@pytest.mark.parametrize("answer", [
    "The bridge opened on March 5, 1998.",
    "It opened in March 1998, after 14 months of work.",
    "It cost CHF 12,500,000, that is 12.5 million francs.",
    "3000 people crossed it on the first day.",
    "Anna Berg called it “a bridge for walkers first”.",
    "About forty percent, i.e. 40% of the steel, was recycled.",
    "The Rhine Bridge is in Basel.",
    "1. It is in Basel.\n2. It opened in 1998.",
    "About 40% of the steel was recycled. Engineer Anna Berg was proud of it.",  # no name across a sentence end
])
def test_en_faithful_answers_are_kept(answer):
    assert check_grounded(answer, EN, "en") is None


@pytest.mark.parametrize("answer,reason", [
    ("It opened on 6 March 1998.", Reason.UNGROUNDED_DATE),
    ("It opened in April 1998.", Reason.UNGROUNDED_DATE),
    ("Work took 15 months.", Reason.UNGROUNDED_NUMBER),
    ("It cost 13.5 million francs.", Reason.UNGROUNDED_NUMBER),
    ("It closed in 2011 for repairs.", Reason.UNGROUNDED_NUMBER),
    ("About 60% of the steel was recycled.", Reason.UNGROUNDED_NUMBER),
    ("Peter Miller designed the bridge.", Reason.UNGROUNDED_NAME),
    ("It spans the river near Zurich Central Station.", Reason.UNGROUNDED_NAME),
    ("Berg called it “the finest bridge in Europe”.", Reason.UNGROUNDED_QUOTE),
])
def test_en_unfaithful_answers_are_rejected_with_their_code(answer, reason):
    found = check_grounded(answer, EN, "en")
    assert found is not None and found.reason == reason, found


@pytest.mark.parametrize("answer", [
    "音乐节于2023年9月16日开幕，持续三天。",
    "音乐节9月16日开幕，为期3天。",
    "共吸引游客125,000人次。",
    "共吸引游客十二万五千人次。",
    "主办方是杭州市文化局，开幕曲目是《春江花月夜》。",
    "王立群说：“让音乐回到湖边。”",
    "门票为180元，学生半价。",
    "音乐节在2023年举办。",
])
def test_zh_faithful_answers_are_kept(answer):
    assert check_grounded(answer, ZH, "zh") is None


@pytest.mark.parametrize("answer,reason", [
    ("音乐节于2023年9月18日开幕。", Reason.UNGROUNDED_DATE),
    ("音乐节在2022年举办。", Reason.UNGROUNDED_DATE),
    ("音乐节于10月1日开幕。", Reason.UNGROUNDED_DATE),
    ("共吸引游客20万人次。", Reason.UNGROUNDED_NUMBER),
    ("门票价格为200元。", Reason.UNGROUNDED_NUMBER),
    ("主办方是上海市文化局。", Reason.UNGROUNDED_NAME),
    ("开幕曲目是《梁祝》。", Reason.UNGROUNDED_NAME),
    ("张伟担任总导演。", Reason.UNGROUNDED_NAME),
    ("总导演说：“欢迎来到西湖边。”", Reason.UNGROUNDED_QUOTE),
])
def test_zh_unfaithful_answers_are_rejected_with_their_code(answer, reason):
    found = check_grounded(answer, ZH, "zh")
    assert found is not None and found.reason == reason, found


def test_full_width_digits_and_iso_dates_are_normalised():
    chunk = "会议定于２０２４年３月５日举行，预计参会人数为１２００人。"
    assert check_grounded("会议在2024-03-05举行，约1,200人参加。", chunk, "zh") is None
    assert check_grounded("会议在2024-03-06举行。", chunk, "zh").reason == Reason.UNGROUNDED_DATE


def test_units_around_numbers_do_not_matter():
    chunk = "The trail is 12 km long and climbs 850 m."
    assert check_grounded("It is 12 kilometres long and climbs 850 metres.", chunk, "en") is None
    assert check_grounded("It is 12km long and climbs 900 m.", chunk, "en").reason == Reason.UNGROUNDED_NUMBER


def test_checks_can_be_switched_off():
    assert check_grounded("Peter Miller built it.", EN, "en", checks=("numbers", "dates")) is None
    assert check_grounded("It opened on 6 March 1998.", EN, "en", checks=("names",)) is None


def test_extractors():
    dates = [(d.year, d.month, d.day) for d in extract_dates("On 5 March 1998, then March 2001, 二〇二四年三月五日, 7月1日.")]
    assert dates == [(1998, 3, 5), (2001, 3, None), (2024, 3, 5), (None, 7, 1)]
    assert en_names("The Rhine Bridge was built by Anna Berg's team. In Basel it rains.") == ["Rhine Bridge", "Anna Berg"]
    assert "《春江花月夜》" not in zh_names("演奏了《春江花月夜》。") and "春江花月夜" in zh_names("演奏了《春江花月夜》。")
    assert quotes('He said "walk first" and 「慢行」.') == ["walk first", "慢行"]


@pytest.mark.parametrize("answer,expected", [
    ("原文没有提到这一点。", True), ("The text does not say.", True), ("The passage doesn't mention the price.", True),
    ("It opened in 1998.", False),
    ("The text does not say who paid. It opened in 1998. It cost a lot. Many came.", False),
])
def test_not_stated(answer, expected):
    assert not_stated(answer) is expected


def test_the_filter_gate_checks_samples_grown_from_documents(tmp_path):
    import json

    from agentsft.gate import filter_file
    from agentsft.schema import Sample

    chunk = "The Rhine Bridge opened on 5 March 1998 after 14 months of work."
    src = {"source": {"file": "bridge.md", "start": 0, "end": len(chunk)}}
    good = Sample.from_triple("When did it open?", chunk, "It opened on 5 March 1998.", lang="en", task_type="qa",
                              provenance=src)
    bad = Sample.from_triple("How long did work take?", chunk, "Work took 18 months.", lang="en", task_type="qa",
                             provenance=src)
    plain = Sample.from_triple("Name a prime number.", "", "Seven is a prime number.", lang="en", task_type="qa")
    path = tmp_path / "samples.jsonl"
    path.write_text("".join(json.dumps(s.model_dump(mode="json", exclude_none=True)) + "\n" for s in (good, bad, plain)),
                    encoding="utf-8")
    summary = filter_file(path, tmp_path / "kept.jsonl", tmp_path / "rejects.jsonl")
    assert summary.kept == 2 and dict(summary.reasons) == {"ungrounded_number": 1}
    rejected = [json.loads(x) for x in (tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rejected[0]["stage"] == "grounded" and "18" in rejected[0]["detail"]
