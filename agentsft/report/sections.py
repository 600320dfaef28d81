"""The report's sections: each takes the metrics of one or two inputs (side by side) and returns HTML."""

from __future__ import annotations

from typing import Any

from . import plots
from .html import Raw, esc, img, na, num, pct, section, table
from .metrics import RUN_ONLY


def _names(results: list[dict[str, Any]]) -> list[str]:
    return [r["name"] for r in results]


def _runs_only(results: list[dict[str, Any]], key: str) -> str:
    missing = [r["name"] for r in results if r.get(key) is None and r["kind"] == "file"]
    return na(f"{', '.join(missing)}: {RUN_ONLY}") if missing else ""


def summary(results: list[dict[str, Any]]) -> str:
    rows = []

    def row(label: str, fn) -> None:
        rows.append([label] + [fn(r) for r in results])

    row("kind", lambda r: r["kind"])
    row("records (accepted samples)", lambda r: num(r["shape"]["records"]))
    row("format", lambda r: r["shape"]["format"])
    row("language (zh / en)", lambda r: f"{r['shape']['by_lang']['zh']} / {r['shape']['by_lang']['en']}")
    row("candidates", lambda r: num(r["funnel"]["candidates"]) if r.get("funnel") else RUN_ONLY)
    row("acceptance", lambda r: pct(r["funnel"]["accept_rate"]) if r.get("funnel") else RUN_ONLY)
    row("candidates = accepted + rejected", lambda r: (
        f"{r['funnel']['candidates']} = {r['funnel']['accepted']} + {r['funnel']['rejected']}"
        + ("" if r["funnel"]["consistent"] else f" (NO: {r['funnel']['in_flight']} in flight)"))
        if r.get("funnel") else RUN_ONLY)
    row("model", lambda r: (r.get("config") or {}).get("model") or "–")
    row("status / stop", lambda r: " / ".join(str(x) for x in ((r.get("config") or {}).get("status"),
                                                              (r.get("config") or {}).get("stop")) if x) or "–")
    row("seeds", lambda r: num(r["seeds"]) if r["kind"] == "run" else RUN_ONLY)
    row("distance to target mix (TVD)", lambda r: num(r["shape"]["mix"]["tvd"]))
    row("mean highest cosine to another sample",
        lambda r: num(((r.get("novelty") or {}).get("to_pool") or {}).get("mean")))
    row("estimated price", lambda r: _price(r.get("cost")))
    notes = "".join(f"<li>{esc(r['name'])}: {esc(n)}</li>" for r in results for n in r["notes"])
    body = table(["", *_names(results)], rows) + (f"<h3>Notes</h3><ul>{notes}</ul>" if notes else "")
    return section("summary", "Summary", "The headline figures; each section below explains its own. "
                   "A dash means the figure could not be computed for that input.", body)


def _price(c: dict[str, Any] | None) -> str:
    if not c:
        return RUN_ONLY
    if c["price_sent"] is None:
        return f"no price for model {c['model']!r} in {c['price_source']}"
    return f"{c['price_sent']:.4f} {c['currency']}"


def funnel(results: list[dict[str, Any]]) -> str:
    runs = [r for r in results if r.get("funnel")]
    body = _runs_only(results, "funnel")
    if runs:
        body += img(plots.funnel(runs), "funnel")
        for r in runs:
            f = r["funnel"]
            body += f"<h3>{esc(r['name'])}: stages</h3>" + table(
                ["stage", "entered", "rejected", "left", "pass rate"],
                [[s["stage"], num(s["entered"]), num(s["rejected"]), num(s["left"]), pct(s["pass_rate"])]
                 for s in f["steps"]] + [["accepted", "", "", num(f["accepted"]), pct(f["accept_rate"])]])
        keys = []
        for r in runs:
            keys += [(x["stage"], x["reason"]) for x in r["funnel"]["reasons"] if (x["stage"], x["reason"]) not in keys]
        docs = {(x["stage"], x["reason"]): x["doc"] for r in runs for x in r["funnel"]["reasons"]}
        counts = [{(x["stage"], x["reason"]): x["count"] for x in r["funnel"]["reasons"]} for r in runs]
        body += "<h3>Rejects by stage and reason</h3>" + table(
            ["stage", "reason", *[r["name"] for r in runs], "meaning"],
            [[st, rs, *[num(c.get((st, rs), 0)) for c in counts], docs[(st, rs)]] for st, rs in keys],
            numeric_from=2, doc_col=2 + len(runs))
        for r in runs:
            if r.get("branches") and len(r["branches"]) > 1:
                body += f"<h3>{esc(r['name'])}: recipe branches</h3>" + table(
                    ["branch", "accepted", "rejected", "share of accepted", "target share"],
                    [[b["branch"], num(b["accepted"]), num(b["rejected"]), pct(b["share"]), pct(b["target"])]
                     for b in r["branches"]])
        body += img(plots.rounds(runs), "acceptance per round")
        for r in runs:
            if r.get("reject_examples"):
                body += f"<h3>{esc(r['name'])}: a rejected candidate per frequent reason</h3>" + table(
                    ["reason", "stage", "instruction", "detail"],
                    [[x["reason"], x["stage"], x["instruction"], x["detail"]] for x in r["reject_examples"]],
                    numeric_from=9, text_cols=(2, 3))
    return section("funnel", "Funnel: where candidates went",
                   "Every candidate a run makes ends as an accepted sample or a reject with a stage and a reason "
                   "code. Stages are listed in pipeline order (the <code>Stage</code> list); with several recipe "
                   "branches a stage sees only its branch's candidates, so its pass rate is of all candidates left "
                   "at that point. The acceptance per round shows the pool saturating.", body)


def mix(results: list[dict[str, Any]]) -> str:
    types = []
    for r in results:
        types += [x["task_type"] for x in r["shape"]["mix"]["types"] if x["task_type"] not in types]
    maps = [{x["task_type"]: x for x in r["shape"]["mix"]["types"]} for r in results]
    headers = ["task type"] + [h for r in results for h in (f"{r['name']} count", "share", "target")]
    rows = [[t] + [v for m in maps for v in (num(m.get(t, {}).get("count", 0)), pct(m.get(t, {}).get("share", 0)),
                                              pct(m.get(t, {}).get("target", 0)))] for t in types]
    rows.append(["total variation distance"] + [v for r in results for v in (num(r["shape"]["mix"]["tvd"]), "", "")])
    src = "; ".join(f"{r['name']}: target = {r['shape']['mix']['source']}"
                    + (f" (samples of branch {r['shape']['mix']['branch']!r})" if r["shape"]["mix"]["branch"] else "")
                    for r in results)
    body = table(headers, rows) + f"<p class='explain'>{esc(src)}.</p>" + img(plots.mix(results), "task-type mix")
    body += "<h3>Language and user turns</h3>" + table(
        ["", *_names(results)],
        [[f"language {k}"] + [num(r["shape"]["by_lang"].get(k, 0)) for r in results] for k in ("zh", "en")]
        + [[f"user turns {k}"] + [num(r["shape"]["turns"].get(k, 0)) for r in results]
           for k in results[0]["shape"]["turns"]])
    return section("mix", "Task types, languages and turns vs the target mix",
                   "Share of each task type against the mix the run aimed for: the run's <code>balance</code> block "
                   "when it had one, else uniform over the ten text types (<code>--mix</code> sets another target, "
                   "in <code>agentsft stats</code>' syntax). Total variation distance: 0 = on target, 1 = disjoint.",
                   body)


def lengths(results: list[dict[str, Any]]) -> str:
    first = results[0]["shape"]
    body = "<h3>Length (characters of all turns)</h3>" + table(
        ["bucket", *_names(results)],
        [[b] + [num(r["shape"]["length_chars"].get(b, 0)) for r in results] for b in first["length_chars"]])
    tok = [r for r in results if r["shape"]["tokens"]]
    if tok:
        stats = ("p50", "p90", "p99", "max", "mean")
        rows = [[r["name"], part] + [num(r["shape"]["tokens"][part][st], 1) for st in stats]
                for r in tok for part in ("prompt", "response", "total")]
        body += (f"<h3>Tokens per record ({esc(tok[0]['shape']['tokens']['tokenizer'])})</h3>"
                 + table(["input", "part", *stats], rows, numeric_from=2))
    else:
        body += na("token counts skipped (--tokenizer none, or no tokenizer could be loaded)")
    types = sorted({t for r in results for t in r["shape"]["per_type"]})
    rows = [[t] + [v for r in results for v in _type_cells(r["shape"]["per_type"].get(t))] for t in types]
    body += "<h3>Per task type</h3>" + table(
        ["task type"] + [h for r in results for h in (f"{r['name']} n", "chars p50", "chars p90", "tokens p50",
                                                       "tokens p90")], rows)
    body += img(plots.per_type_hist(results, "chars"), "characters per task type")
    body += img(plots.per_type_hist(results, "tokens"), "tokens per task type")
    return section("lengths", "Length and tokens",
                   "Characters count every turn's text; tokens are counted with the offline default tokenizer (the "
                   "embedded model's vocabulary) unless <code>--tokenizer</code> names another, text of the turns "
                   "only (no chat template). Histograms are per task type.", body)


def _type_cells(row: dict[str, Any] | None) -> list[str]:
    if not row:
        return ["0", "–", "–", "–", "–"]
    tok = row.get("tokens") or {}
    return [num(row["chars"]["n"]), num(row["chars"]["p50"]), num(row["chars"]["p90"]), num(tok.get("p50")),
            num(tok.get("p90"))]


def novelty(results: list[dict[str, Any]]) -> str:
    rows = []
    for part, label in (("to_seeds", "to the seeds"), ("to_pool", "to the rest of the pool")):
        for stat in ("mean", "median", "p90", "max", "share_ge_0_9"):
            rows.append([f"{label}: {stat.replace('share_ge_0_9', 'share ≥ 0.9')}"] + [
                (pct if stat.startswith("share") else num)((((r.get("novelty") or {}).get(part)) or {}).get(stat))
                for r in results])
    emb = "; ".join(f"{r['name']}: {r.get('embedder') or 'no embedder'}" for r in results)
    if not any(r.get("novelty") for r in results):
        return section("novelty", "Novelty: similarity to the seeds and to the pool",
                       "Not computed: the embedder was skipped (--no-embed) or could not be loaded (see the notes "
                       "in the summary).", na("not computed"))
    body = table(["highest cosine", *_names(results)], rows) + img(plots.novelty(results), "novelty histograms")
    body += f"<p class='explain'>Embedder: {esc(emb)}. For a plain file there are no seeds: only the pool column.</p>"
    return section("novelty", "Novelty: similarity to the seeds and to the pool",
                   "Self-Instruct's figure: for each sample, the cosine similarity of its instruction to the most "
                   "similar seed and to the most similar other sample (instructions embedded with the run's novelty "
                   "embedder). Mass near 1 means near copies; a run that only rephrases its seeds sits right. "
                   "Cosines of multilingual-e5 sit high even for unrelated texts (often 0.7-0.85): compare "
                   "inputs measured with the same embedder rather than reading the values on their own.", body)


def diversity(results: list[dict[str, Any]]) -> str:
    rows = []
    for lang in ("zh", "en"):
        for field in ("instruction", "output"):
            for n in (1, 2):
                vals = [((r["distinct"].get(lang) or {}).get(field) or {}).get(f"distinct_{n}") for r in results]
                if any(v is not None for v in vals):
                    unit = "characters" if lang == "zh" else "words"
                    rows.append([f"{lang} {field} distinct-{n} ({unit})"] + [num(v) for v in vals])
    body = "<h3>distinct-n</h3>" + table(["", *_names(results)], rows)
    crow = []
    for key, label, fmt in (("k", "clusters k", num), ("entropy", "size entropy / log k", num),
                            ("largest_share", "largest cluster", pct), ("coverage", "seed clusters covered", pct)):
        crow.append([label] + [fmt((r.get("clusters") or {}).get(key)) for r in results])
    if any(r.get("clusters") for r in results):
        body += "<h3>Embedding clusters</h3>" + table(["", *_names(results)], crow) + img(plots.clusters(results),
                                                                                          "clusters")
    else:
        body += "<h3>Embedding clusters</h3>" + na("not computed (no embedder, or fewer than 2 records)")
    vrows = []
    for key, label in (("with_verb", "instructions with a root verb"), ("with_pair", "... with verb and object"),
                       ("distinct_verbs", "distinct verbs"), ("distinct_pairs", "distinct verb-object pairs"),
                       ("verb_entropy", "verb entropy (nats)"), ("pair_ratio", "distinct pairs / pairs")):
        vrows.append([label] + [num(r["verb_object"].get(key)) for r in results])
    body += "<h3>Root verb and object</h3>" + table(["", *_names(results)], vrows)
    for r in results:
        if r["verb_object"]["top"]:
            body += f"<h3>{esc(r['name'])}: top verbs and their objects</h3>" + table(
                ["verb", "count", "top objects"],
                [[x["verb"], num(x["count"]), ", ".join(x["objects"])] for x in r["verb_object"]["top"]],
                numeric_from=1, text_cols=(2,))
    return section("diversity", "Diversity",
                   "distinct-n: distinct n-grams / all n-grams (characters for Chinese, words for English; 1 = "
                   "nothing repeats). Clusters: k-means over instruction embeddings (the same k for both inputs of a "
                   "comparison); entropy of the cluster sizes over log k (1 = spread evenly), the largest "
                   "cluster's share and, for a run, the share of the "
                   "seeds' own k clusters that samples reach. Root verb-object: the instruction's first verb and "
                   "its object (jieba part of speech for Chinese, a word heuristic for English) — Self-Instruct's "
                   "verb-noun figure as a table.", body)


def verification(results: list[dict[str, Any]]) -> str:
    fams = []
    for r in results:
        fams += [p["family"] for p in (r.get("pass_rates") or []) if p["family"] not in fams]
    body = ""
    if fams:
        maps = [{p["family"]: p for p in (r.get("pass_rates") or [])} for r in results]
        body += table(["check"] + [h for r in results for h in (f"{r['name']} passed", "failed", "pass rate")],
                      [[f] + [v for m in maps for v in (num(m.get(f, {}).get("passed")),
                                                         num(m.get(f, {}).get("failed")),
                                                         pct(m.get(f, {}).get("pass_rate")))] for f in fams])
        for r in results:
            for p in r.get("pass_rates") or []:
                extra = ", ".join(f"{k} {v}" for k, v in list(p["reasons"].items()) + list(p["detail"].items()))
                if extra:
                    body += f"<p class='explain'><b>{esc(r['name'])} · {esc(p['family'])}</b>: {esc(extra)}</p>"
    else:
        body += na("no verification stage ran (no tool-trace, reasoning, groundedness, dialogue, quality or judge "
                   "check touched any sample or reject)")
    judged = [r for r in results if r.get("judge")]
    if judged:
        crit = list(judged[0]["judge"]["criteria_kept"])
        body += "<h3>LLM judge scores</h3>" + table(
            ["", *[r["name"] for r in judged]],
            [["kept / judge_low_score / unparsable"] + [f"{r['judge']['kept']} / {r['judge']['rejected']} / "
                                                        f"{r['judge']['unparsable']}" for r in judged],
             ["mean score of kept"] + [num(r["judge"]["mean_kept"], 2) for r in judged]]
            + [[f"{c} (kept)"] + [num(r["judge"]["criteria_kept"].get(c), 2) for r in judged] for c in crit])
        body += img(plots.judge(judged), "judge scores")
    voted = [r for r in results if r.get("votes")]
    if voted:
        body += "<h3>Self-consistency votes</h3>" + table(
            ["", *[r["name"] for r in voted]],
            [["kept chains"] + [num(r["votes"]["kept"]) for r in voted],
             ["mean agreement"] + [pct(r["votes"]["mean_agreement"]) for r in voted],
             ["unanimous"] + [num(r["votes"]["unanimous"]) for r in voted],
             ["agreement: chains"] + [", ".join(f"{k}: {v}" for k, v in r["votes"]["agreement"].items())
                                      for r in voted],
             ["rejected"] + [", ".join(f"{k} {v}" for k, v in r["votes"]["rejected"].items()) or "–" for r in voted]])
    return section("verification", "Verification pass rates, judge and votes",
                   "A check's pass rate is passed / (passed + failed): samples whose verification record or recipe "
                   "branch shows the check ran, and rejects at its stage or with its reason codes (tool traces: "
                   "re-executed calls and supported numbers; reasoning: every arithmetic step recomputed; "
                   "groundedness: answers checked against their source chunk). Judge: the rubric mean (1-10) of "
                   "kept and judge-rejected samples. Votes: the majority's share of the k sampled answers.", body)


def cost(results: list[dict[str, Any]]) -> str:
    body = _runs_only(results, "cost")
    runs = [r for r in results if r.get("cost")]
    if runs:
        rows = []
        for key, label in (("model", "model"), ("calls", "LLM calls sent"), ("cached_calls", "cached calls"),
                           ("prompt_tokens", "prompt tokens"), ("completion_tokens", "completion tokens"),
                           ("seconds", "wall time (s)"), ("samples_per_minute", "samples per minute"),
                           ("completion_tokens_per_second", "completion tokens / s"),
                           ("tokens_per_sample", "tokens per accepted sample")):
            rows.append([label] + [num(r["cost"][key], 2) for r in runs])
        rows.append(["price, all tokens"] + [num(r["cost"]["price_all_tokens"], 4) for r in runs])
        rows.append(["price, calls sent (prorated)"] + [_price(r["cost"]) for r in runs])
        rows.append(["price per 1k samples"] + [num(r["cost"]["price_per_1k_samples"], 4) for r in runs])
        rows.append(["price row used"] + [(r["cost"]["price_row"] or {}).get("pattern", "none") for r in runs])
        rows.append(["wall time from"] + [r["cost"]["seconds_source"] for r in runs])
        body += table(["", *[r["name"] for r in runs]], rows)
        source = esc(runs[0]["cost"]["price_source"])
        body += f"<p class='na'>Prices are examples: set your own with <code>--prices FILE</code> ({source}).</p>"
    return section("cost", "Cost",
                   "From the run's manifest: LLM calls sent and answered from the request cache, prompt and "
                   "completion tokens (cached results included, at their stored counts), wall time and throughput. "
                   "The price multiplies tokens by a per-model table (USD per million tokens).", body)


def examples(results: list[dict[str, Any]]) -> str:
    body = ""
    for r in results:
        body += f"<h3>{esc(r['name'])}: first samples</h3>" + table(
            ["type", "lang", "instruction", "output"],
            [[x["task_type"], x["lang"], x["instruction"], x["output"]] for x in r["examples"]],
            numeric_from=9, text_cols=(2, 3))
    return section("examples", "Examples", "The first few records as they are, to read next to the figures "
                   "(<code>agentsft audit</code> draws a random sheet to label).", body)


def method(results: list[dict[str, Any]]) -> str:
    rows = [[r["name"], r["kind"], r["path"], num(r["seconds"], 1)] for r in results]
    body = table(["input", "kind", "path", "seconds to compute"], rows, numeric_from=3)
    body += Raw("<p class='explain'>Plots use ASCII labels only (Chinese words are in the tables). Everything on "
                "this page is computed offline; the page loads nothing from the network. The same figures as JSON: "
                "<code>agentsft eval RUN --json metrics.json</code>.</p>")
    return section("method", "How this report was made", "Inputs and what each figure is computed from.", body)
