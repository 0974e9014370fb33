"""Name in French what the revisions appended after a signature changed in a PDF.

Cabinet certifies its documents « no changes allowed », so any later revision is a violation;
naming it (a box drawn over a dose, a page's content rewritten) tells the pharmacist or the
physician what not to believe, where a bare « modifié » would not.
"""

from collections.abc import Iterator

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

ANNOTATION_KINDS = {
    "/Square": "rectangle", "/Circle": "cercle", "/FreeText": "texte libre", "/Text": "note",
    "/Ink": "dessin à main levée", "/Stamp": "tampon", "/Highlight": "surlignage",
    "/StrikeOut": "texte barré", "/Underline": "soulignement", "/Line": "trait",
    "/Polygon": "polygone", "/PolyLine": "ligne brisée", "/Link": "lien",
    "/FileAttachment": "pièce jointe", "/Redact": "caviardage",
}


def amendments(reader: PdfFileReader, signed_revision: int) -> list[str]:
    """Each change the revisions after `signed_revision` made, as French phrases (none if none)."""
    last = reader.xrefs.total_revisions - 1
    if signed_revision >= last:
        return []
    changed: set[generic.Reference] = set()
    for revision in range(signed_revision + 1, last + 1):
        changed |= reader.xrefs.explicit_refs_in_revision(revision)
    before = list(_pages(reader.get_historical_root(signed_revision)["/Pages"]))
    after = list(_pages(reader.root["/Pages"]))
    phrases = _page_count(len(before), len(after))
    for number, (old, new) in enumerate(zip(before, after, strict=False), start=1):
        phrases += _annotations(old, new, number, changed)
        contents = _references(new, "/Contents")
        if contents != _references(old, "/Contents") or changed & set(contents):
            phrases.append(f"le contenu de la page {number} modifié")
    return phrases or ["des éléments du document remplacés"]


def _pages(node: generic.DictionaryObject) -> Iterator[generic.DictionaryObject]:
    kids = node.get("/Kids")
    if kids is None:
        yield node
        return
    for index in range(len(kids)):
        yield from _pages(kids[index])  # indexing resolves the reference, in its revision


def _references(page: generic.DictionaryObject, key: str) -> list[generic.Reference]:
    value = page.raw_get(key) if key in page else generic.ArrayObject()
    if isinstance(value, generic.IndirectObject):
        resolved = page[key]
        if not isinstance(resolved, generic.ArrayObject):
            return [value.reference]
        value = resolved
    return [item.reference for item in value if isinstance(item, generic.IndirectObject)]


def _page_count(before: int, after: int) -> list[str]:
    if after > before:
        return ["une page ajoutée" if after == before + 1 else f"{after - before} pages ajoutées"]
    if after < before:
        return ["une page retirée" if before == after + 1 else f"{before - after} pages retirées"]
    return []


def _annotations(old: generic.DictionaryObject, new: generic.DictionaryObject, number: int,
                 changed: set[generic.Reference]) -> list[str]:
    previous = set(_references(old, "/Annots"))
    phrases = []
    for reference in _references(new, "/Annots"):
        if reference not in previous or reference in changed:
            what, agreement = _annotation(reference.get_object())
            verb = "modifié" if reference in previous else "ajouté"
            phrases.append(f"{what} {verb}{agreement} à la page {number}")
    return phrases


def _annotation(annotation: generic.PdfObject) -> tuple[str, str]:
    """The annotation named, and the past participle's agreement with it."""
    if not isinstance(annotation, generic.DictionaryObject):
        return "une annotation illisible", "e"
    subtype = str(annotation.get("/Subtype", ""))
    if subtype == "/Widget":
        if annotation.get("/FT") == "/Sig":
            return "une signature", "e"
        return "un champ de formulaire", ""
    kind = ANNOTATION_KINDS.get(subtype)
    return (f"une annotation ({kind})" if kind else "une annotation"), "e"
