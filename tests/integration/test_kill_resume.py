"""SIGKILL a real grow run mid-way, resume it, and check nothing is lost or duplicated."""

import signal
import subprocess
import time

import pytest
from grow_helpers import ROOT, check_run, clean_env, grow_cmd, read_jsonl, run_grow

pytestmark = pytest.mark.integration
TARGET = 8


def _wait_for_samples(path, proc, n: int, timeout: float = 600) -> None:
    start = time.time()
    while time.time() - start < timeout:
        if proc.poll() is not None:
            raise AssertionError(f"grow ended before it could be killed: {proc.stderr.read()[-2000:]}")
        if path.exists() and path.read_bytes().count(b"\n") >= n:
            return
        time.sleep(0.05)
    raise AssertionError("no samples appeared in time")


@pytest.mark.parametrize("lose_checkpoint", [False, True])
def test_sigkill_then_resume(tmp_path, lose_checkpoint):
    out = tmp_path / "killed"
    recipe = tmp_path / "small.yaml"
    recipe.write_text("batch_size: 1\n", encoding="utf-8")  # one proposal call a round: several rounds to go
    args = ("--seeds", "seeds/en.jsonl", "--target", str(TARGET), "--out", str(out), "--seed", "3",
            "--recipe", str(recipe))
    proc = subprocess.Popen(grow_cmd(*args), cwd=ROOT, env=clean_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_samples(out / "samples.jsonl", proc, 1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    before = read_jsonl(out / "samples.jsonl")
    assert 1 <= len(before) < TARGET
    if lose_checkpoint:
        (out / "checkpoint.sqlite").unlink()
    resumed = run_grow(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    check_run(out, TARGET)
    after = read_jsonl(out / "samples.jsonl")
    assert after[: len(before)] == before  # append-only: what was there stays as it was
