"""The GDPR paperwork laid out: titled sections as a PDF/A page or a standalone HTML file."""

from html import escape

from cabinet.documents.issue import unsigned
from cabinet.documents.layout import HEADING, Document, Letterhead, text
from cabinet.domain.compliance import Section


def sections_pdf(title: str, letterhead: Letterhead, sections: list[Section]) -> bytes:
    """An unsigned PDF/A-2b under the practice's letterhead."""
    body = [part for heading, lines in sections
            for part in (text(heading, HEADING), *(text(line) for line in lines))]
    return unsigned(Document(title, letterhead, "", body))


def sections_html(title: str, sections: list[Section]) -> bytes:
    """A standalone UTF-8 HTML page, for a word processor or the practice's website."""
    parts = [f"<h2>{escape(heading)}</h2>" + "".join(f"<p>{escape(line)}</p>" for line in lines)
             for heading, lines in sections]
    return ("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
            + "".join(parts) + "</body></html>\n").encode()
