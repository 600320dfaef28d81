"""The grow command against a real OpenAI-compatible HTTP server on 127.0.0.1 (llama_cpp.server)."""

import pytest
from grow_helpers import check_run, run_grow

pytestmark = pytest.mark.integration


def test_grow_through_base_url(tmp_path, llama_server):
    out = tmp_path / "srv"
    proc = run_grow("--seeds", "seeds/en.jsonl", "--target", "3", "--out", str(out),
                    "--base-url", llama_server, "--model", "local")
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = check_run(out, 3)
    assert manifest["model"].startswith("OpenAI-compatible: local at http://127.0.0.1")
    assert manifest["usage_total"]["calls"] > 0
