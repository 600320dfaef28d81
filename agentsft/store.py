"""The run directory: append-only samples and rejects, the manifest, resume and torn-line repair.

Layout of ``runs/NAME/``::

    samples.jsonl     accepted samples, one JSON object a line, fsynced per commit
    rejects.jsonl     every dropped candidate with stage and reason code
    ledger.jsonl      every candidate minted, one line a proposal round, written (fsynced) before any of
                      them is screened: the one source of truth for candidate counts and round numbers
    rounds.jsonl      per-round candidates, accepted, duplicates and accept rate (pool saturation)
    manifest.json     config, fingerprint, versions, seed hashes, model, counts
    .lock             held (flock) by the one process writing the run
    checkpoint.sqlite LangGraph checkpoints (where the loop stands)
    cache.sqlite      LLM request cache (a resume never pays twice)
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

from agentsft.schema import Reject, Sample, conversation_id, normalise


class StoreError(Exception):
    """The run directory cannot be used as asked (e.g. a different config without --force)."""


def repair_torn_tail(path: Path) -> int:
    """Cut a last line that a crash left unfinished. Returns the number of bytes removed."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    data = path.read_bytes()
    keep = len(data)
    if not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
    else:
        last = data[: -1].rfind(b"\n") + 1
        try:
            json.loads(data[last:])
        except ValueError:
            keep = last
    if keep < len(data):
        with open(path, "r+b") as fh:
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
    return len(data) - keep


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, default=str)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def acquire_lock(root: Path):
    """An exclusive, non-blocking flock on ``root/.lock`` (released when the process ends), or StoreError."""
    path = Path(root) / ".lock"
    fh = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.seek(0)
        holder = fh.read().strip() or "unknown"
        fh.close()
        raise StoreError(f"{root}: another agentsft process (pid {holder}) is writing this run directory; "
                         "wait for it to finish or choose another --out") from None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    return fh


class RunStore:
    """Append-only, idempotent store of one run. Safe to call from several threads.

    With ``lock=True`` (a writer: the grow run) the directory is locked against a second process before
    anything is read or repaired.
    """

    def __init__(self, root: Path, lock: bool = False):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock_file = acquire_lock(self.root) if lock else None
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        """Read (and, after a crash, repair) the run directory's files."""
        self.samples_path = self.root / "samples.jsonl"
        self.rejects_path = self.root / "rejects.jsonl"
        self.manifest_path = self.root / "manifest.json"
        self.checkpoint_path = self.root / "checkpoint.sqlite"
        self.rounds_path = self.root / "rounds.jsonl"
        self.ledger_path = self.root / "ledger.jsonl"
        self.cache_path = self.root / "cache.sqlite"
        self._lock = threading.Lock()
        paths = (self.samples_path, self.rejects_path, self.rounds_path, self.ledger_path)
        self.repaired = sum(repair_torn_tail(p) for p in paths)
        self.samples: list[Sample] = [Sample.model_validate(d) for d in iter_jsonl(self.samples_path)]
        # a sample written before the conversation record keeps its old id: its conversation id counts too
        self._sample_ids = {s.id for s in self.samples} | {conversation_id(s.messages, s.tools) for s in self.samples}
        self._instr_keys = {normalise(s.instruction) for s in self.samples}
        self._reject_ids: set[str] = set()
        self.reasons: Counter[str] = Counter()
        for rec in iter_jsonl(self.rejects_path):
            self._reject_ids.add(rec["candidate_id"])
            self.reasons[rec["reason"]] += 1
        self._candidate_ids = {s.provenance.candidate_id for s in self.samples} | self._reject_ids
        self._rounds: list[dict[str, Any]] = list(iter_jsonl(self.rounds_path))
        self._minted: dict[str, dict[str, Any]] = {}  # candidate id -> candidate dump, in minting order
        self._minted_round: dict[str, int] = {}
        self.last_round = max((r.get("round", 0) for r in self._rounds), default=0)
        for entry in iter_jsonl(self.ledger_path):
            self._load_ledger_entry(entry)

    def close(self) -> None:
        """Release the directory lock (also released when the process ends)."""
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    @staticmethod
    def cache_file(root: Path) -> Path:
        Path(root).mkdir(parents=True, exist_ok=True)
        return Path(root) / "cache.sqlite"

    # -- counts ---------------------------------------------------------------
    @property
    def accepted(self) -> int:
        return len(self.samples)

    @property
    def rejected(self) -> int:
        return len(self._reject_ids)

    @property
    def candidates(self) -> int:
        """Every candidate the run has made: minted in the ledger, or settled (a sample or a reject)."""
        return len(self._candidate_ids | self._minted.keys())

    def orphans(self) -> list[dict[str, Any]]:
        """Minted candidates not yet settled (in flight when a run stopped), in minting order."""
        return [c for cid, c in self._minted.items() if cid not in self._candidate_ids]

    def round_of(self, candidate_id: str) -> int:
        return self._minted_round.get(candidate_id, 0)

    def duplicates(self) -> int:
        return self.reasons["duplicate_exact"] + self.reasons["duplicate_near"]

    def accepted_by_branch(self) -> Counter:
        """Accepted samples per recipe branch ("main" for the top-level stages)."""
        return Counter(s.provenance.branch or "main" for s in self.samples)

    def rounds(self) -> list[dict[str, Any]]:
        """The rounds logged so far (read from ``rounds.jsonl`` once, kept in memory)."""
        return list(self._rounds)

    def log_round(self, stats: dict[str, Any]) -> None:
        """Per-round acceptance (one line a round; a re-run of the same round after a crash is skipped)."""
        with self._lock:
            if any(r.get("round") == stats["round"] for r in self._rounds):
                return
            made = stats.get("candidates", 0)
            stats = {**stats, "accept_rate": round(stats.get("accepted", 0) / made, 4) if made else 0.0}
            self._append(self.rounds_path, stats)
            self._rounds.append(stats)

    def seen_candidate(self, candidate_id: str) -> bool:
        return candidate_id in self._candidate_ids

    def has_instruction(self, instruction: str) -> bool:
        return normalise(instruction) in self._instr_keys

    # -- writes ---------------------------------------------------------------
    def mint(self, round_no: int, candidates: list[dict[str, Any]], rejects: list[Reject]) -> None:
        """Record a proposal round's candidates and call-level rejects (one fsynced ledger line), then the
        rejects. Called before any candidate of the round is screened, so none can be lost or counted twice."""
        entry = {"round": round_no, "minted": candidates, "rejects": [r.model_dump(mode="json") for r in rejects]}
        with self._lock:
            self._append(self.ledger_path, entry)
        self._load_ledger_entry(entry)

    def _load_ledger_entry(self, entry: dict[str, Any]) -> None:
        """Take a ledger line into memory; a call-level reject it lists that never reached rejects.jsonl
        (a crash in between) is written now."""
        round_no = int(entry.get("round", 0))
        self.last_round = max(self.last_round, round_no)
        for cand in entry.get("minted", []):
            self._minted[cand["id"]] = cand
            self._minted_round[cand["id"]] = round_no
        for rec in entry.get("rejects", []):
            self.reject(Reject.model_validate(rec))
    def commit(self, sample: Sample) -> bool:
        """Append a sample unless its id or candidate is already stored. Returns True if written."""
        with self._lock:
            cid = sample.provenance.candidate_id
            if sample.id in self._sample_ids or (cid and cid in self._candidate_ids):
                return False
            self._append(self.samples_path, sample.model_dump(mode="json", exclude_none=True))
            self.samples.append(sample)
            self._sample_ids.add(sample.id)
            self._instr_keys.add(normalise(sample.instruction))
            self._candidate_ids.add(cid)
            return True

    def reject(self, rej: Reject) -> bool:
        """Append a reject unless that candidate is already stored. Returns True if written."""
        with self._lock:
            if rej.candidate_id in self._candidate_ids:
                return False
            self._append(self.rejects_path, rej.model_dump(mode="json"))
            self._reject_ids.add(rej.candidate_id)
            self._candidate_ids.add(rej.candidate_id)
            self.reasons[rej.reason.value] += 1
            return True

    @staticmethod
    def _append(path: Path, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    # -- manifest ---------------------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        if not self.manifest_path.exists():
            return None
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def write_manifest(self, data: dict[str, Any]) -> None:
        write_json_atomic(self.manifest_path, data)

    def check_fingerprint(self, fingerprint: str, force: bool) -> None:
        """Refuse to continue a run made with different data-shaping settings unless forced."""
        old = self.read_manifest()
        if old and old.get("fingerprint") != fingerprint and not force:
            raise StoreError(
                f"{self.manifest_path}: this run was made with a different config "
                f"(fingerprint {old.get('fingerprint')} != {fingerprint}); use another --out or pass --force"
            )
