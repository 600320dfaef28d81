"""Benchmark of the reasoning-chain verifier (agentsft.verify.cot) on real human-written GSM8K solutions.

    .venv/bin/python -m evals.bench_cot                 # figures for the tuning part and the held-out part
    .venv/bin/python -m evals.bench_cot --show 10       # ... and up to 10 misses per measure

Data: ``evals/data/gsm8k/train_sample.jsonl`` (GSM8K **train** rows, answer field only; provenance in
``evals/data/gsm8k/SOURCES.md``). Rows 1-82 are the tuning part (the verifier was developed against them);
rows 83-138 are held-out part A (first run after the rules were written; one rule was added after that run, see
evals/COT.md), rows 139-196 held-out part B and rows 197-250 held-out part C (each added and run once, after the
tuning; no rule changed because of them).

Measures, per part:

1. keep rate of the real chains (target >= 97 %);
2. one altered step: in a copy of each chain, ONE annotation ``<<a op b=c>>`` gets a wrong result c' and the
   visible number written right after it gets the same c' (a consistent, realistic slip: c±1, c±2, c±10, 2c, c/2,
   a digit swap), nothing else changes; reject rate (target >= 97 %), and which reason rejected it;
3. altered final answer: only the ``#### N`` line changes, to a nearby number stated nowhere in the chain;
   reject rate and reason (expected COT_FINAL_MISMATCH);
4. wrong quantity: ``#### N`` replaced by an intermediate result of the chain (the answer to another question);
   reject rate (reported, no target: when that intermediate is restated after the last step it is accepted).

Throughput: chains per second of ``check_chain`` over the real chains, caches cleared first (one core).
Mutations are deterministic (random.Random seeded with the row number).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from agentsft.verify import cot_steps, numbers
from agentsft.verify.cot import check_chain

DATA = Path(__file__).parent / "data" / "gsm8k" / "train_sample.jsonl"
TUNE_LAST_ROW = 82
HELD_OUT_B_FIRST_ROW = 139
HELD_OUT_C_FIRST_ROW = 197
_ANN = re.compile(r"<<(?P<lhs>[^<>=\n]*)=(?P<rhs>[^<>=\n]*)>>(?P<vis>[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)?")
_FINAL = re.compile(r"^####\s*(?P<n>.+)$", re.M)


@dataclass
class Measure:
    """Counts of one measure: ``n`` chains, ``hit`` the expected outcome (kept, or rejected)."""

    name: str
    n: int = 0
    hit: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def add(self, hit: bool, reason: str, miss: str) -> None:
        self.n += 1
        self.hit += hit
        self.reasons[reason] += 1
        if not hit:
            self.misses.append(miss)

    @property
    def rate(self) -> float:
        return self.hit / self.n if self.n else 0.0

    def line(self) -> str:
        reasons = ", ".join(f"{k} {v}" for k, v in self.reasons.most_common())
        return f"  {self.name:<34} {self.hit:>4}/{self.n:<4} = {100 * self.rate:6.2f} %   ({reasons})"


def load(path: Path = DATA) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _number_text(value: Fraction, like: str) -> str:
    """``value`` written like ``like`` (same count of decimals; integers plain)."""
    decimals = len(like.split(".")[1]) if "." in like else 0
    if value.denominator != 1 and decimals == 0:
        decimals = 2
    text = f"{float(value):.{decimals}f}" if decimals else str(int(value))
    return text.lstrip("0") if like.startswith(".") and text.startswith("0.") else text


def _wrong_values(c: Fraction, like: str, rng: random.Random) -> Fraction:
    """A realistic wrong result for ``c``."""
    digits = like.replace(",", "")
    options = [c + 1, c - 1, c + 2, c - 2, c + 10, c - 10, 2 * c, c / 2]
    if len(digits.replace(".", "")) >= 2:  # a digit swap: 1080 -> 1008 / 1800
        for i in range(len(digits) - 1):
            if digits[i] != digits[i + 1] and "." not in digits[i:i + 2]:
                swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
                options.append(Fraction(swapped))
    options = [o for o in options if o != c and o >= 0 and Fraction(_number_text(o, like)) != c]
    return rng.choice(options)


def alter_step(answer: str, row: int) -> str | None:
    """A copy with ONE annotation's result (and the visible number right after it) changed; None if none."""
    spots = [m for m in _ANN.finditer(answer)
             if m.group("vis") and Fraction(m.group("vis").replace(",", "")) == _rhs_value(m.group("rhs"))
             and re.search(r"[-+*/]", m.group("lhs")[1:])]
    if not spots:
        return None
    rng = random.Random(row)
    m = rng.choice(spots)
    c = Fraction(m.group("vis").replace(",", ""))
    wrong = _wrong_values(c, m.group("vis").replace(",", ""), rng)
    text = _number_text(wrong, m.group("vis").replace(",", ""))
    new = f"<<{m.group('lhs')}={text}>>{text}"
    return answer[:m.start()] + new + answer[m.end():]


def _rhs_value(rhs: str) -> Fraction | None:
    try:
        return Fraction(rhs.strip())
    except (ValueError, ZeroDivisionError):
        return None


def _stated(answer: str) -> set[Fraction]:
    return {n.value for n in numbers.extract_numbers(answer)}


def alter_final(answer: str, row: int) -> str | None:
    """A copy whose ``#### N`` states a nearby number found nowhere in the chain; None without a final line."""
    m = _FINAL.search(answer)
    if not m:
        return None
    n = Fraction(m.group("n").replace(",", "").strip())
    stated = _stated(answer[:m.start()])
    rng = random.Random(10_000 + row)
    options = [n + d for d in (1, 2, 3, 5, 10, -1, -2, -3, -5, -10)] + [2 * n, n * 10]
    options = [o for o in options if o != n and o >= 0 and o not in stated]
    new = rng.choice(options)
    return answer[:m.start("n")] + _number_text(new, m.group("n")) + answer[m.end("n"):]


def wrong_quantity(answer: str, row: int) -> str | None:
    """A copy whose ``#### N`` states an intermediate result of the chain (not N); None when there is none."""
    m = _FINAL.search(answer)
    if not m:
        return None
    n = Fraction(m.group("n").replace(",", "").strip())
    results = [v for v in (_rhs_value(a.group("rhs")) for a in _ANN.finditer(answer)) if v is not None and v != n]
    if not results:
        return None
    new = random.Random(20_000 + row).choice(results)
    return answer[:m.start("n")] + _number_text(new, str(new) if new.denominator == 1 else "0.00") + answer[m.end("n"):]


def _clear_caches() -> None:
    numbers._extract.cache_clear()
    cot_steps._value.cache_clear()


def run_part(rows: list[dict]) -> tuple[list[Measure], float]:
    """The four measures on ``rows`` and the throughput (chains/s) of the real chains, caches cleared."""
    keep = Measure("1. real chains kept")
    step = Measure("2. one altered step rejected")
    final = Measure("3. altered #### N rejected")
    quantity = Measure("4. #### = an intermediate, rejected")
    _clear_caches()
    t0 = time.perf_counter()
    checks = [check_chain(r["answer"]) for r in rows]
    speed = len(rows) / (time.perf_counter() - t0)
    for r, c in zip(rows, checks):
        keep.add(c.ok, c.reason.value if c.reason else "kept", f"row {r['row']}: {c.detail}")
    for measure, alter in ((step, alter_step), (final, alter_final), (quantity, wrong_quantity)):
        for r in rows:
            text = alter(r["answer"], r["row"])
            if text is None:
                continue
            c = check_chain(text)
            changed = _changed_line(r["answer"], text)
            measure.add(not c.ok, c.reason.value if c.reason else "kept", f"row {r['row']}: {changed}")
    return [keep, step, final, quantity], speed


def _changed_line(old: str, new: str) -> str:
    for a, b in zip(old.splitlines(), new.splitlines()):
        if a != b:
            return f"{a!r} -> {b!r}"
    return "(no change)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", type=int, default=5, help="misses to print per measure")
    args = parser.parse_args(argv)
    rows = load(args.data)
    last = rows[-1]["row"]
    parts = {f"tuning part (rows 1-{TUNE_LAST_ROW})": [r for r in rows if r["row"] <= TUNE_LAST_ROW],
             f"held-out A (rows {TUNE_LAST_ROW + 1}-{HELD_OUT_B_FIRST_ROW - 1})":
                 [r for r in rows if TUNE_LAST_ROW < r["row"] < HELD_OUT_B_FIRST_ROW],
             f"held-out B (rows {HELD_OUT_B_FIRST_ROW}-{HELD_OUT_C_FIRST_ROW - 1})":
                 [r for r in rows if HELD_OUT_B_FIRST_ROW <= r["row"] < HELD_OUT_C_FIRST_ROW],
             f"held-out C (rows {HELD_OUT_C_FIRST_ROW}-{last})": [r for r in rows if r["row"] >= HELD_OUT_C_FIRST_ROW],
             f"held-out A+B+C (rows {TUNE_LAST_ROW + 1}-{last})": [r for r in rows if r["row"] > TUNE_LAST_ROW],
             f"all (rows 1-{last})": rows}
    for name, part in parts.items():
        measures, speed = run_part(part)
        print(f"{name}: {len(part)} chains, {speed:,.0f} chains/s (cold caches)")
        for m in measures:
            print(m.line())
            for miss in m.misses[:args.show]:
                print(f"      miss {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
