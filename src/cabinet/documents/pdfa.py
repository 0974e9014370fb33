"""Make reportlab's PDF a PDF/A-2b, with an empty signature field over the signature block.

reportlab already embeds the (subset) fonts; what it cannot write is the XMP `pdfaid`
metadata and the output intent, added here with pikepdf. The sRGB profile comes from
Pillow's LittleCMS, so no ICC file has to be shipped. PDF/A wants every widget to have an
appearance: the signature field gets an empty one (the block underneath is page content),
which pyHanko keeps when it signs.
"""

import dataclasses
import functools
import io

import pikepdf
from PIL import ImageCms

from cabinet.documents.layout import Rendered

SIGNATURE_FIELD = "Signature"
PRINT_FLAG = 4
NO_BOX = (0, 0, 0, 0)


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile."""
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def make_pdfa(rendered: Rendered, *, title: str, author: str, subject: str) -> Rendered:
    """`rendered` with the PDF/A-2b identification, metadata, output intent, signature field."""
    with pikepdf.open(io.BytesIO(rendered.pdf)) as document:
        if rendered.signature_box != NO_BOX:
            _add_signature_field(document, rendered)
        profile = document.make_stream(srgb_profile())
        profile.N = 3
        document.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier="sRGB IEC61966-2.1", Info="sRGB IEC61966-2.1",
            DestOutputProfile=profile)])
        document.Root.Lang = "fr-FR"
        document.docinfo.Title = title
        document.docinfo.Author = author
        document.docinfo.Subject = subject
        if pikepdf.Name.Trapped in document.docinfo:
            del document.docinfo[pikepdf.Name.Trapped]  # no XMP equivalent
        with document.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta.load_from_docinfo(document.docinfo)
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
            meta["xmp:CreatorTool"] = "Cabinet"
        output = io.BytesIO()
        document.save(output, fix_metadata_version=True, deterministic_id=False)
        return dataclasses.replace(rendered, pdf=output.getvalue())


def _add_signature_field(document: pikepdf.Pdf, rendered: Rendered) -> None:
    page = document.pages[rendered.signature_page]
    x1, y1, x2, y2 = rendered.signature_box
    appearance = document.make_stream(b"", Type=pikepdf.Name.XObject,
                                      Subtype=pikepdf.Name.Form,
                                      BBox=pikepdf.Array([0, 0, x2 - x1, y2 - y1]))
    widget = document.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig,
        T=pikepdf.String(SIGNATURE_FIELD), F=PRINT_FLAG, P=page.obj,
        Rect=pikepdf.Array([x1, y1, x2, y2]), AP=pikepdf.Dictionary(N=appearance)))
    page.obj.Annots = pikepdf.Array([*page.obj.get(pikepdf.Name.Annots, []), widget])
    document.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]),
                                                SigFlags=3)
