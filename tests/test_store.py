"""Tests for agentsft.store: RunStore idempotence, persistence, torn-tail repair and fingerprint checks."""

import json

import pytest

from agentsft.schema import Provenance, Reason, Reject, Sample, Stage, TaskType
from agentsft.store import RunStore, StoreError, repair_torn_tail


def _sample(instruction, cid, output="out"):
    return Sample(
        id=Sample.make_id(instruction, "", output),
        lang="en",
        task_type=TaskType.QA,
        instruction=instruction,
        output=output,
        provenance=Provenance(candidate_id=cid),
    )


def _reject(cid, reason=Reason.TOO_SHORT):
    return Reject(candidate_id=cid, stage=Stage.FILTER, reason=reason, detail="d", candidate={"id": cid})


def _lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def test_new_store_is_empty(tmp_path):
    store = RunStore(tmp_path / "run")
    assert (tmp_path / "run").is_dir()
    assert store.accepted == 0 and store.rejected == 0
    assert store.repaired == 0
    assert store.read_manifest() is None
    assert store.cache_path == tmp_path / "run" / "cache.sqlite"


def test_commit_writes_and_tracks(tmp_path):
    store = RunStore(tmp_path)
    s = _sample("Write a poem", "c1")
    assert store.commit(s) is True
    assert store.accepted == 1
    assert store.seen_candidate("c1")
    assert store.has_instruction("  write a POEM. ")
    assert not store.has_instruction("Write a song")
    assert [json.loads(x)["id"] for x in _lines(store.samples_path)] == [s.id]


def test_commit_is_idempotent_by_sample_id(tmp_path):
    store = RunStore(tmp_path)
    assert store.commit(_sample("Write a poem", "c1")) is True
    assert store.commit(_sample("Write a poem", "c2")) is False  # same content, same id
    assert store.accepted == 1
    assert len(_lines(store.samples_path)) == 1
    assert not store.seen_candidate("c2")


def test_commit_is_idempotent_by_candidate_id(tmp_path):
    store = RunStore(tmp_path)
    assert store.commit(_sample("Write a poem", "c1")) is True
    assert store.commit(_sample("Write a different poem", "c1")) is False
    assert store.accepted == 1
    assert len(_lines(store.samples_path)) == 1


def test_commit_refused_for_rejected_candidate(tmp_path):
    store = RunStore(tmp_path)
    assert store.reject(_reject("c1")) is True
    assert store.commit(_sample("Write a poem", "c1")) is False
    assert store.accepted == 0


def test_reject_dedup_by_candidate_id(tmp_path):
    store = RunStore(tmp_path)
    assert store.reject(_reject("c1", Reason.TOO_SHORT)) is True
    assert store.reject(_reject("c1", Reason.BLACKLISTED)) is False
    assert store.rejected == 1
    assert store.reasons == {"too_short": 1}
    assert len(_lines(store.rejects_path)) == 1


def test_reject_refused_for_committed_candidate(tmp_path):
    store = RunStore(tmp_path)
    store.commit(_sample("Write a poem", "c1"))
    assert store.reject(_reject("c1")) is False
    assert store.rejected == 0
    assert not store.rejects_path.exists()


def test_counts_and_reasons_survive_reopening(tmp_path):
    store = RunStore(tmp_path)
    store.commit(_sample("Write a poem", "c1"))
    store.commit(_sample("Explain tides", "c2"))
    store.reject(_reject("c3", Reason.TOO_SHORT))
    store.reject(_reject("c4", Reason.TOO_SHORT))
    store.reject(_reject("c5", Reason.DUPLICATE_EXACT))

    again = RunStore(tmp_path)
    assert again.accepted == 2 and again.rejected == 3
    assert again.reasons == {"too_short": 2, "duplicate_exact": 1}
    assert [s.instruction for s in again.samples] == ["Write a poem", "Explain tides"]
    assert again.samples[0] == store.samples[0]
    for cid in ("c1", "c2", "c3", "c4", "c5"):
        assert again.seen_candidate(cid)
    assert again.has_instruction("write a poem")
    # idempotence holds across a reopen too
    assert again.commit(_sample("Write a poem", "c9")) is False
    assert again.commit(_sample("Something new", "c1")) is False
    assert again.reject(_reject("c3")) is False
    assert again.reject(_reject("c2")) is False
    assert again.accepted == 2 and again.rejected == 3


def test_non_ascii_is_written_unescaped(tmp_path):
    store = RunStore(tmp_path)
    store.commit(_sample("写一首诗", "c1", output="春眠不觉晓"))
    text = store.samples_path.read_text(encoding="utf-8")
    assert "写一首诗" in text and "\\u" not in text


# -- torn tail --------------------------------------------------------------------------


def _good_lines(n):
    return [json.dumps({"candidate_id": f"c{i}", "stage": "filter", "reason": "too_short"}) + "\n" for i in range(n)]


def test_repair_missing_or_empty_file(tmp_path):
    assert repair_torn_tail(tmp_path / "nope.jsonl") == 0
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert repair_torn_tail(empty) == 0


def test_repair_keeps_intact_file(tmp_path):
    path = tmp_path / "x.jsonl"
    data = "".join(_good_lines(3)).encode()
    path.write_bytes(data)
    assert repair_torn_tail(path) == 0
    assert path.read_bytes() == data


def test_repair_cuts_last_line_without_newline(tmp_path):
    path = tmp_path / "x.jsonl"
    good = "".join(_good_lines(2)).encode()
    torn = b'{"candidate_id": "c9", "sta'
    path.write_bytes(good + torn)
    assert repair_torn_tail(path) == len(torn)
    assert path.read_bytes() == good


def test_repair_cuts_complete_json_without_newline(tmp_path):
    # the newline is part of a commit: a line without it is unfinished even if it parses
    path = tmp_path / "x.jsonl"
    good = "".join(_good_lines(1)).encode()
    path.write_bytes(good + b'{"a": 1}')
    assert repair_torn_tail(path) == len(b'{"a": 1}')
    assert path.read_bytes() == good


def test_repair_cuts_invalid_json_last_line_with_newline(tmp_path):
    path = tmp_path / "x.jsonl"
    good = "".join(_good_lines(2)).encode()
    torn = b'{"candidate_id": "c9", \n'
    path.write_bytes(good + torn)
    assert repair_torn_tail(path) == len(torn)
    assert path.read_bytes() == good


def test_repair_single_torn_line_empties_file(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"half": ')
    assert repair_torn_tail(path) == 9
    assert path.read_bytes() == b""


def test_repair_handles_multibyte_utf8_cut(tmp_path):
    path = tmp_path / "x.jsonl"
    good = (json.dumps({"t": "好"}, ensure_ascii=False) + "\n").encode()
    torn = json.dumps({"t": "春眠不觉晓"}, ensure_ascii=False).encode()[:-4]  # cut inside a character
    path.write_bytes(good + torn)
    assert repair_torn_tail(path) == len(torn)
    assert path.read_bytes() == good


@pytest.mark.parametrize("torn", [b'{"candidate_id": "cX", "stage": "fil', b'{"candidate_id": "cX", "stage\n'])
def test_store_repairs_torn_files_on_open(tmp_path, torn):
    store = RunStore(tmp_path)
    store.commit(_sample("Write a poem", "c1"))
    store.commit(_sample("Explain tides", "c2"))
    store.reject(_reject("c3"))
    store.reject(_reject("c4", Reason.BLACKLISTED))
    with open(store.samples_path, "ab") as fh:
        fh.write(b'{"id": "torn", "lang": "en", "instr')
    with open(store.rejects_path, "ab") as fh:
        fh.write(torn)

    again = RunStore(tmp_path)
    assert again.repaired > 0
    assert again.accepted == 2
    assert again.rejected == 2
    assert again.reasons == {"too_short": 1, "blacklisted": 1}
    assert not again.seen_candidate("cX")
    for path in (again.samples_path, again.rejects_path):
        raw = path.read_bytes()
        assert raw.endswith(b"\n")
        for line in raw.decode("utf-8").splitlines():
            json.loads(line)  # every line is valid JSON

    # writing after the repair keeps the files well-formed
    assert again.commit(_sample("Name a colour", "c5")) is True
    assert again.reject(_reject("cX")) is True
    third = RunStore(tmp_path)
    assert third.repaired == 0
    assert third.accepted == 3 and third.rejected == 3
    assert all(json.loads(x) for x in _lines(third.samples_path) + _lines(third.rejects_path))


# -- manifest and fingerprint ------------------------------------------------------------------


def test_manifest_round_trip(tmp_path):
    store = RunStore(tmp_path)
    store.write_manifest({"fingerprint": "abc", "path": tmp_path, "名": "值"})
    assert store.read_manifest() == {"fingerprint": "abc", "path": str(tmp_path), "名": "值"}
    assert not (tmp_path / "manifest.json.tmp").exists()


def test_check_fingerprint_without_manifest_passes(tmp_path):
    RunStore(tmp_path).check_fingerprint("anything", force=False)


def test_check_fingerprint_match_passes(tmp_path):
    store = RunStore(tmp_path)
    store.write_manifest({"fingerprint": "abc"})
    store.check_fingerprint("abc", force=False)


def test_check_fingerprint_mismatch_raises(tmp_path):
    store = RunStore(tmp_path)
    store.write_manifest({"fingerprint": "abc"})
    with pytest.raises(StoreError) as exc:
        store.check_fingerprint("def", force=False)
    msg = str(exc.value)
    assert "abc" in msg and "def" in msg and "manifest.json" in msg and "--force" in msg


def test_check_fingerprint_mismatch_allowed_with_force(tmp_path):
    store = RunStore(tmp_path)
    store.write_manifest({"fingerprint": "abc"})
    store.check_fingerprint("def", force=True)


def test_log_round_once_per_round_and_reopened_store_sees_it(tmp_path):
    store = RunStore(tmp_path)
    store.log_round({"round": 1, "candidates": 4, "accepted": 1})
    store.log_round({"round": 1, "candidates": 9, "accepted": 9})  # a re-run of round 1 after a crash
    store.log_round({"round": 2, "candidates": 0, "accepted": 0})
    assert [(r["round"], r["accept_rate"]) for r in store.rounds()] == [(1, 0.25), (2, 0.0)]
    assert len((tmp_path / "rounds.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert RunStore(tmp_path).rounds() == store.rounds()
