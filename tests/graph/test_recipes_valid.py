"""Every recipe we ship in graphs/ loads and names only known stages, models and tools."""

from pathlib import Path

import pytest

from agentsft.config import build_config
from agentsft.graph.run import check_recipe

ROOT = Path(__file__).resolve().parents[2]
RECIPES = sorted((ROOT / "graphs").glob("*.yaml"))


def test_the_recipes_are_there():
    assert {"grow.yaml", "judged.yaml", "docs.yaml", "evol.yaml", "tooluse.yaml"} <= {p.name for p in RECIPES}


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.name)
def test_a_shipped_recipe_is_valid(recipe, monkeypatch):
    monkeypatch.chdir(ROOT)  # recipes name seeds and documents relative to the project
    cfg = build_config(recipe, {})
    branches, _ = check_recipe(cfg)
    assert branches and all(b.stages for b in branches)
