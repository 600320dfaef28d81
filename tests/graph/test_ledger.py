"""Exactly-once accounting: crashes at any node, lost checkpoints, a second process, the fingerprint."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import ScriptedChat
from grow_runs import lines
from grow_runs import make_run as _make_run
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.config import RunConfig
from agentsft.graph.run import GrowRun
from agentsft.llm import LLMService, RequestCache
from agentsft.store import RunStore, StoreError


class Crash(BaseException):
    """Stands for a process dying: not an Exception, so nothing on the way catches it."""


class CrashingChat(ScriptedChat):
    crash_at: int = 0  # the n-th call raises Crash (0: never)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        if self.crash_at and self.calls + 1 == self.crash_at:
            self.calls += 1
            raise Crash(f"died on call {self.calls}")
        return super()._generate(messages, stop, run_manager, **kwargs)


def make_run(seed_file: Path, out: Path, chat=None, **overrides) -> GrowRun:
    return _make_run(seed_file, out, chat, **{"target": 10, "concurrency": 1, **overrides})


def assert_exactly_once(out: Path, target: int) -> None:
    samples, rejects = lines(out / "samples.jsonl"), lines(out / "rejects.jsonl")
    minted = {c["id"] for e in lines(out / "ledger.jsonl") for c in e["minted"]}
    minted |= {r["candidate_id"] for e in lines(out / "ledger.jsonl") for r in e["rejects"]}
    settled = [s["provenance"]["candidate_id"] for s in samples] + [r["candidate_id"] for r in rejects]
    assert len(settled) == len(set(settled)), "a candidate was settled twice"
    assert set(settled) == minted, "a minted candidate was never settled, or a settled one never minted"
    assert len(samples) == target
    counts = json.loads((out / "manifest.json").read_text())["counts"]
    assert counts == {"candidates": len(minted), "accepted": target, "rejected": len(rejects), "consistent": True}


@pytest.mark.parametrize("crash_at", [2, 3, 5, 8])  # in propose, in instances, at later rounds
@pytest.mark.parametrize("lose_checkpoint", [False, True])
def test_crash_then_resume_settles_every_candidate_once(seed_file, tmp_path, crash_at, lose_checkpoint):
    out = tmp_path / "run"
    with pytest.raises(Crash):
        make_run(seed_file, out, chat=CrashingChat(crash_at=crash_at)).run()
    if lose_checkpoint:
        (out / "checkpoint.sqlite").unlink()
    summary = make_run(seed_file, out).run()
    assert summary.consistent and summary.accepted == 10
    assert_exactly_once(out, 10)


def test_lost_checkpoint_does_not_reuse_rounds_or_ids(seed_file, tmp_path):
    out = tmp_path / "run"
    make_run(seed_file, out, target=4).run()
    rounds_before = [e["round"] for e in lines(out / "ledger.jsonl")]
    (out / "checkpoint.sqlite").unlink()
    summary = make_run(seed_file, out, target=8).run()
    rounds = [e["round"] for e in lines(out / "ledger.jsonl")]
    assert rounds[: len(rounds_before)] == rounds_before
    assert rounds == sorted(set(rounds)), "a round number came round again"
    assert summary.accepted == 8 and summary.consistent
    assert_exactly_once(out, 8)


def test_orphans_left_after_target_become_target_reached(seed_file, tmp_path):
    out = tmp_path / "run"
    make_run(seed_file, out, target=3).run()
    store = RunStore(out)
    store.mint(store.last_round + 1, [{"id": "late", "lang": "zh", "instruction": "解释一下潮汐的成因。"}], [])
    store.close()
    (out / "checkpoint.sqlite").unlink()
    summary = make_run(seed_file, out, target=3).run()
    assert summary.consistent
    late = [r for r in lines(out / "rejects.jsonl") if r["candidate_id"] == "late"]
    assert [r["reason"] for r in late] == ["target_reached"]


def test_second_writer_in_the_same_directory_is_refused(tmp_path):
    first = RunStore(tmp_path, lock=True)
    with pytest.raises(StoreError, match="another agentsft process"):
        RunStore(tmp_path, lock=True)
    first.close()
    RunStore(tmp_path, lock=True).close()  # free again once the holder lets go


def test_cli_refuses_a_directory_another_process_is_writing(seed_file, tmp_path):
    out = tmp_path / "busy"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom agentsft.store import RunStore\n"
         f"held = RunStore({str(out)!r}, lock=True); print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = sorted(p.name for p in out.iterdir())
        result = CliRunner().invoke(app, ["grow", "--seeds", str(seed_file), "--out", str(out), "--quiet",
                                          "--model", "embedded"])
        assert result.exit_code == 2, result.output
        assert "another agentsft process" in result.output and str(holder.pid) in result.output
        assert sorted(p.name for p in out.iterdir()) == before  # nothing written
    finally:
        holder.kill()
        holder.wait()


def test_fingerprint_counts_seed_content_not_its_path(seed_file, tmp_path, monkeypatch):
    out = tmp_path / "run"
    monkeypatch.chdir(seed_file.parent)
    make_run(Path(seed_file.name), out, target=2).run()
    make_run(Path(".") / seed_file.name, out, target=2).run()  # ./seeds.jsonl is the same file
    copy = tmp_path / "copy" / seed_file.name
    copy.parent.mkdir()
    shutil.copy(seed_file, copy)
    make_run(copy, out, target=2).run()  # same content elsewhere: same data
    seed_file.write_text(seed_file.read_text(encoding="utf-8").replace("光合作用", "潮汐"), encoding="utf-8")
    with pytest.raises(StoreError, match="different config"):
        make_run(seed_file, out, target=2)


def test_fingerprint_counts_prompt_text_and_model(seed_file, tmp_path, monkeypatch):
    out = tmp_path / "run"
    make_run(seed_file, out, target=2).run()
    other_model = LLMService(ScriptedChat(), "another-model", RequestCache(":memory:"))
    cfg = RunConfig(seeds=[seed_file], out=out, target=2, batch_size=2, novelty={"embedder": "off"})
    with pytest.raises(StoreError, match="different config"):
        GrowRun(cfg, other_model, "another")
    monkeypatch.setattr("agentsft.graph.run.prompt_digest", lambda lang, version, names: "edited-prompts")
    with pytest.raises(StoreError, match="different config"):
        make_run(seed_file, out, target=2)


def test_concurrency_and_target_do_not_change_the_fingerprint(seed_file, tmp_path):
    out = tmp_path / "run"
    make_run(seed_file, out, target=2).run()
    assert make_run(seed_file, out, target=3, concurrency=3).run().accepted == 3


def test_prompt_digest_counts_only_the_templates_named(tmp_path, monkeypatch):
    from agentsft import prompts

    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "propose.v1.txt").write_text("A $demos", encoding="utf-8")
    monkeypatch.setattr(prompts, "HERE", tmp_path)
    before = prompts.prompt_digest("zh", "v1", ("propose",))
    (tmp_path / "zh" / "unused.v1.txt").write_text("B", encoding="utf-8")
    assert prompts.prompt_digest("zh", "v1", ("propose",)) == before
    (tmp_path / "zh" / "propose.v1.txt").write_text("A edited $demos", encoding="utf-8")
    assert prompts.prompt_digest("zh", "v1", ("propose",)) != before


def test_lowered_target_with_a_pending_checkpoint_settles_without_new_calls(seed_file, tmp_path):
    out = tmp_path / "run"
    make_run(seed_file, out, target=3).run()
    with pytest.raises(Crash):
        make_run(seed_file, out, target=8, chat=CrashingChat(crash_at=6)).run()  # dies mid-round, pending
    chat = ScriptedChat()
    summary = make_run(seed_file, out, target=3, chat=chat).run()
    assert chat.calls == 0 and summary.stop == "target reached"
    assert summary.consistent and summary.accepted >= 3
    more = make_run(seed_file, out, target=summary.accepted + 2).run()  # the pending node replays nothing settled
    assert more.consistent and more.accepted == summary.accepted + 2
    ids = [s["provenance"]["candidate_id"] for s in lines(out / "samples.jsonl")]
    ids += [r["candidate_id"] for r in lines(out / "rejects.jsonl")]
    assert len(ids) == len(set(ids))
