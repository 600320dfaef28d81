"""The audit sheet: a seeded random draw written as CSV + HTML, read back into rates; bad labels name file:line."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from agentsft.cli import app
from agentsft.io.errors import InputError
from agentsft.report.audit import LABELS, read_sheet, sheet_rows, write_sheet
from agentsft.report.load import load


def _fill(path, labels):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row, labs in zip(rows, labels):
        row.update(dict(zip(LABELS, labs)))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_draw_is_seeded_and_bounded(run_dir):
    ev = load(run_dir)
    a, b = sheet_rows(ev, 2, seed=3), sheet_rows(ev, 2, seed=3)
    assert a == b and len(a) == 2 and [r["row"] for r in a] == [1, 2]
    assert len(sheet_rows(ev, 200)) == 4  # fewer samples than asked: all of them
    assert {r["id"] for r in sheet_rows(ev, 200)} == {s.id for s in ev.samples}


def test_round_trip_rates(run_dir, tmp_path):
    csv_path, html_path = write_sheet(sheet_rows(load(run_dir), 4), tmp_path / "audit", "run")
    assert "写一首关于春天的诗" in html_path.read_text(encoding="utf-8")
    _fill(csv_path, [("y", "yes", "是"), ("y", "n", "0"), ("no", "1", ""), ("Y", "y", "y")])
    rates = read_sheet(csv_path)
    assert rates["rows"] == 4 and rates["fully_labelled"] == 3
    assert rates["labels"]["valid_instruction"]["rate"] == 0.75
    assert rates["labels"]["valid_input"]["rate"] == 0.75
    assert rates["labels"]["correct_output"] == {"yes": 2, "no": 1, "empty": 1, "rate": pytest.approx(2 / 3, abs=1e-4)}
    assert rates["all_valid"] == pytest.approx(2 / 3, abs=1e-4)


def test_bad_label_names_file_and_line(run_dir, tmp_path):
    csv_path, _ = write_sheet(sheet_rows(load(run_dir), 4), tmp_path, "run")
    _fill(csv_path, [("y", "y", "y"), ("y", "maybe", "y")])
    with pytest.raises(InputError) as info:
        read_sheet(csv_path)
    assert str(info.value).startswith(f"{csv_path}:") and "maybe" in str(info.value) and "valid_input" in str(info.value)
    assert int(str(info.value).split(":")[1]) == 3  # header, row 1, row 2


def test_line_numbers_count_quoted_newlines(tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text('row,valid_instruction,valid_input,correct_output,output\n'
                     '1,y,y,y,"two\nlines"\n2,y,y,?,x\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"s\.csv:4: column correct_output"):
        read_sheet(sheet)
    sheet.write_text("row,valid_instruction\n1,y\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an audit sheet"):
        read_sheet(sheet)


def test_audit_cli(run_dir, tmp_path):
    res = CliRunner().invoke(app, ["audit", str(run_dir), "--n", "3", "--out", str(tmp_path / "a")])
    assert res.exit_code == 0, res.output
    sheet = tmp_path / "a" / "audit.csv"
    _fill(sheet, [("y", "y", "n")] * 3)
    res = CliRunner().invoke(app, ["audit", "--read", str(sheet)])
    assert res.exit_code == 0 and "correct_output" in res.output and "0.0%" in res.output
    _fill(sheet, [("x", "y", "n")])
    res = CliRunner().invoke(app, ["audit", "--read", str(sheet)])
    assert res.exit_code == 2 and "audit.csv:2" in res.output
