"""A grow run whose models are LangChain chat classes named by import path in the recipe."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fakes import ScriptedChat
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.config import ConfigError, build_config
from agentsft.graph.launch import open_run

SEEN: list[dict] = []
SCORES = json.dumps({"helpfulness": 8, "correctness": 8, "groundedness": 8, "structure": 8, "language": 8,
                     "rationale": "fine"})


class ProviderScripted(ScriptedChat):
    """The scripted grow model as a provider class: sampling settings are fields, call kwargs are refused."""

    temperature: float = 1.0
    max_tokens: int = 1
    seed: int | None = None

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any):
        if kwargs:
            raise TypeError(f"unexpected keyword arguments {sorted(kwargs)}")
        SEEN.append({"temperature": self.temperature, "max_tokens": self.max_tokens, "seed": self.seed})
        return super()._generate(messages, stop, run_manager)


def recipe(tmp_path, seed_file, models: dict, **extra) -> Any:
    path = tmp_path / "provider.yaml"
    body = {"grow": {"seeds": [str(seed_file)], "target": 4, "batch_size": 2, "concurrency": 2,
                     "novelty": {"embedder": "off"}, "models": models, **extra}}
    path.write_text(json.dumps(body), encoding="utf-8")  # JSON is YAML
    return path


def test_grow_run_on_a_provider_main_model(seed_file, tmp_path):
    SEEN.clear()
    models = {"main": {"provider": f"{__name__}:ProviderScripted", "kwargs": {"seed": 42}},
              "second": {"provider": "langchain_core.language_models.fake_chat_models:FakeListChatModel",
                         "kwargs": {"responses": [SCORES]}}}  # a judge named per stage
    stages = ["screen", "classify", "instances", {"judge": {"model": "second", "threshold": 6}}]
    cfg = build_config(recipe(tmp_path, seed_file, models, stages=stages), {"out": tmp_path / "run"})
    run = open_run(cfg)
    summary = run.run()
    assert summary.accepted == 4 and summary.consistent
    assert run.llm.model_id == f"{__name__}:ProviderScripted #" + run.llm.model_id.split("#")[1]
    assert run.llms["second"].model_id.endswith("FakeListChatModel #" + run.llms["second"].model_id.split("#")[1])
    # the class defaults (1.0, 1) never reach a call: each call's own settings do, as fields of a copy
    assert SEEN and all(s["temperature"] != 1.0 and s["max_tokens"] == 512 for s in SEEN)
    assert run.llm.chat_model.seed == 42  # the recipe's kwarg is the default; a stage's per-call seed wins
    assert all(s["seed"] is not None for s in SEEN)
    assert run.llms["second"].usage.calls >= 4 and run.llms["second"].errors == 0  # it judged every kept sample
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["model_id"] == run.llm.model_id
    assert manifest["config"]["models"]["main"]["provider"] == f"{__name__}:ProviderScripted"
    assert manifest["usage_total"]["calls"] == summary.usage["calls"] > 0
    samples = [json.loads(x) for x in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()]
    assert {s["provenance"]["model"] for s in samples} == {run.llm.model_id}

    calls = len(SEEN)  # the same run again: everything comes from the run directory and the request cache
    cfg = build_config(recipe(tmp_path, seed_file, models, stages=stages), {"out": tmp_path / "run"})
    again = open_run(cfg).run()
    assert again.accepted == 4 and len(SEEN) == calls


def test_changed_provider_kwargs_change_the_fingerprint(seed_file, tmp_path):
    main = {"provider": f"{__name__}:ProviderScripted", "kwargs": {"seed": 1}}
    open_run(build_config(recipe(tmp_path, seed_file, {"main": main}, target=1), {"out": tmp_path / "r"})).run()
    main["kwargs"]["seed"] = 2
    with pytest.raises(Exception, match="force"):
        open_run(build_config(recipe(tmp_path, seed_file, {"main": main}, target=1), {"out": tmp_path / "r"}))


def test_bad_provider_stops_before_anything_is_written(seed_file, tmp_path):
    bad = recipe(tmp_path, seed_file, {"judge": {"provider": "no_such_pkg_xyz:ChatX"}})
    with pytest.raises(ConfigError, match=r"provider\.yaml: models\.judge: provider 'no_such_pkg_xyz:ChatX' does not"):
        open_run(build_config(bad, {"out": tmp_path / "run"}))
    assert not (tmp_path / "run").exists()
    result = CliRunner().invoke(app, ["grow", "--recipe", str(bad), "--out", str(tmp_path / "run2"), "--quiet"])
    assert result.exit_code == 2 and "does not import" in result.output and not (tmp_path / "run2").exists()
    rejected = recipe(tmp_path, seed_file, {"main": {"provider": f"{__name__}:ProviderScripted",
                                                     "kwargs": {"temperature": "hot"}}})
    with pytest.raises(ConfigError, match=r"models\.main: provider .* rejected its kwargs: temperature"):
        open_run(build_config(rejected, {"out": tmp_path / "run3"}))
    assert not (tmp_path / "run3").exists()


def test_main_named_twice_and_missing_key_env_are_config_errors(seed_file, tmp_path, monkeypatch):
    main = {"main": {"provider": f"{__name__}:ProviderScripted"}}
    with pytest.raises(ConfigError, match="named twice"):
        open_run(build_config(recipe(tmp_path, seed_file, main), {"out": tmp_path / "a", "base_url": "http://x/v1"}))
    monkeypatch.delenv("AGENTSFT_TEST_NO_SUCH_KEY", raising=False)
    keyed = {"main": {"provider": "langchain_openai:ChatOpenAI", "model": "m", "base_url": "http://127.0.0.1:9/v1",
                      "api_key_env": "AGENTSFT_TEST_NO_SUCH_KEY"}}
    with pytest.raises(ConfigError, match="AGENTSFT_TEST_NO_SUCH_KEY"):
        open_run(build_config(recipe(tmp_path, seed_file, keyed), {"out": tmp_path / "b"}))
    with pytest.raises(ConfigError, match="kwargs are for a provider"):
        build_config(recipe(tmp_path, seed_file, {"x": {"kwargs": {"a": 1}}}), {})
