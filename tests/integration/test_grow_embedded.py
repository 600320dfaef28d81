"""README's main command on the real embedded model: no key, no server, no network."""

import pytest
from grow_helpers import check_run, run_grow

pytestmark = pytest.mark.integration


def test_grow_zh_on_embedded_model(tmp_path):
    out = tmp_path / "demo"
    proc = run_grow("--seeds", "seeds/zh.jsonl", "--target", "4", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "embedded llama.cpp" in proc.stderr
    manifest = check_run(out, 4)
    assert manifest["status"] == "complete" and manifest["lang"] == "zh"
    assert "embedded" in manifest["model"]
    assert "= 4 +" in proc.stdout  # the summary prints candidates = accepted + rejected
