"""A whole record drawn line by line: the PDF/A rendering of every record of an archive.

Platypus lays a record out beautifully but slowly (about 40 ms for a typical record here,
which makes minutes for a practice). An archive's rendering only has to be complete and
legible, so this draws the same text (`content.identity_rows`, `record_sections`,
`entry_text`) straight on the canvas, wrapping with the font's own metrics, with the same
letterhead, patient line and "page n / N" on every page.
"""

import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit

from cabinet.documents import fonts
from cabinet.documents.content import (
    NOT_ENTERED,
    entry_text,
    identity_rows,
    patient_line,
    record_sections,
)
from cabinet.documents.layout import (
    FOOTER_HEIGHT,
    HEADER_HEIGHT,
    MARGIN,
    Document,
    Letterhead,
    Rendered,
    numbered_canvas,
)
from cabinet.documents.pdfa import make_pdfa
from cabinet.documents.typography import french
from cabinet.domain.identity import Identity
from cabinet.domain.record import EntryKind
from cabinet.services.ports import StoredVersion

_WIDTH = A4[0] - 2 * MARGIN
_TOP = A4[1] - MARGIN - HEADER_HEIGHT
_BOTTOM = MARGIN + FOOTER_HEIGHT


@dataclass(frozen=True)
class _Style:
    font: str
    size: float
    indent: float = 0
    space_before: float = 0


_TITLE = _Style(fonts.BOLD, 15)
_HEADING = _Style(fonts.BOLD, 12, space_before=8)
_ENTRY = _Style(fonts.BOLD, 10, space_before=4)
_BODY = _Style(fonts.REGULAR, 10)
_LINE = _Style(fonts.REGULAR, 10.5, indent=4 * mm)
_SMALL = _Style(fonts.REGULAR, 8)


class _Writer:
    """A cursor down the page, turning pages as needed."""

    def __init__(self, document: Document) -> None:
        fonts.register()
        self.buffer = io.BytesIO()
        self.canvas = numbered_canvas(document)(self.buffer, pagesize=A4, pageCompression=1)
        self.canvas.setTitle(document.title)
        self.canvas.setAuthor(document.letterhead.physician)
        self.canvas.setCreator("Cabinet")
        self.y = _TOP

    def write(self, value: str, style: _Style) -> None:
        leading = style.size * 1.3
        self.y -= style.space_before
        for line in simpleSplit(french(value), style.font, style.size, _WIDTH - style.indent) \
                or [""]:
            if self.y - leading < _BOTTOM:
                self.canvas.showPage()
                self.y = _TOP
            self.y -= leading
            self.canvas.setFont(style.font, style.size)
            self.canvas.drawString(MARGIN + style.indent, self.y + 0.25 * style.size, line)

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def record_listing(letterhead: Letterhead, identity: Identity, entries: Sequence[StoredVersion],
                   sections: Collection[EntryKind], title: str) -> bytes:
    """The PDF/A-2b of a record: identity, then each section and each entry in full."""
    document = Document(title, letterhead, patient_line(identity), ())
    writer = _Writer(document)
    writer.write(title, _TITLE)
    writer.write("Identité", _HEADING)
    for label, value in identity_rows(identity):
        writer.write(f"{label} : {value}", _BODY)
    for section, chosen in record_sections(entries, sections):
        writer.write(section, _HEADING)
        if not chosen:
            writer.write(NOT_ENTERED, _BODY)
        for entry in chosen:
            said = entry_text(entry)
            writer.write(said.title, _ENTRY)
            for line in said.lines:
                writer.write(line, _BODY)
            for line in said.prescribed:
                writer.write(line, _LINE)
            writer.write(said.written_by, _SMALL)
    rendered = make_pdfa(Rendered(writer.finish()), title=title, author=letterhead.physician,
                         subject=title)
    return rendered.pdf
