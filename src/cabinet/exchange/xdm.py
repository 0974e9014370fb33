"""IHE XDM packages (the zip layout secure health messaging, MSSanté, carries).

INDEX.HTM and README.TXT at the root for people; IHE_XDM/SUBSET01/METADATA.XML describing
each document as an XDS document entry (ebRIM 3.0: mime type, size, SHA-1 hash as XDS wants
it, creation time, URI), with the documents beside it. Cabinet writes the subset of XDS
metadata it knows; codes it cannot know (practice setting, confidentiality) are left out.
"""

import hashlib
import io
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from xml.etree import ElementTree as ET

RIM = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"
LCM = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
STABLE_DOCUMENT_ENTRY = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"
SUBMISSION_SET = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"
SUBSET = "IHE_XDM/SUBSET01"


@dataclass(frozen=True)
class PackedDocument:
    """One document of the package."""

    filename: str
    title: str
    media_type: str
    content: bytes


def _slot(parent: ET.Element, name: str, *values: str) -> None:
    slot = ET.SubElement(parent, f"{{{RIM}}}Slot", name=name)
    value_list = ET.SubElement(slot, f"{{{RIM}}}ValueList")
    for value in values:
        ET.SubElement(value_list, f"{{{RIM}}}Value").text = value


def _name(parent: ET.Element, text: str) -> None:
    name = ET.SubElement(parent, f"{{{RIM}}}Name")
    ET.SubElement(name, f"{{{RIM}}}LocalizedString", value=text, charset="UTF-8",
                  lang="fr-FR")


def metadata(documents: Sequence[PackedDocument], *, patient_id: str, author: str,
             created: str) -> bytes:
    """METADATA.XML for `documents` (created: UTC 'YYYYMMDDHHMMSS')."""
    ET.register_namespace("rim", RIM)
    ET.register_namespace("lcm", LCM)
    root = ET.Element(f"{{{LCM}}}SubmitObjectsRequest")
    objects = ET.SubElement(root, f"{{{RIM}}}RegistryObjectList")
    package_id = f"urn:uuid:{uuid.uuid4()}"
    package = ET.SubElement(objects, f"{{{RIM}}}RegistryPackage", id=package_id)
    _slot(package, "submissionTime", created)
    _slot(package, "authorPerson", author)
    _name(package, "Transmission Cabinet")
    ET.SubElement(objects, f"{{{RIM}}}Classification", classificationNode=SUBMISSION_SET,
                  classifiedObject=package_id, id=f"urn:uuid:{uuid.uuid4()}")
    for document in documents:
        entry_id = f"urn:uuid:{uuid.uuid4()}"
        entry = ET.SubElement(objects, f"{{{RIM}}}ExtrinsicObject", id=entry_id,
                              mimeType=document.media_type, objectType=STABLE_DOCUMENT_ENTRY)
        _slot(entry, "creationTime", created)
        _slot(entry, "hash", hashlib.sha1(document.content, usedforsecurity=False).hexdigest())
        _slot(entry, "size", str(len(document.content)))
        _slot(entry, "URI", document.filename)
        _slot(entry, "languageCode", "fr-FR")
        _slot(entry, "sourcePatientId", patient_id)
        _name(entry, document.title)
        ET.SubElement(objects, f"{{{RIM}}}Association", id=f"urn:uuid:{uuid.uuid4()}",
                      associationType="urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember",
                      sourceObject=package_id, targetObject=entry_id)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _index(documents: Sequence[PackedDocument], sender: str) -> bytes:
    items = "".join(f'<li><a href="{SUBSET}/{escape(d.filename)}">{escape(d.title)}</a></li>'
                    for d in documents)
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Transmission'
            f"</title></head><body><h1>Transmission de {escape(sender)}</h1><ul>{items}</ul>"
            "</body></html>").encode()


TRANSMISSION_README = (
    "Paquet IHE XDM produit par Cabinet.\r\n"
    "Les documents PDF sont signés électroniquement (PAdES) ; le fichier JSON est la "
    "copie structurée du dossier (schéma décrit dans le champ « schema »).\r\n")


def package(documents: Sequence[PackedDocument], *, patient_id: str, author: str,
            created: str, readme: str = TRANSMISSION_README) -> bytes:
    """The XDM zip, built in memory; `readme` says what the package is for."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("INDEX.HTM", _index(documents, author))
        archive.writestr("README.TXT", (
            f"Émetteur : {author}\r\nDate : {created} (UTC)\r\n{readme}").encode())
        archive.writestr(f"{SUBSET}/METADATA.XML",
                         metadata(documents, patient_id=patient_id, author=author,
                                  created=created))
        for document in documents:
            archive.writestr(f"{SUBSET}/{document.filename}", document.content)
    return buffer.getvalue()


def expanded_size(package_bytes: bytes) -> int:
    """The total size of the files inside a zip, as its directory announces it."""
    with zipfile.ZipFile(io.BytesIO(package_bytes)) as archive:
        return sum(info.file_size for info in archive.infolist())
