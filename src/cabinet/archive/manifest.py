"""MANIFEST.XML, the archive's table of contents (PDLGC draft, "Rapport de volumétrie").

It follows the draft's model (exportId, extractTime, exportType, exportStatus, period,
editeurSortant, counts, one `Archive` per sub-archive with its size and SHA-256) and adds, as
documented departures: who exported (name, RPPS, certificate fingerprint: the signature must
match them), the software and the schema version, the recipient the envelope is for
(« passphrase » or the certificate's SHA-256 fingerprint, covered by the signature), and per
sub-archive its number of files and expanded size, so an import refuses a zip bomb before
inflating it.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from cabinet.domain.portability import EXPORT_TYPES
from cabinet.errors import KnownError

SCHEMA_VERSION = "cabinet.archive/1"
MANIFEST_XML = "MANIFEST.XML"
MANIFEST_P7S = "MANIFEST.P7S"
STATUSES = ("COMPLETE", "PARTIAL", "SAMPLE")
KINDS = ("Patient", "Transverse", "Documentation", "Index")
MAX_ARCHIVES = 10_000_000
_ARCHIVE_NAME = re.compile(
    r"PAT[0-9]{5,8}\.ZIP|TRANSV\.ZIP|INDEX\.HTM|DOCUMENTATION/[A-Z0-9_-]{1,40}\.[A-Z]{2,5}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NUMBER = re.compile(r"[0-9]{1,15}")


class ManifestError(KnownError):
    """MANIFEST.XML is missing, malformed, or of an unknown version."""


@dataclass(frozen=True)
class Exporter:
    """The outgoing physician as the manifest announces them."""

    name: str
    rpps: str
    certificate_sha256: str


@dataclass(frozen=True)
class ArchiveEntry:
    """One sub-archive: what it is, its size and hash, and what it expands to."""

    name: str
    kind: str
    size: int
    sha256: str
    files: int
    expanded_size: int
    patient_id: str = ""


@dataclass
class Manifest:
    """The whole manifest."""

    export_id: str
    extract_time: str
    export_type: str
    exporter: Exporter
    software: str
    status: str = "COMPLETE"
    comments: str = ""
    recipient: str = ""  # absent from archives written before it existed
    period_start: str = ""
    period_end: str = ""
    archives: list[ArchiveEntry] = field(default_factory=list)

    def count(self, kind: str) -> int:
        """How many sub-archives of one kind."""
        return sum(1 for a in self.archives if a.kind == kind)


def _add(parent: ET.Element, tag: str, text: str | int) -> None:
    ET.SubElement(parent, tag).text = str(text)


def to_xml(manifest: Manifest) -> bytes:
    """The manifest as UTF-8 XML."""
    root = ET.Element("Manifest", schemaVersion=SCHEMA_VERSION)
    _add(root, "exportId", manifest.export_id)
    _add(root, "extractTime", manifest.extract_time)
    _add(root, "exportType", manifest.export_type)
    if manifest.period_start:
        _add(root, "exportStartTime", manifest.period_start)
    if manifest.period_end:
        _add(root, "exportEndTime", manifest.period_end)
    _add(root, "exportStatus", manifest.status)
    if manifest.comments:
        _add(root, "comments", manifest.comments)
    editor = ET.SubElement(root, "editeurSortant")
    _add(editor, "denominationEG", manifest.software)
    exporter = ET.SubElement(root, "exportePar")
    _add(exporter, "nom", manifest.exporter.name)
    _add(exporter, "rpps", manifest.exporter.rpps)
    _add(exporter, "empreinteCertificat", manifest.exporter.certificate_sha256)
    if manifest.recipient:
        _add(root, "destinataire", manifest.recipient)
    _add(root, "PatientArchiveCount", manifest.count("Patient"))
    _add(root, "TransverseArchiveCount", manifest.count("Transverse"))
    archives = ET.SubElement(root, "Archives")
    for entry in manifest.archives:
        item = ET.SubElement(archives, "Archive")
        _add(item, "type", entry.kind)
        _add(item, "archiveid", entry.name)
        if entry.patient_id:
            _add(item, "patientId", entry.patient_id)
        _add(item, "size", entry.size)
        _add(item, "hash", entry.sha256)
        _add(item, "fileCount", entry.files)
        _add(item, "expandedSize", entry.expanded_size)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _text(element: ET.Element, tag: str, *, required: bool = True) -> str:
    found = element.find(tag)
    if found is None or found.text is None:
        if required:
            raise ManifestError(f"MANIFEST.XML : l'élément « {tag} » manque.")
        return ""
    return found.text.strip()


def _number(element: ET.Element, tag: str) -> int:
    text = _text(element, tag)
    if not _NUMBER.fullmatch(text):
        raise ManifestError(f"MANIFEST.XML : « {tag} » n'est pas un nombre.")
    return int(text)


def _archive(item: ET.Element) -> ArchiveEntry:
    entry = ArchiveEntry(name=_text(item, "archiveid"), kind=_text(item, "type"),
                         size=_number(item, "size"), sha256=_text(item, "hash"),
                         files=_number(item, "fileCount"),
                         expanded_size=_number(item, "expandedSize"),
                         patient_id=_text(item, "patientId", required=False))
    if entry.kind not in KINDS or not _ARCHIVE_NAME.fullmatch(entry.name) or \
            not _HEX64.fullmatch(entry.sha256):
        raise ManifestError("MANIFEST.XML : une sous-archive est mal décrite "
                            f"(« {entry.name[:40]} »).")
    return entry


def from_xml(data: bytes) -> Manifest:
    """Parse and check a manifest; raise `ManifestError` in French on anything unexpected."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ManifestError("MANIFEST.XML contient des déclarations d'entités : refusé.") \
            from None
    except ET.ParseError:
        raise ManifestError("MANIFEST.XML est mal formé (XML invalide).") from None
    if root.tag != "Manifest":
        raise ManifestError("MANIFEST.XML n'est pas un manifeste d'archive de portabilité.")
    version = root.get("schemaVersion", "")
    if version != SCHEMA_VERSION:
        raise ManifestError(f"MANIFEST.XML est d'une version inconnue (« {version[:40]} ») : "
                            "mettez Cabinet à jour pour l'importer.")
    exporter = root.find("exportePar")
    archives = root.find("Archives")
    if exporter is None or archives is None:
        raise ManifestError("MANIFEST.XML : l'exportateur ou la liste des archives manque.")
    manifest = Manifest(
        export_id=_text(root, "exportId"), extract_time=_text(root, "extractTime"),
        export_type=_text(root, "exportType"),
        exporter=Exporter(_text(exporter, "nom"), _text(exporter, "rpps", required=False),
                          _text(exporter, "empreinteCertificat")),
        software=_text(root, "editeurSortant/denominationEG"),
        status=_text(root, "exportStatus"), comments=_text(root, "comments", required=False),
        recipient=_text(root, "destinataire", required=False),
        period_start=_text(root, "exportStartTime", required=False),
        period_end=_text(root, "exportEndTime", required=False),
        archives=[_archive(item) for item in archives.findall("Archive")])
    _check(manifest, root)
    return manifest


def _check(manifest: Manifest, root: ET.Element) -> None:
    if manifest.export_type not in EXPORT_TYPES or manifest.status not in STATUSES:
        raise ManifestError("MANIFEST.XML : type ou statut d'export inconnu.")
    if manifest.recipient not in ("", "passphrase") and not _HEX64.fullmatch(manifest.recipient):
        raise ManifestError("MANIFEST.XML : le destinataire est mal décrit.")
    try:
        dt.datetime.fromisoformat(manifest.extract_time)
    except ValueError:
        raise ManifestError("MANIFEST.XML : la date d'extraction est invalide.") from None
    names = [a.name for a in manifest.archives]
    if len(names) != len(set(names)) or len(names) > MAX_ARCHIVES:
        raise ManifestError("MANIFEST.XML : une sous-archive est annoncée deux fois.")
    for tag, kind in (("PatientArchiveCount", "Patient"),
                      ("TransverseArchiveCount", "Transverse")):
        if _number(root, tag) != manifest.count(kind):
            raise ManifestError(f"MANIFEST.XML : « {tag} » ne correspond pas à la liste.")
