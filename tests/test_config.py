"""Tests for agentsft.config: recipe loading, flag merging, validation errors and the fingerprint."""

import re
from pathlib import Path

import pytest

from agentsft.config import ConfigError, RunConfig, build_config, load_recipe


def _recipe(tmp_path, text, name="recipe.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_recipe_or_flags():
    cfg = build_config(None, {})
    assert cfg == RunConfig()
    assert cfg.target == 100 and cfg.lang is None and cfg.recipe is None
    assert cfg.seeds == [Path("seeds/zh.jsonl")]


def test_flags_only():
    cfg = build_config(None, {"target": 7, "lang": "en", "model": "m"})
    assert (cfg.target, cfg.lang, cfg.model) == (7, "en", "m")


def test_recipe_values_are_used(tmp_path):
    path = _recipe(tmp_path, "target: 12\nlang: en\nnum_new: 5\nfilters:\n  en: {min: 2, max: 40}\n")
    cfg = build_config(path, {})
    assert (cfg.target, cfg.lang, cfg.num_new) == (12, "en", 5)
    assert (cfg.filters.en.min, cfg.filters.en.max) == (2, 40)
    assert cfg.filters.zh.min == 6  # untouched default
    assert cfg.recipe == path


def test_flags_win_over_recipe(tmp_path):
    path = _recipe(tmp_path, "target: 12\nlang: en\ntemperature: 0.2\n")
    cfg = build_config(path, {"target": 50, "lang": "zh"})
    assert (cfg.target, cfg.lang, cfg.temperature) == (50, "zh", 0.2)


def test_none_and_empty_list_flags_are_ignored(tmp_path):
    path = _recipe(tmp_path, "target: 12\nseeds: [a.jsonl, b.jsonl]\nmodel: from-recipe\n")
    cfg = build_config(path, {"target": None, "seeds": [], "model": None, "concurrency": None})
    assert cfg.target == 12
    assert cfg.seeds == [Path("a.jsonl"), Path("b.jsonl")]
    assert cfg.model == "from-recipe"
    assert cfg.concurrency == 4


def test_false_and_zero_flags_are_not_ignored(tmp_path):
    path = _recipe(tmp_path, "resume: true\nseed: 9\n")
    cfg = build_config(path, {"resume": False, "seed": 0})
    assert cfg.resume is False and cfg.seed == 0


def test_nested_grow_section(tmp_path):
    path = _recipe(tmp_path, "grow:\n  target: 33\n  lang: en\n  novelty:\n    exact: false\n")
    cfg = build_config(path, {"lang": "zh"})
    assert (cfg.target, cfg.lang, cfg.novelty.exact) == (33, "zh", False)


def test_repository_recipe_is_valid():
    path = Path(__file__).resolve().parents[1] / "graphs" / "grow.yaml"
    if not path.exists():
        pytest.skip("no graphs/grow.yaml")
    cfg = build_config(path, {})
    assert cfg.recipe == path and cfg.target >= 1


def test_empty_recipe_gives_defaults(tmp_path):
    path = _recipe(tmp_path, "# nothing here\n")
    assert load_recipe(path) == {}
    assert build_config(path, {}).target == 100


def test_recipe_with_bom_is_read(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufefftarget: 5\n".encode("utf-8"))
    assert build_config(path, {}).target == 5


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = _recipe(tmp_path, "target: 5\nlang: en\nfilters: [unclosed\nseed: 1\n")
    with pytest.raises(ConfigError) as exc:
        build_config(path, {})
    msg = str(exc.value)
    assert re.match(rf"^{re.escape(str(path))}:\d+: invalid YAML", msg)
    line = int(msg[len(str(path)) + 1 :].split(":")[0])
    assert 3 <= line <= 5
    assert "\n" not in msg


def test_invalid_yaml_bad_indent_line_number(tmp_path):
    path = _recipe(tmp_path, "target: 5\nlang: en\n  bad: indent\n")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:3: invalid YAML"):
        build_config(path, {})


def test_missing_recipe(tmp_path):
    path = tmp_path / "missing.yaml"
    with pytest.raises(ConfigError, match="recipe file not found") as exc:
        build_config(path, {})
    assert str(path) in str(exc.value)


def test_recipe_that_is_not_a_mapping(tmp_path):
    path = _recipe(tmp_path, "- a\n- b\n")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:1: a recipe must be a mapping"):
        build_config(path, {})


def test_target_zero_names_the_setting(tmp_path):
    path = _recipe(tmp_path, "target: 0\n")
    with pytest.raises(ConfigError) as exc:
        build_config(path, {})
    msg = str(exc.value)
    assert msg.startswith(f"{path}: setting 'target'")
    assert "\n" not in msg


def test_bad_flag_value_names_flags_as_source():
    with pytest.raises(ConfigError, match=r"^flags: setting 'target'"):
        build_config(None, {"target": 0})


def test_unknown_key_names_the_setting(tmp_path):
    path = _recipe(tmp_path, "target: 5\ntargte: 6\n")
    with pytest.raises(ConfigError, match=r"setting 'targte'"):
        build_config(path, {})


def test_unknown_nested_key_names_the_dotted_setting(tmp_path):
    path = _recipe(tmp_path, "filters:\n  zh: {min: 1, max: 10, mx: 3}\n")
    with pytest.raises(ConfigError, match=r"setting 'filters\.zh\.mx'"):
        build_config(path, {})


@pytest.mark.parametrize(
    ("flags", "setting"),
    [({"lang": "fr"}, "lang"), ({"concurrency": 0}, "concurrency"), ({"num_new": 51}, "num_new"),
     ({"temperature": 3}, "temperature"), ({"timeout": 0}, "timeout")],
)
def test_out_of_range_values_name_the_setting(flags, setting):
    with pytest.raises(ConfigError, match=rf"setting '{setting}'"):
        build_config(None, flags)


def test_demo_counts_must_not_both_be_zero():
    with pytest.raises(ConfigError, match="seed_demos \\+ machine_demos"):
        build_config(None, {"seed_demos": 0, "machine_demos": 0})
    assert build_config(None, {"seed_demos": 0, "machine_demos": 1}).seed_demos == 0


# -- fingerprint ------------------------------------------------------------------------------


def _fp(**flags):
    return build_config(None, flags).fingerprint()


def test_fingerprint_is_stable_and_short():
    assert _fp() == _fp()
    assert re.fullmatch(r"[0-9a-f]{16}", _fp())


@pytest.mark.parametrize(
    "flags",
    [{"out": Path("elsewhere")}, {"target": 999}, {"concurrency": 32}, {"max_candidates": 5}, {"resume": True},
     {"force": True}, {"timeout": 5.0}],
)
def test_fingerprint_ignores_run_only_settings(flags):
    assert _fp(**flags) == _fp()


def test_fingerprint_ignores_recipe_path(tmp_path):
    a = build_config(_recipe(tmp_path, "target: 5\n", "a.yaml"), {})
    b = build_config(_recipe(tmp_path, "target: 6\n", "b.yaml"), {})
    assert a.fingerprint() == b.fingerprint()


@pytest.mark.parametrize(
    "flags", [{"seed": 1}, {"temperature": 0.1}, {"num_new": 3}, {"prompt_version": "v2"}, {"max_tokens": 64}],
)
def test_fingerprint_changes_with_data_shaping_settings(flags):
    assert _fp(**flags) != _fp()


@pytest.mark.parametrize(
    "flags", [{"lang": "en"}, {"model": "other-model"}, {"base_url": "http://127.0.0.1:9/v1"},
              {"seeds": [Path("./seeds/zh.jsonl")]}],
)
def test_names_and_paths_count_only_as_resolved_inputs(flags):
    """Seeds count by content, the model by the resolved model and endpoint, the language as resolved: the
    run passes those as ``inputs`` (see tests/graph/test_ledger.py); a path or a name alone changes nothing."""
    assert _fp(**flags) == _fp()


@pytest.mark.parametrize("key", ["seeds", "model", "prompts", "lang"])
def test_fingerprint_changes_with_each_resolved_input(key):
    cfg = build_config(None, {})
    inputs = {"seeds": ["a1"], "model": "m at http://x/v1", "prompts": "p1", "lang": "zh"}
    assert cfg.fingerprint(inputs) != cfg.fingerprint({**inputs, key: "changed"})


def test_fingerprint_changes_with_nested_filter_setting(tmp_path):
    path = _recipe(tmp_path, "filters:\n  zh: {min: 8, max: 300}\n")
    assert build_config(path, {}).fingerprint() != _fp()


# -- candidate budget -----------------------------------------------------------------------


def test_candidate_budget_default():
    assert RunConfig().candidate_budget == 4000  # target 100 * 40
    assert RunConfig(target=1).candidate_budget == 200  # floor
    assert RunConfig(target=5).candidate_budget == 200
    assert RunConfig(target=6).candidate_budget == 240


def test_candidate_budget_explicit_wins():
    assert RunConfig(target=100, max_candidates=10).candidate_budget == 10


def test_balance_by_lang_wins_for_its_language_and_falls_back_otherwise():
    from agentsft.config import BalanceConfig

    cfg = BalanceConfig(mix={"qa": 1, "code": 3}, by_lang={"zh": {"translation": 1, "qa": 1}})
    assert cfg.shares("zh") == {"translation": 0.5, "qa": 0.5}
    assert cfg.shares("en") == {"qa": 0.25, "code": 0.75}
    assert len(BalanceConfig().shares("zh")) == 10  # uniform over the text types


def test_balance_mix_of_zero_shares_is_a_config_error(tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("balance:\n  by_lang:\n    zh: {qa: 0}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="by_lang.zh"):
        build_config(recipe, {})


def test_an_empty_by_lang_leaves_the_fingerprint_of_a_balanced_run_unchanged():
    cfg = RunConfig(balance={"mix": {"qa": 1}})
    assert "by_lang" not in cfg.shaping()["balance"]
    assert "by_lang" in RunConfig(balance={"by_lang": {"zh": {"qa": 1}}}).shaping()["balance"]


def test_the_timeout_flag_wins_over_the_recipe(tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("timeout: 30\n", encoding="utf-8")
    assert build_config(recipe, {"timeout": 900.0}).timeout == 900.0
    assert build_config(recipe, {"timeout": None}).timeout == 30.0


def test_a_domain_adds_the_scope_stage_except_to_a_documents_main_branch(tmp_path):
    scoped = RunConfig(domain="旅游客服")
    assert scoped.stages[:2] == ["screen", "scope"]
    docs = RunConfig(domain="社区生活服务", docs=[tmp_path],
                     mix={"qa": {"share": 0.2, "stages": ["screen", "instances"]}})
    assert "scope" not in docs.stages and docs.stages[-1] == "grounded"
    assert docs.mix["qa"].stages == ["screen", "scope", "instances"]
