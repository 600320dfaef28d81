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
