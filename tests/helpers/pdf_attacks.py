"""What an attacker does to a signed PDF without touching the signed bytes: an incremental update.

Each function copies the file and appends one revision with pyHanko's incremental writer, as
any PDF editor would: a white box drawn over the text (a square annotation), or the page's
content stream rewritten with a white box at its end. The first signature still covers its
own revision.
"""

import io
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

WHITE_BOX = b"q 1 g 60 500 300 40 re f Q"  # drawn over the body's first lines


def _first_page(writer: IncrementalPdfFileWriter) -> tuple[generic.Reference,
                                                          generic.DictionaryObject]:
    reference = writer.root["/Pages"].raw_get("/Kids")[0]
    return reference, reference.get_object()


def _amended(path: Path, writer: IncrementalPdfFileWriter, suffix: str) -> Path:
    output = io.BytesIO()
    writer.write(output)
    changed = path.with_name(f"{suffix}-{path.name}")
    changed.write_bytes(output.getvalue())
    return changed


def white_box_annotation(path: Path) -> Path:
    """A copy with a white, borderless square annotation over the first page's body."""
    writer = IncrementalPdfFileWriter(io.BytesIO(path.read_bytes()), strict=False)
    reference, page = _first_page(writer)
    box = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Square"),
        generic.NameObject("/Rect"): generic.ArrayObject(
            generic.FloatObject(value) for value in (60, 500, 360, 540)),
        generic.NameObject("/C"): generic.ArrayObject(generic.FloatObject(1) for _ in range(3)),
        generic.NameObject("/IC"): generic.ArrayObject(generic.FloatObject(1) for _ in range(3)),
        generic.NameObject("/F"): generic.NumberObject(4),
        generic.NameObject("/P"): reference}))
    annotations = page.get("/Annots", generic.ArrayObject())
    page[generic.NameObject("/Annots")] = generic.ArrayObject([*annotations, box])
    writer.update_container(page)
    return _amended(path, writer, "annotee")


def rewritten_page_content(path: Path) -> Path:
    """A copy whose first page's content stream is rewritten in place, a white box at its end."""
    writer = IncrementalPdfFileWriter(io.BytesIO(path.read_bytes()), strict=False)
    _, page = _first_page(writer)
    contents = page.raw_get("/Contents")
    reference = contents[-1] if isinstance(contents, generic.ArrayObject) else contents
    rewritten = reference.get_object().data + b"\n" + WHITE_BOX
    writer.objects[(reference.generation, reference.idnum)] = generic.StreamObject(
        stream_data=rewritten)
    return _amended(path, writer, "recouverte")
