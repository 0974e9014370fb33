"""The page every document shares: letterhead, the patient on every page, "page n / N".

A document is a title and a list of reportlab flowables; `render` lays it out on A4 and ends
it with the signature block the app draws itself (name, RPPS, date, "signé
électroniquement"), whose position on the page the signature field then covers.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from cabinet.documents import fonts
from cabinet.documents.typography import french

MARGIN = 18 * mm
HEADER_HEIGHT = 30 * mm
FOOTER_HEIGHT = 14 * mm
SIGNATURE_SIZE = (85 * mm, 26 * mm)


@dataclass(frozen=True)
class Letterhead:
    """Who issues the document, from the practice settings."""

    physician: str
    specialty: str
    rpps: str
    address: str
    phone: str
    sex: str = ""  # the physician's, for « Je soussignée » / « Je soussigné »


@dataclass(frozen=True)
class SignatureStamp:
    """What the visible signature block says (`heading`: an unsigned preview says so)."""

    signer: str
    rpps: str
    signed_at: str
    time_source: str
    demo: bool = False
    heading: str = "Signé électroniquement"


@dataclass(frozen=True)
class Document:
    """A document ready to lay out."""

    title: str
    letterhead: Letterhead
    patient_line: str
    body: Sequence[Flowable]
    subject: str = ""


@dataclass
class Rendered:
    """The PDF bytes and where the signature block landed (page index, rectangle in points)."""

    pdf: bytes
    signature_page: int = 0
    signature_box: tuple[float, float, float, float] = (0, 0, 0, 0)


def style(name: str, size: float = 10, *, bold: bool = False, leading: float | None = None,
          **extra: Any) -> ParagraphStyle:
    """A paragraph style in the embedded family."""
    fonts.register()
    return ParagraphStyle(name, fontName=fonts.BOLD if bold else fonts.REGULAR, fontSize=size,
                          bulletFontName=fonts.REGULAR, leading=leading or size * 1.3, **extra)


BODY = style("body")
SMALL = style("small", 8, textColor=colors.HexColor("#444444"))
HEADING = style("heading", 12, bold=True, spaceBefore=8, spaceAfter=4)
TITLE = style("title", 15, bold=True, spaceAfter=8)


def text(value: str, paragraph_style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped, French spacing, line breaks kept)."""
    return Paragraph(escape(french(value)).replace("\n", "<br/>"), paragraph_style)


class SignatureBlock(Flowable):  # type: ignore[misc]
    """The visible signature, drawn with the embedded font; remembers where it was drawn."""

    def __init__(self, stamp: SignatureStamp, rendered: Rendered) -> None:
        super().__init__()
        self.stamp, self.rendered = stamp, rendered
        self.width, self.height = SIGNATURE_SIZE
        self.hAlign = "RIGHT"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """A fixed size, whatever the room left."""
        return self.width, self.height

    def draw(self) -> None:
        """Draw the block and note its absolute position for the signature field."""
        c = self.canv
        c.setStrokeColor(colors.HexColor("#1f4e79"))
        c.setLineWidth(0.8)
        c.rect(0, 0, self.width, self.height)
        lines = [(self.stamp.heading, fonts.BOLD, 9),
                 (self.stamp.signer, fonts.BOLD, 9),
                 (f"RPPS {self.stamp.rpps}" if self.stamp.rpps else "", fonts.REGULAR, 8),
                 (f"le {self.stamp.signed_at}", fonts.REGULAR, 8),
                 (self.stamp.time_source, fonts.ITALIC, 7)]
        if self.stamp.demo:
            lines.append(("DEMO — sans valeur", fonts.BOLD, 8))
        y = self.height - 11
        for line, font, size in lines:
            c.setFont(font, size)
            c.drawString(4 * mm, y, line)
            y -= size + 3
        x, y = c.absolutePosition(0, 0)
        self.rendered.signature_page = c.getPageNumber() - 1
        self.rendered.signature_box = (x, y, x + self.width, y + self.height)


def numbered_canvas(document: Document) -> type[pdf_canvas.Canvas]:
    """A canvas that writes the letterhead, the patient and "page n / N" on every page."""

    class NumberedCanvas(pdf_canvas.Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = fonts.REGULAR  # never the non-embedded Helvetica
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _decorate(self, document, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _decorate(c: pdf_canvas.Canvas, document: Document, number: int, total: int) -> None:
    width, height = A4
    head = document.letterhead
    top = height - MARGIN
    c.setFillColor(colors.black)
    c.setFont(fonts.BOLD, 12)
    c.drawString(MARGIN, top, head.physician or "Médecin")
    c.setFont(fonts.REGULAR, 9)
    details = [head.specialty, f"RPPS {head.rpps}" if head.rpps else "", head.address,
               f"Tél. {head.phone}" if head.phone else ""]
    for index, line in enumerate(d for d in details if d):
        c.drawString(MARGIN, top - 13 - 11 * index, french(line))
    c.setStrokeColor(colors.HexColor("#1f4e79"))
    c.line(MARGIN, height - MARGIN - HEADER_HEIGHT + 6 * mm,
           width - MARGIN, height - MARGIN - HEADER_HEIGHT + 6 * mm)
    c.setFont(fonts.REGULAR, 8)
    c.drawString(MARGIN, MARGIN - 2 * mm, french(document.patient_line))
    c.drawRightString(width - MARGIN, MARGIN - 2 * mm, f"page {number} / {total}")


def render(document: Document, stamp: SignatureStamp | None) -> Rendered:
    """Lay `document` out on A4, ending with the signature block unless `stamp` is None."""
    fonts.register()
    rendered = Rendered(pdf=b"")
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT, bottomMargin=MARGIN + FOOTER_HEIGHT,
        title=document.title, author=document.letterhead.physician,
        subject=document.subject or document.title, creator="Cabinet", lang="fr-FR")
    story: list[Flowable] = [text(document.title, TITLE), *document.body]
    if stamp is not None:
        story += [Spacer(1, 8 * mm), SignatureBlock(stamp, rendered)]
    template.build(story, canvasmaker=numbered_canvas(document))
    rendered.pdf = buffer.getvalue()
    return rendered

