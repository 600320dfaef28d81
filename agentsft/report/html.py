"""One static HTML file: no scripts, no external fonts or style sheets, figures as base64 PNG. Sections have
stable ids (``SECTIONS``) so a test can find each of them."""

from __future__ import annotations

import html
import re
from typing import Any

_NUMERIC = re.compile(r"^(?:[-+]?[\d,]*\.?\d+(?:%| [A-Z]{3})?|–|)$")

SECTIONS = ("summary", "funnel", "mix", "lengths", "novelty", "diversity", "verification", "cost", "examples",
            "method")

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","WenQuanYi Micro Hei",
"Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#1d2430;background:#f6f7f9;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:26px;margin:8px 0 4px} h2{font-size:20px;margin:0 0 6px;border-bottom:2px solid #3b6ea5;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px} .sub{color:#5b6473;margin:0 0 18px}
section{background:#fff;border-radius:8px;padding:18px 22px;margin:18px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
p.explain{color:#4a5260;font-size:14px;margin:4px 0 12px;max-width:900px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border-bottom:1px solid #e3e6eb;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#eef2f7;font-weight:600} td.n{text-align:right;font-variant-numeric:tabular-nums}
td.doc{color:#5b6473;font-size:12px;max-width:420px} img{max-width:100%;margin:6px 0}
.na{color:#8a6d3b;background:#fcf8e3;padding:6px 10px;border-radius:4px;display:inline-block;font-size:13px}
nav a{margin-right:12px;font-size:13px;color:#3b6ea5;text-decoration:none}
td.text{max-width:460px;white-space:pre-wrap;word-break:break-word;font-size:12px}
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return esc(value)


def pct(value: Any, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * float(value):.{digits}f}%"


def table(headers: list[str], rows: list[list[Any]], numeric_from: int = 1, doc_col: int | None = None,
          text_cols: tuple[int, ...] = ()) -> str:
    """An HTML table; cells are escaped unless they are ``Raw``."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text = cell if isinstance(cell, Raw) else esc(cell)
            numeric = i >= numeric_from and _NUMERIC.match(str(cell).strip()) is not None
            cls = "doc" if i == doc_col else "text" if i in text_cols else "n" if numeric else ""
            cells.append(f"<td class='{cls}'>{text}</td>" if cls else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Raw(str):
    """Markup that ``table`` must not escape."""


def img(b64: str | None, alt: str) -> str:
    return f"<img alt='{esc(alt)}' src='data:image/png;base64,{b64}'>" if b64 else ""


def na(text: str) -> str:
    return f"<p class='na'>{esc(text)}</p>"


def section(sid: str, title: str, explain: str, body: str) -> str:
    return f"<section id='{sid}'><h2>{esc(title)}</h2><p class='explain'>{explain}</p>{body}</section>"


def page(title: str, subtitle: str, sections: list[str], nav_ids: tuple[str, ...] = SECTIONS) -> str:
    nav = "".join(f"<a href='#{s}'>{s}</a>" for s in nav_ids)
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
            f"<h1>{esc(title)}</h1><p class='sub'>{esc(subtitle)}</p><nav>{nav}</nav>"
            + "".join(sections) + "</main></body></html>")


def render(results: list[dict[str, Any]]) -> str:
    """The report page of one input, or of two side by side (``--against``)."""
    from datetime import datetime, timezone

    from . import sections as s

    names = " vs ".join(r["name"] for r in results)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [s.summary(results), s.funnel(results), s.mix(results), s.lengths(results), s.novelty(results),
             s.diversity(results), s.verification(results), s.cost(results), s.examples(results), s.method(results)]
    return page(f"agentsft report: {names}", f"made {stamp} by agentsft eval · "
                + " · ".join(f"{r['name']}: {r['kind']} {r['path']}" for r in results), parts)
