"""Document readers: txt, md, html, pdf, docx, folders and globs; unreadable or unsupported files name the file."""

from pathlib import Path

import pytest

from agentsft.docs import read_document, read_documents, resolve_paths
from agentsft.io import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_txt_and_md_are_read_as_they_are(tmp_path):
    md = tmp_path / "a.md"
    md.write_text("# 标题\r\n\r\n正文第一句。第二句。\r\n", encoding="utf-8")
    doc = read_document(md)
    assert doc.text == "# 标题\n\n正文第一句。第二句。" and doc.lang == "zh"
    txt = tmp_path / "b.txt"
    txt.write_text("\ufeffPlain English text. Two sentences.", encoding="utf-8")
    doc = read_document(txt)
    assert doc.text == "Plain English text. Two sentences." and doc.lang == "en"


def test_html_keeps_headings_and_items_drops_scripts():
    doc = read_document(ROOT / "seeds/docs/en/lakeview_bikes.html")
    assert doc.text.startswith("# Lakeview Bikes: questions and answers\n\nLakeview Bikes is the public")
    assert "## How much does a ride cost?" in doc.text
    assert "- To be at least 16 years old." in doc.text
    assert "console.log" not in doc.text and "font-family" not in doc.text and "Home" not in doc.text


def test_zh_html_is_read():
    doc = read_document(ROOT / "seeds/docs/zh/linjiang_metro.html")
    assert doc.lang == "zh" and "- 周五和周六晚上增开10趟加班车。" in doc.text


def test_docx_headings_lists_and_paragraphs(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("Opening hours", level=1)
    d.add_paragraph("The shop opens at nine. It closes at five.")
    d.add_paragraph("Monday to Friday", style="List Bullet")
    d.add_paragraph("")
    path = tmp_path / "shop.docx"
    d.save(path)
    doc = read_document(path)
    assert doc.text == "# Opening hours\n\nThe shop opens at nine. It closes at five.\n\n- Monday to Friday"


def _pdf(path: Path, lines: list[str]) -> None:
    """A one-page pdf with a text line each (Helvetica), written by hand: no pdf writer dependency."""
    text = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({ln}) Tj 0 -16 Td" for ln in lines) + " ET"
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
            "/Contents 4 0 R >>", f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)


def test_pdf_text_is_extracted(tmp_path):
    path = tmp_path / "notice.pdf"
    _pdf(path, ["The pool opens on 3 June 2024.", "Entry costs 4 dollars."])
    doc = read_document(path)
    assert "The pool opens on 3 June 2024." in doc.text and "Entry costs 4 dollars." in doc.text


@pytest.mark.parametrize("name,content,message", [
    ("broken.pdf", b"%PDF-1.4 this is not a pdf", "not a readable pdf"),
    ("broken.docx", b"PK\x03\x04 not a zip", "not a readable docx"),
    ("latin1.txt", "café".encode("latin-1"), "not UTF-8"),
    ("empty.md", b"   \n\n", "no text"),
    ("slides.pptx", b"whatever", "unsupported document type"),
])
def test_unreadable_files_are_input_errors_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_document(path)
    assert str(path) in str(exc.value) and message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_folder_glob_and_missing_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("Alpha text here.", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("Beta text here.", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y", encoding="utf-8")  # skipped in a folder
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("Hidden.", encoding="utf-8")
    names = [p.name for p in resolve_paths([tmp_path])]
    assert names == ["a.txt", "b.md"]
    assert [d.text for d in read_documents([str(tmp_path / "**" / "*.md")])] == ["Beta text here."]
    assert len(resolve_paths([tmp_path, tmp_path / "a.txt"])) == 2  # the same file once
    with pytest.raises(InputError, match="document not found"):
        resolve_paths([tmp_path / "nope.txt"])
    with pytest.raises(InputError, match="no file matches"):
        resolve_paths([str(tmp_path / "*.docx")])
    with pytest.raises(InputError, match="unsupported"):
        read_documents([str(tmp_path / "*.csv")])


def test_sample_documents_cover_both_languages_and_three_formats():
    docs = read_documents([ROOT / "seeds" / "docs"])
    assert {d.lang for d in docs} == {"zh", "en"}
    assert {Path(d.path).suffix for d in docs} >= {".md", ".txt", ".html"}
