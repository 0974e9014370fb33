"""From a `Document` to a signed PDF/A: lay out, identify as PDF/A-2b, sign (PAdES)."""

import datetime as dt
from urllib.parse import urlsplit

from cabinet.documents.layout import Document, SignatureStamp, render
from cabinet.documents.pdfa import make_pdfa
from cabinet.documents.signing import DocumentSigner, sign_pdf
from cabinet.documents.typography import date_and_time


def issue(document: Document, signer: DocumentSigner, now: dt.datetime,
          tsa_url: str = "") -> bytes:
    """The signed PDF of `document`; the block states honestly where the time comes from."""
    source = (f"heure certifiée par {urlsplit(tsa_url).hostname}" if tsa_url
              else "heure du poste de travail, sans horodatage")
    stamp = SignatureStamp(signer.holder, signer.rpps, date_and_time(now), source,
                           demo=signer.demo)
    rendered = make_pdfa(render(document, stamp), title=document.title,
                         author=document.letterhead.physician,
                         subject=document.subject or document.title)
    return sign_pdf(rendered, signer, reason=document.title, tsa_url=tsa_url)


def unsigned(document: Document) -> bytes:
    """The PDF/A of a document nobody signs (the recovery sheet: no card at hand then)."""
    rendered = make_pdfa(render(document, None), title=document.title,
                         author=document.letterhead.physician,
                         subject=document.subject or document.title)
    return rendered.pdf
