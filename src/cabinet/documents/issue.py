"""From a `Document` to a signed PDF/A: lay out, identify as PDF/A-2b, sign (PAdES).

A document the physician writes (certificate, letter) is first shown as `preview`: the same
`Document` laid out the same way, its signature block saying who will sign and that it is
not signed yet; `issue` then lays out that very `Document` with the signature.
"""

import datetime as dt
from urllib.parse import urlsplit

from cabinet.documents.layout import (
    FOOTER_HEIGHT,
    HEADER_HEIGHT,
    MARGIN,
    Document,
    Rendered,
    SignatureStamp,
    render,
)
from cabinet.documents.pdfa import make_pdfa
from cabinet.documents.signing import DocumentSigner, sign_pdf
from cabinet.documents.typography import date_and_time


def issue(document: Document, signer: DocumentSigner, now: dt.datetime,
          tsa_url: str = "") -> bytes:
    """The signed PDF of `document`; the block states honestly where the time comes from."""
    stamp = SignatureStamp(signer.holder, signer.rpps, date_and_time(now), _time_source(tsa_url),
                           demo=signer.demo)
    return sign_pdf(_pdfa(document, stamp), signer, reason=document.title, tsa_url=tsa_url)


def preview(document: Document, tsa_url: str = "") -> bytes:
    """The unsigned PDF/A of `document` as it will be signed, its block marked « Aperçu »."""
    head = document.letterhead
    stamp = SignatureStamp(head.physician, head.rpps, "(date et heure de la signature)",
                           _time_source(tsa_url), heading="Aperçu — non signé")
    return _pdfa(document, stamp).pdf


def unsigned(document: Document) -> bytes:
    """The PDF/A of a document nobody signs (the recovery sheet: no card at hand then)."""
    return _pdfa(document, None).pdf


def text_of(pdf: bytes) -> str:
    """A PDF's whole text in reading order, page by page: letterhead, body, footer.

    The letterhead and footer are drawn last on each page; reading by bands keeps them in
    their place, as a reader (or pdftotext) sees them.
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            width, height = page.get_size()
            text = page.get_textpage()
            bands = ((height - MARGIN - HEADER_HEIGHT, height), (MARGIN + FOOTER_HEIGHT,
                     height - MARGIN - HEADER_HEIGHT), (0, MARGIN + FOOTER_HEIGHT))
            pages.append("\n".join(text.get_text_bounded(0, bottom, width, top).strip()
                                   for bottom, top in bands))
    finally:
        document.close()
    return "\n".join(pages).replace("\r\n", "\n").replace("\r", "\n")


def _time_source(tsa_url: str) -> str:
    return (f"heure certifiée par {urlsplit(tsa_url).hostname}" if tsa_url
            else "heure du poste de travail, sans horodatage")


def _pdfa(document: Document, stamp: SignatureStamp | None) -> Rendered:
    return make_pdfa(render(document, stamp), title=document.title,
                     author=document.letterhead.physician,
                     subject=document.subject or document.title)
