"""The stage protocol: recipes name stages, the graph is compiled from the list, accounting always holds."""

import pytest

from agentsft.config import ConfigError
from agentsft.steps.stages import resolve_stages


def test_default_list_resolves_in_order():
    assert [s.name for s in resolve_stages(["screen", "classify", "instances"])] == ["screen", "classify", "instances"]


@pytest.mark.parametrize("items, words", [
    (["screen", "nope"], "unknown stage 'nope'"),
    (["propose", "screen"], "implicit"),
    (["screen", "screen"], "listed twice"),
    ([{"tooluse": {"max_calls": 0}}], "setting 'max_calls'"),
    ([{"tooluse": {"colour": "red"}}], "setting 'colour'"),
    ([["screen"]], "one-key mapping"),
    ([{"screen": {}, "classify": {}}], "one-key mapping"),
])
def test_bad_stage_lists_are_config_errors(items, words):
    with pytest.raises(ConfigError, match=words):
        resolve_stages(items, "graphs/x.yaml")


def test_settings_are_validated_and_defaulted():
    (stage,) = resolve_stages([{"tooluse": {"max_calls": 2}}])
    assert stage.settings.max_calls == 2 and stage.settings.protocol == "auto"


def test_the_quality_stage_rejects_with_the_gate_codes():
    from types import SimpleNamespace

    from agentsft.schema import Candidate

    (stage,) = resolve_stages(["quality"])
    good = Candidate(id="g", lang="zh", instruction="解释什么是复利。", output="复利是把利息加入本金再计息的方法。")
    bad = Candidate(id="b", lang="zh", instruction="写一首关于秋天的诗。", output="抱歉，我无法完成这个请求。")
    kept, rejects = stage([good, bad], SimpleNamespace())
    assert [c.id for c in kept] == ["g"] and rejects[0].reason.value == "refusal" and rejects[0].stage.value == "quality"



@pytest.mark.parametrize("lang, instruction, output, placeholder", [
    ("zh", "写一段客服回复，告诉客户联系方式。", "您好！如有问题请拨打13812345678或发邮件到li.ming@mail163.cn联系我们。",
     ["[PHONE]", "[EMAIL]"]),
    ("en", "Write a short reply giving the customer our support contact.",
     "Thanks for reaching out! Call +1 415 555 0134 or e-mail help.desk@acmecorp.io and we will sort it out.",
     ["[PHONE]", "[EMAIL]"]),
])
def test_the_quality_stage_redacts_personal_data_by_recipe(lang, instruction, output, placeholder):
    from types import SimpleNamespace

    from agentsft.schema import Candidate, single_turn

    msgs, _ = single_turn(instruction, "", output)
    cand = Candidate(id="p", lang=lang, instruction=instruction, output=output, messages=msgs)
    (reject_stage,) = resolve_stages(["quality"])
    kept, rejects = reject_stage([cand], SimpleNamespace())
    assert not kept and rejects[0].reason.value == "personal_data"
    (redact_stage,) = resolve_stages([{"quality": {"personal_data": "redact"}}])
    kept, rejects = redact_stage([cand], SimpleNamespace())
    assert not rejects, rejects
    (c,) = kept
    assert all(p in c.output and p in c.messages[-1].content for p in placeholder)
    assert "@" not in c.output and "555" not in c.output and "1381234" not in c.output
    assert c.verification["redacted"] == {"phone": 1, "email": 1}


def test_redaction_leaves_clean_samples_and_example_addresses_alone():
    from types import SimpleNamespace

    from agentsft.schema import Candidate

    (stage,) = resolve_stages([{"quality": {"personal_data": "redact"}}])
    clean = Candidate(id="c", lang="en", instruction="Write an example e-mail signature.",
                      output="Best regards,\nJane Doe\njane@example.com")
    (kept,), _ = stage([clean], SimpleNamespace())
    assert kept.output == clean.output and "redacted" not in kept.verification

def test_the_tokens_stage_stores_counts_and_enforces_the_limit():
    from types import SimpleNamespace

    from agentsft.schema import Candidate

    c = Candidate(id="g", lang="en", instruction="Explain compound interest.", output="Interest earns interest.")
    (stage,) = resolve_stages([{"tokens": {}}])
    kept, rejects = stage([c], SimpleNamespace())
    counts = kept[0].verification["tokens"]
    assert not rejects and counts["total"] == counts["prompt"] + counts["response"] > 5
    (strict,) = resolve_stages([{"tokens": {"max_tokens": 3}}])
    kept, rejects = strict([c], SimpleNamespace())
    assert not kept and rejects[0].reason.value == "too_many_tokens"
