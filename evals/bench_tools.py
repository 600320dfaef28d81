"""Calculator and tool-registry latency, measured side by side in one process. Not a test.

    python -m evals.bench_tools [--passes 5]

(a) calculate() latency percentiles over a deterministic corpus of typical expressions (random.Random(0):
    integer / decimal arithmetic, percents, powers, sqrt, round, a few functions), first pass (cold caches)
    and later passes (warm);
(b) the same over the hostile table of tests/tools/test_calculator_hostile.py (every entry must be refused);
(c) ToolRegistry.call("calculator", json) against a direct calculate() on the same corpus, interleaved;
(d) ToolRegistry.call of a trivial Python tool (threaded path) against calling the function.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import time
from pathlib import Path
from typing import Callable, Iterable

from agentsft.tools.calculator import calculate
from agentsft.tools.registry import ToolRegistry, default_registry

HOSTILE_TESTS = Path(__file__).resolve().parent.parent / "tests" / "tools" / "test_calculator_hostile.py"


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return str(rng.randint(1, 999))
    if kind < 0.8:
        return f"{rng.uniform(0, 500):.{rng.randint(1, 3)}f}"
    return str(rng.randint(1000, 10**7))


def typical_corpus(n: int = 400, seed: int = 0) -> list[str]:
    """Expressions of the kind a word problem produces, generated deterministically."""
    rng = random.Random(seed)
    makers: list[Callable[[], str]] = [
        lambda: f"{_number(rng)} {rng.choice('+-*/')} {_number(rng)}",
        lambda: f"({_number(rng)} + {_number(rng)}) * {_number(rng)} - {_number(rng)} / {rng.randint(2, 9)}",
        lambda: f"{_number(rng)} * {rng.randint(1, 99)}%",
        lambda: f"{rng.randint(1, 99)}% * {_number(rng)}",
        lambda: f"{_number(rng)} * (1 + {rng.randint(1, 20)}%)^{rng.randint(1, 30)}",
        lambda: f"{rng.randint(2, 12)}**{rng.randint(2, 40)}",
        lambda: f"sqrt({rng.randint(2, 10**6)})",
        lambda: f"round({_number(rng)} / {rng.randint(3, 97)}, {rng.randint(0, 4)})",
        lambda: f"{_number(rng)} // {rng.randint(2, 30)} + {_number(rng)} % {rng.randint(2, 30)}",
        lambda: rng.choice(["pi * {r}**2", "2 * pi * {r}", "log({r}, 10)", "gcd({r}, 360)", "factorial({s})",
                            "sin(pi/{s})", "exp({s}/10)", "max({r}, {r2}) - min({r}, {r2})"]).format(
            r=rng.randint(1, 500), r2=rng.randint(1, 500), s=rng.randint(1, 20)),
    ]
    return [rng.choice(makers)() for _ in range(n)]


def hostile_corpus() -> list[object]:
    spec = importlib.util.spec_from_file_location("_hostile_table", HOSTILE_TESTS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.HOSTILE)


def timed(fn: Callable[[object], object], items: Iterable[object]) -> list[float]:
    """Milliseconds per call."""
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentiles(ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"p50 {q[49]:7.3f}  p90 {q[89]:7.3f}  p99 {q[98]:7.3f}  max {max(ms):7.3f}  (n={len(ms)})"


def _add(a: int, b: int) -> int:
    """Add two integers (the cheapest possible tool, to expose the registry's own cost)."""
    return a + b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passes", type=int, default=5, help="warm passes over each corpus")
    args = parser.parse_args()
    typical, hostile = typical_corpus(), hostile_corpus()

    cold = timed(calculate, typical)
    failed = [e for e in typical if not calculate(e).ok]
    warm = [ms for _ in range(args.passes) for ms in timed(calculate, typical)]
    print(f"calculate, typical ({len(typical)} expressions, {len(failed)} refused)")
    print(f"  cold (1st pass)   {percentiles(cold)}")
    print(f"  warm ({args.passes} passes)  {percentiles(warm)}")

    accepted = [e for e in hostile if calculate(e).ok]  # type: ignore[arg-type]
    hostile_ms = [ms for _ in range(args.passes) for ms in timed(calculate, hostile)]  # type: ignore[arg-type]
    print(f"calculate, hostile ({len(hostile)} inputs, {len(accepted)} accepted: must be 0)")
    print(f"  all passes        {percentiles(hostile_ms)}")

    registry = default_registry()
    payloads = [json.dumps({"expression": e}) for e in typical]
    direct, via = [], []
    for _ in range(args.passes):  # interleaved so that both see the same cache state
        for expression, payload in zip(typical, payloads):
            direct += timed(calculate, [expression])
            via += timed(lambda p: registry.call("calculator", p), [payload])  # type: ignore[arg-type]
    print("registry.call vs direct calculate (same expressions, interleaved, warm)")
    print(f"  direct            {percentiles(direct)}")
    print(f"  registry.call     {percentiles(via)}")
    print(f"  ratio of means    {statistics.fmean(via) / statistics.fmean(direct):.3f}   "
          f"overhead per call {(statistics.fmean(via) - statistics.fmean(direct)) * 1000:.1f} µs")
    plain = ToolRegistry(timeout=5.0)
    plain.register(_add, name="add")
    direct_plain = [ms for _ in range(args.passes) for ms in timed(lambda i: _add(i, 1), range(len(typical)))]
    via_plain = [ms for _ in range(args.passes)
                 for ms in timed(lambda i: plain.call("add", {"a": i, "b": 1}), range(len(typical)))]
    print("registry.call of a plain Python tool (validation + a daemon thread with a timeout) vs calling it")
    print(f"  direct            {percentiles(direct_plain)}")
    print(f"  registry.call     {percentiles(via_plain)}")
    if failed:
        print("refused typical expressions:", *failed[:5], sep="\n  ")


if __name__ == "__main__":
    main()
