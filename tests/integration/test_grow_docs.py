"""Documents as sources on the real embedded model: `agentsft grow --docs seeds/docs --domain …` completes and
every accepted sample carries its chunk and source."""

import pytest
from grow_helpers import ROOT, check_run, read_jsonl, run_grow

from agentsft.docs import read_document

pytestmark = pytest.mark.integration

TARGET = 2


@pytest.mark.parametrize("lang,domain", [("en", "town services and everyday life")])
def test_grow_from_documents_on_embedded_model(tmp_path, lang, domain):
    out = tmp_path / "docs"
    proc = run_grow("--docs", "seeds/docs", "--domain", domain, "--lang", lang, "--target", str(TARGET),
                    "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = check_run(out, TARGET)
    assert manifest["status"] == "complete"
    for s in read_jsonl(out / "samples.jsonl"):
        src = s["provenance"]["source"]
        text = read_document(ROOT / src["file"]).text
        assert s["input"] == text[src["start"]:src["end"]] and s["lang"] == lang
        assert s["verification"]["grounded"]["rules"] == "ok"
    rejects = read_jsonl(out / "rejects.jsonl")
    assert all(r["candidate"].get("provenance", {}).get("source") for r in rejects if r["stage"] == "grounded")
