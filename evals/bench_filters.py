"""Measure the quality gate (``agentsft.filters.quality.check_sample``) on ``evals/filters/labelled.jsonl``.

Prints the keep rate on good rows, the reject rate on bad rows, the right-code rate per reason, and every
miss. ``--json`` prints the figures as JSON; ``--file evals/filters/heldout.jsonl`` measures the held-out set;
``--real`` adds third-party text from ``evals/data`` (``filters/real_text.py``).

    .venv/bin/python -m evals.bench_filters
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from agentsft.filters.quality import check_sample

LABELLED = Path(__file__).with_name("filters") / "labelled.jsonl"


def run(path: Path = LABELLED) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    total, right, misses = Counter(), Counter(), []
    start = time.perf_counter()
    for row in rows:
        hit = check_sample(row["instruction"], row["output"], row["lang"], input=row.get("input", ""),
                           task_type=row.get("task_type"), messages=row.get("messages"))
        got = hit[0].value if hit else "keep"
        key = (row["expect"], row["lang"])
        total[key] += 1
        if got == row["expect"]:
            right[key] += 1
        else:
            misses.append({"expect": row["expect"], "got": got, "detail": hit[1] if hit else "",
                           "instruction": row["instruction"][:50], "source": row.get("source", "")})
    elapsed = time.perf_counter() - start
    good = sum(v for (e, _), v in total.items() if e == "keep")
    bad = len(rows) - good
    bad_rejected = bad - sum(1 for m in misses if m["expect"] != "keep" and m["got"] == "keep")
    per_reason = {}
    for reason in sorted({e for e, _ in total}):
        n = sum(total[(reason, lang)] for lang in ("zh", "en"))
        per_reason[reason] = {"rows": n, "right": sum(right[(reason, lang)] for lang in ("zh", "en")),
                              "zh": f"{right[(reason, 'zh')]}/{total[(reason, 'zh')]}",
                              "en": f"{right[(reason, 'en')]}/{total[(reason, 'en')]}"}
    return {"rows": len(rows), "good": good, "bad": bad,
            "keep_rate_good": per_reason.get("keep", {}).get("right", 0) / good if good else 0.0,
            "reject_rate_bad": bad_rejected / bad if bad else 0.0,
            "right_code_rate_bad": sum(v["right"] for k, v in per_reason.items() if k != "keep") / bad if bad else 0.0,
            "per_reason": per_reason, "misses": misses, "ms_per_row": 1000 * elapsed / max(len(rows), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--file", type=Path, default=LABELLED, help="labelled JSONL (default: labelled.jsonl; "
                                                                    "evals/filters/heldout.jsonl for the held-out set)")
    parser.add_argument("--real", action="store_true", help="also check third-party text under evals/data")
    args = parser.parse_args()
    res = run(args.file)
    if args.real:
        from evals.filters.real_text import run as run_real

        res["real"] = run_real()
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return
    print(f"{res['rows']} rows: {res['good']} good, {res['bad']} bad; {res['ms_per_row']:.2f} ms/row")
    print(f"keep rate on good rows   {res['keep_rate_good']:.1%}")
    print(f"reject rate on bad rows  {res['reject_rate_bad']:.1%}")
    print(f"right code on bad rows   {res['right_code_rate_bad']:.1%}")
    print(f"{'expect':<20}{'right':>8}{'zh':>8}{'en':>8}")
    for reason, v in res["per_reason"].items():
        print(f"{reason:<20}{v['right']:>4}/{v['rows']:<3}{v['zh']:>8}{v['en']:>8}")
    for name, v in res.get("real", {}).items():
        print(f"real: {name}: {v}")
    for m in res["misses"]:
        print(f"MISS expect={m['expect']} got={m['got']} ({m['detail']}) {m['instruction']!r} [{m['source']}]")


if __name__ == "__main__":
    main()
