"""Read documents into plain text: txt and md as they are, html (beautifulsoup4), pdf (pypdf), docx (python-docx).

The extracted text is what chunk offsets point into. html and docx keep their structure in a light markdown:
headings become ``#`` lines and list items ``- `` lines, blocks are separated by a blank line, so the chunker
sees the same shapes whatever the format. A file that cannot be read (missing, not UTF-8, a broken pdf or
docx, an unsupported extension, no text at all) is an ``InputError`` naming the file.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from pathlib import Path

from agentsft.io.errors import InputError
from agentsft.text import guess_lang

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Document:
    path: str  # as the user named it (relative paths stay relative)
    text: str
    lang: str  # "zh" or "en", guessed from the text


def _plain(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise InputError(path, None, f"not UTF-8 text (byte {exc.start})") from None


_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "td", "th", "dt", "dd")


def _html(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_plain(path), "html.parser")
    for tag in soup(["script", "style", "noscript", "head", "nav"]):
        tag.decompose()
    blocks = []
    for el in soup.find_all(_BLOCK_TAGS):
        if el.find_parent(_BLOCK_TAGS) is not None:
            continue  # its text is in the enclosing block
        text = " ".join(el.get_text(" ").split())
        if not text:
            continue
        if el.name[0] == "h" and el.name[1:].isdigit():
            text = "#" * int(el.name[1:]) + " " + text
        elif el.name == "li":
            text = "- " + text
        blocks.append(text)
    if not blocks:  # no block elements: the page's text as it stands
        blocks = [line.strip() for line in soup.get_text("\n").splitlines() if line.strip()]
    return "\n\n".join(blocks)


def _pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(path, None, f"not a readable pdf ({type(exc).__name__}: {exc})") from None
    return "\n\n".join(p.strip() for p in pages if p.strip())


def _docx(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError, OSError) as exc:
        raise InputError(path, None, f"not a readable docx ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - a zip/xml error of a broken file is the file's problem
        raise InputError(path, None, f"not a readable docx ({type(exc).__name__})") from None
    blocks = []
    for para in document.paragraphs:
        text = " ".join(para.text.split())
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level = re.match(r"Heading (\d)", style)
        if level:
            text = "#" * int(level.group(1)) + " " + text
        elif style == "Title":
            text = "# " + text
        elif style.startswith("List"):
            text = "- " + text
        blocks.append(text)
    return "\n\n".join(blocks)


_READERS = {".txt": _plain, ".md": _plain, ".markdown": _plain, ".html": _html, ".htm": _html, ".pdf": _pdf,
            ".docx": _docx}


def read_document(path: str | Path) -> Document:
    """One document's text (see the module docstring); ``InputError`` when it cannot be read."""
    p = Path(path)
    reader = _READERS.get(p.suffix.lower())
    if reader is None:
        raise InputError(p, None, f"unsupported document type '{p.suffix or '(none)'}'; "
                                  f"supported: {', '.join(SUPPORTED)}")
    if not p.is_file():
        raise InputError(p, None, "document not found")
    try:
        text = reader(p)
    except OSError as exc:
        raise InputError(p, None, f"cannot read ({exc.strerror or exc})") from None
    text = _BLANKS.sub("\n\n", text).strip()
    if not text:
        raise InputError(p, None, "no text in this document")
    return Document(str(path), text, guess_lang(text))


def resolve_paths(paths) -> list[Path]:
    """The document files named by ``paths``: files as given, folders' supported files (recursively, sorted),
    glob patterns expanded. A name that matches nothing is an ``InputError``."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                raise InputError(p, None, f"no documents ({', '.join(SUPPORTED)}) in this folder")
            out += found
        elif p.exists():
            out.append(p)
        elif glob.has_magic(str(raw)):
            found = sorted(Path(f) for f in glob.glob(str(raw), recursive=True) if Path(f).is_file())
            if not found:
                raise InputError(p, None, "no file matches this pattern")
            out += found
        else:
            raise InputError(p, None, "document not found")
    unique: dict[str, Path] = {}
    for p in out:
        unique.setdefault(str(p.resolve()), p)
    return list(unique.values())


def read_documents(paths) -> list[Document]:
    """Every document named by ``paths`` (see ``resolve_paths``), read."""
    return [read_document(p) for p in resolve_paths(paths)]
