"""Peak memory of sampling a big seed pool by streaming vs loading it whole.

Writes a JSON lines file of Dolly-style rows (zh and en mixed) of about ``--size-mb`` MB in /tmp (kept for
reruns), then measures, each in a fresh child process (its own peak RSS, from ``getrusage``):

* ``imports``: the interpreter with agentsft imported, nothing read (the floor);
* ``stream``:  ``read_seeds(path, sample=N)``: reservoir sampling line by line, N seeds made;
* ``whole``:   ``load_records(path)``: the whole file read, parsed and converted to records, which is what
  ``read_seeds`` did before streaming (a lower bound: it then also builds a SeedTask per record).

and prints them side by side with the whole/stream ratio. Usage::

    .venv/bin/python -m evals.bench_stream_pool               # ~1 GB, sample 2000
    .venv/bin/python -m evals.bench_stream_pool --size-mb 200 --sample 500
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ZH_TOPICS = ["光合作用", "长城的历史", "量子计算", "唐诗的格律", "城市交通", "人工智能伦理", "气候变化", "中医药"]
EN_TOPICS = ["photosynthesis", "the Roman empire", "quantum computing", "sonnet form", "urban transit",
             "machine ethics", "climate change", "herbal medicine"]
CATEGORIES = ["open_qa", "closed_qa", "summarization", "classification", "brainstorming", "creative_writing",
              "information_extraction", "general_qa"]


def make_row(rng: random.Random, i: int) -> dict:
    if i % 2:
        t = rng.choice(ZH_TOPICS)
        return {"instruction": f"请用三句话解释{t}，并举一个例子（编号{i}）。",
                "context": f"{t}是一个常见的话题。" * rng.randint(2, 8),
                "response": f"{t}可以这样理解：" + "这是一个解释性的句子。" * rng.randint(4, 12),
                "category": rng.choice(CATEGORIES)}
    t = rng.choice(EN_TOPICS)
    return {"instruction": f"Explain {t} in three sentences and give an example (item {i}).",
            "context": f"{t.capitalize()} is a common topic. " * rng.randint(2, 8),
            "response": f"Here is how to think about {t}: " + "this is an explanatory sentence. " * rng.randint(4, 12),
            "category": rng.choice(CATEGORIES)}


def make_file(path: Path, size_mb: int) -> None:
    target = size_mb * 1024 * 1024
    if path.exists() and abs(path.stat().st_size - target) < target * 0.05:
        return
    rng = random.Random(0)
    tmp = path.with_suffix(".part")
    written, i = 0, 0
    with open(tmp, "w", encoding="utf-8") as f:
        while written < target:
            line = json.dumps(make_row(rng, i), ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            i += 1
    tmp.replace(path)


def child(mode: str, path: str, sample: int) -> None:
    from agentsft.io.readers import read_seeds
    from agentsft.io.records import load_records

    started = time.perf_counter()
    if mode == "stream":
        n = len(read_seeds(path, sample=sample))
    elif mode == "whole":
        n = len(load_records(path)[1])
    else:
        n = 0
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": mode, "records": n, "seconds": round(seconds, 2), "peak_rss_mb": round(rss_mb, 1)}))


def run(mode: str, path: Path, sample: int) -> dict:
    # as a module from the project root: evals/typing must not shadow the standard library's typing
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-m", "evals.bench_stream_pool", "--child", mode, "--path", str(path),
                          "--sample", str(sample)], capture_output=True, text=True, check=True, cwd=root)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--path", default="/tmp/agentsft_bench_pool.jsonl")
    ap.add_argument("--child", default=None)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.path, args.sample)
        return
    path = Path(args.path)
    t0 = time.perf_counter()
    make_file(path, args.size_mb)
    size_mb = path.stat().st_size / 1024 / 1024
    print(f"pool: {path} {size_mb:.0f} MB (ready in {time.perf_counter() - t0:.0f} s)")
    results = {m: run(m, path, args.sample) for m in ("imports", "stream", "whole")}
    print(f"{'mode':<8} {'records':>9} {'seconds':>8} {'peak RSS MB':>12}")
    for r in results.values():
        print(f"{r['mode']:<8} {r['records']:>9} {r['seconds']:>8} {r['peak_rss_mb']:>12}")
    ratio = results["whole"]["peak_rss_mb"] / results["stream"]["peak_rss_mb"]
    extra = (results["stream"]["peak_rss_mb"] - results["imports"]["peak_rss_mb"])
    print(f"whole / stream peak RSS: {ratio:.1f}x; streaming adds {extra:.0f} MB over the bare imports "
          f"for a {size_mb:.0f} MB file")


if __name__ == "__main__":
    main()
