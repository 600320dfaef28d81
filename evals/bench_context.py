"""The context-dependence check (``agentsft.verify.context``) on real dialogues and on spliced ones.

    .venv/bin/python -m evals.bench_context [--verbose]

Real: the first rows of the XDailyDialog corpus file (DailyDialog en and its human zh translation; not a clean
train split, see `evals/data/dialogue/SOURCES.md`),
dialogues of 4+ utterances, speaker A as the user and B as the assistant; and the hand-written multi-turn seeds
of this project (`seeds/*.jsonl`, user/assistant). Spliced: each real dialogue keeps its first exchange and
every later exchange is taken from another dialogue of the same set at the same position (independent turns).
The check should accept the real ones and reject the spliced ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from agentsft.verify.context import check_context

HERE = Path(__file__).parent / "data" / "dialogue"
ROOT = Path(__file__).resolve().parents[1]
Dialogue = list[dict[str, str]]


def read_xdd(lang: str) -> list[Dialogue]:
    """Dialogues of 4+ utterances, alternating user/assistant."""
    out = []
    for line in (HERE / f"xdd_{lang}_head.txt").read_text(encoding="utf-8").splitlines():
        turns = [t.strip() for t in line.split("__eou__") if t.strip()]
        if len(turns) >= 4:
            out.append([{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)])
    return out


def read_seeds(lang: str) -> list[Dialogue]:
    """The project's hand-written multi-turn seeds."""
    out = []
    for line in (ROOT / "seeds" / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("messages") and sum(m["role"] == "user" for m in row["messages"]) >= 2:
            out.append([{"role": m["role"], "content": m["content"]} for m in row["messages"]])
    return out


def splice(dialogues: list[Dialogue], step: int = 7) -> list[Dialogue]:
    """Each dialogue's first exchange, then exchange j from dialogue (i + j * step) mod n when it has one."""
    n, out = len(dialogues), []
    for i, d in enumerate(dialogues):
        pairs = [d[k:k + 2] for k in range(0, len(d), 2)]
        mixed = list(pairs[0])
        for j in range(1, len(pairs)):
            for hop in range(1, n):
                donor = dialogues[(i + (j + hop - 1) * step) % n]
                donor_pairs = [donor[k:k + 2] for k in range(0, len(donor), 2)]
                if donor is not d and len(donor_pairs) > j:
                    mixed += donor_pairs[j]
                    break
        out.append(mixed)
    return out


def rate(dialogues: list[Dialogue], lang: str, verbose: bool, label: str) -> float:
    ok = 0
    for d in dialogues:
        res = check_context(d, lang)
        ok += res.ok
        if verbose:
            print(f"[{label}] {'ok ' if res.ok else 'NO '} {res.share:.2f}",
                  [(t.turn, round(t.score, 2), t.markers[:3], t.opener, round(t.overlap, 2)) for t in res.turns],
                  " | ".join(m["content"][:30] for m in d if m["role"] == "user"))
    return ok / len(dialogues) if dialogues else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    print("| set | lang | dialogues | accepted (real) | rejected (spliced) |")
    print("|---|---|---|---|---|")
    sets = (("DailyDialog / XDailyDialog (corpus head)", read_xdd), ("project seeds (hand-written)", read_seeds))
    for name, reader in sets:
        for lang in ("zh", "en"):
            real = reader(lang)
            acc = rate(real, lang, args.verbose, f"{lang} real")
            rej = 1 - rate(splice(real), lang, args.verbose, f"{lang} spliced")
            print(f"| {name} | {lang} | {len(real)} | {acc:.1%} | {rej:.1%} |")


if __name__ == "__main__":
    main()
