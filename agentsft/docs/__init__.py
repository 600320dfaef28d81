"""Documents as sources: read txt, md, html, pdf and docx files into plain text, and cut that text into chunks
that keep sentences, headings and list items whole, each chunk pointing back at its source file and character
offsets (``text[start:end]`` of the extracted text)."""

from agentsft.docs.chunking import Chunk, chunk_text, split_units
from agentsft.docs.readers import SUPPORTED, Document, read_document, read_documents, resolve_paths

__all__ = ["Chunk", "Document", "SUPPORTED", "chunk_text", "read_document", "read_documents", "resolve_paths",
           "split_units", "load_chunks"]


def load_chunks(paths, sizes: dict[str, int], overlap: float) -> list[Chunk]:
    """Every chunk of every document under ``paths`` (files, folders or globs), in file order."""
    out: list[Chunk] = []
    for doc in read_documents(paths):
        out += chunk_text(doc.text, doc.lang, sizes.get(doc.lang, 300), overlap, source=doc.path)
    return out
