"""Trace verification benchmark, measured side by side in one process. Not a test.

    python -m evals.bench_verify [--n 2000]

Builds N realistic calculator traces deterministically (``random.Random(0)``; 1-3 calculator calls each; zh and
en final answers stating rounded decimals, 万 amounts, percents and thousands separators; recorded results come
from the real calculator; every 10th trace states a wrong number, every 25th records a tampered result), then
reports, with the number reader's cache cleared before each part:

(a) ``verify_trace`` throughput (traces/s) and per-trace latency percentiles, with the share of time spent in
    structure/schema checks, re-execution and number checking (from ``TraceCheck.timings``);
(b) ``verify_file`` end to end on the same traces written as one JSON lines file in a mix of the three formats
    (openai / sharegpt / xlam; reading, conversion, writing included).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from agentsft.io.toolformats import from_trace
from agentsft.tools.calculator import CALCULATOR_SCHEMA
from agentsft.tools.registry import default_registry
from agentsft.verify.numbers import _extract
from agentsft.verify.run import verify_file
from agentsft.verify.traces import verify_trace

Step = tuple[str, str]  # (expression, recorded result)


def _trace(question: str, steps: list[Step], final: str, lang: str) -> dict[str, Any]:
    system = "你是一个会使用计算器的助手。" if lang == "zh" else "You are a helpful assistant with a calculator."
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}, {"role": "user", "content": question}]
    for i, (expr, result) in enumerate(steps):
        call = {"id": f"call_{i}", "type": "function",
                "function": {"name": "calculator", "arguments": json.dumps({"expression": expr})}}
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        messages.append({"role": "tool", "tool_call_id": f"call_{i}", "content": result})
    messages.append({"role": "assistant", "content": final})
    return {"messages": messages, "tools": [CALCULATOR_SCHEMA]}


def _shopping(rng: random.Random, calc: Callable[[str], str]) -> dict[str, Any]:
    price, k = rng.choice([2.5, 3.75, 4.5, 12.99, 19.9]), rng.randint(2, 9)
    cash = rng.choice([50, 100, 200])
    cost, left = price * k, cash - price * k
    steps = [(f"{k}*{price}", calc(f"{k}*{price}")), (f"{cash}-{k}*{price}", calc(f"{cash}-{k}*{price}"))]
    question = f"Tom has ${cash} and buys {k} books at ${price} each. How much money is left?"
    return _trace(question, steps, f"The books cost ${cost:.2f}, so Tom has ${left:.2f} left.", "en")


def _savings(rng: random.Random, calc: Callable[[str], str]) -> dict[str, Any]:
    monthly, months = rng.choice([1200, 1500, 2500, 3800]), rng.randint(3, 24)
    total = monthly * months
    question = f"每月存{monthly}元，连续存{months}个月，一共能存多少钱？"
    final = f"一共能存{total:,}元，约{total / 10000:.1f}万元。"
    return _trace(question, [(f"{monthly}*{months}", calc(f"{monthly}*{months}"))], final, "zh")


def _share(rng: random.Random, calc: Callable[[str], str]) -> dict[str, Any]:
    n = rng.randint(20, 60)
    k = rng.randint(1, n - 1)
    question = f"班里有{n}名学生，其中{k}人参加了合唱团，参加合唱团的学生占全班的百分之几？"
    final = f"参加合唱团的学生约占全班的{100 * k / n:.1f}%。"
    return _trace(question, [(f"{k}/{n}", calc(f"{k}/{n}"))], final, "zh")


def _split(rng: random.Random, calc: Callable[[str], str]) -> dict[str, Any]:
    a, b = rng.randint(10, 500), rng.choice([3, 6, 7, 9, 11])
    question = f"Pour {a} litres of juice equally into {b} barrels. How much goes into each barrel?"
    return _trace(question, [(f"{a}/{b}", calc(f"{a}/{b}"))], f"Each barrel gets about {a / b:.2f} litres.", "en")


def _invoice(rng: random.Random, calc: Callable[[str], str]) -> dict[str, Any]:
    q1, p1, q2, p2 = rng.randint(100, 900), rng.randint(20, 90), rng.randint(100, 900), rng.randint(20, 90)
    s1, s2 = q1 * p1, q2 * p2
    steps = [(f"{q1}*{p1}", calc(f"{q1}*{p1}")), (f"{q2}*{p2}", calc(f"{q2}*{p2}")),
             (f"{s1}+{s2}", calc(f"{s1}+{s2}"))]
    question = f"甲产品{q1}件，单价{p1}元；乙产品{q2}件，单价{p2}元。总金额是多少？"
    return _trace(question, steps, f"甲产品{s1:,}元，乙产品{s2:,}元，总金额为{s1 + s2:,}元。", "zh")


BUILDERS = (_shopping, _savings, _share, _split, _invoice)


def _tamper(trace: dict[str, Any], i: int) -> dict[str, Any]:
    """Every 10th trace states a wrong final number, every 25th records a wrong tool result."""
    messages = trace["messages"]
    if i % 25 == 24:
        tool = next(m for m in messages if m["role"] == "tool")
        tool["content"] = "1" + tool["content"]
    elif i % 10 == 9:
        messages[-1]["content"] = messages[-1]["content"].replace("。", "，误差为3.14。").rstrip(".") + \
            (" (or 3.14)." if messages[-1]["content"].endswith(".") else "")
    return trace


def build_traces(n: int, calc: Callable[[str], str]) -> list[dict[str, Any]]:
    """N traces; 90 % are correct, the others carry a wrong final number or a tampered tool result."""
    rng = random.Random(0)
    return [_tamper(rng.choice(BUILDERS)(rng, calc), i) for i in range(n)]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_traces(traces: list[dict[str, Any]], registry: Any) -> dict[str, Any]:
    latencies, phases, kept = [], {"structure": 0.0, "reexec": 0.0, "numbers": 0.0}, 0
    reasons: dict[str, int] = {}
    _extract.cache_clear()
    start = time.perf_counter()
    for trace in traces:
        t0 = time.perf_counter()
        check = verify_trace(trace, registry)
        latencies.append(time.perf_counter() - t0)
        kept += check.ok
        if check.reason is not None:
            reasons[check.reason.value] = reasons.get(check.reason.value, 0) + 1
        for key in phases:
            phases[key] += check.timings.get(key, 0.0)
    wall = time.perf_counter() - start
    total_phase = sum(phases.values()) or 1.0
    return {"n": len(traces), "kept": kept, "wall_s": wall, "traces_per_s": len(traces) / wall,
            "p50_ms": 1000 * _pct(latencies, 0.5), "p90_ms": 1000 * _pct(latencies, 0.9),
            "p99_ms": 1000 * _pct(latencies, 0.99), "max_ms": 1000 * max(latencies),
            "mean_ms": 1000 * statistics.fmean(latencies),
            "share": {k: v / total_phase for k, v in phases.items()}, "reasons": reasons}


def bench_file(traces: list[dict[str, Any]], registry: Any) -> dict[str, Any]:
    formats = ("openai", "sharegpt", "xlam")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "traces.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for i, trace in enumerate(traces):
                fh.write(json.dumps(from_trace(trace, formats[i % 3]), ensure_ascii=False) + "\n")
        _extract.cache_clear()
        start = time.perf_counter()
        summary = verify_file(src, Path(tmp) / "kept.jsonl", Path(tmp) / "rejects.jsonl", registry=registry)
        wall = time.perf_counter() - start
    return {"wall_s": wall, "traces_per_s": summary.total / wall, "summary": summary.to_dict()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    registry = default_registry()
    calc = lambda expr: registry.call("calculator", {"expression": expr}).content  # noqa: E731
    t0 = time.perf_counter()
    traces = build_traces(args.n, calc)
    print(f"built {len(traces)} traces in {time.perf_counter() - t0:.2f}s "
          f"({sum(len([m for m in t['messages'] if m.get('tool_calls')]) for t in traces)} calculator calls)")
    registry.call("calculator", {"expression": "1+1"})  # warm up
    a = bench_traces(traces, registry)
    share = ", ".join(f"{k} {100 * v:.1f}%" for k, v in a["share"].items())
    print(f"(a) verify_trace: {a['traces_per_s']:.0f} traces/s, kept {a['kept']}/{a['n']} {a['reasons']}; latency ms "
          f"p50 {a['p50_ms']:.2f}  p90 {a['p90_ms']:.2f}  p99 {a['p99_ms']:.2f}  max {a['max_ms']:.2f}  "
          f"mean {a['mean_ms']:.2f}")
    print(f"    time share: {share}")
    b = bench_file(traces, registry)
    s = b["summary"]
    print(f"(b) verify_file (openai/sharegpt/xlam mix, JSON lines): {b['traces_per_s']:.0f} traces/s "
          f"({b['wall_s']:.2f}s), kept {s['kept']}/{s['total']}, by reason {s['by_reason']}, "
          f"no final answer {s['no_final']}")


if __name__ == "__main__":
    main()
