"""One patient's sub-archive (PATnnnnn.ZIP), an IHE XDM package built in memory.

    INDEX.HTM, README.TXT
    IHE_XDM/SUBSET01/METADATA.XML   XDS entries for every file below
    IHE_XDM/SUBSET01/DOSSIER.JSON   the complete record, every version (schema patient-1)
    IHE_XDM/SUBSET01/FHIR.JSON      the current record as a FHIR R4 Bundle
    IHE_XDM/SUBSET01/DOSSIER.PDF    the current record, PDF/A-2b, for people
    IHE_XDM/SUBSET01/DOCnnnnn.EXT   each stored document, byte for byte

Built from plain data so that it can run in a worker process: rendering the PDF is the
slow part of an export, and a practice's patients are independent.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from cabinet.archive import fhir
from cabinet.domain.identity import identity_from_dict
from cabinet.exchange import xdm
from cabinet.services.portability.ports import PatientData
from cabinet.services.ports import StoredVersion

if TYPE_CHECKING:
    from cabinet.documents.layout import Letterhead

PATIENT_SCHEMA = "cabinet.archive.patient/1"
RECORD_JSON = "DOSSIER.JSON"
FHIR_JSON = "FHIR.JSON"
RECORD_PDF = "DOSSIER.PDF"
INS_NIR_OID = "1.2.250.1.213.1.4.8"


@dataclass(frozen=True)
class Package:
    """A built sub-archive and what it expands to."""

    content: bytes
    files: int
    expanded_size: int


def document_paths(entries: Sequence[StoredVersion]) -> dict[str, str]:
    """DOCnnnnn.EXT for each distinct stored file, in the order the record met them."""
    paths: dict[str, str] = {}
    for entry in entries:
        if entry.kind == "document" and entry.payload["sha256"] not in paths:
            suffix = PurePosixPath(entry.payload["filename"]).suffix.upper()[1:6]
            clean = "".join(c for c in suffix if c.isalnum()) or "BIN"
            paths[entry.payload["sha256"]] = f"DOC{len(paths) + 1:05d}.{clean}"
    return paths


def current(entries: Sequence[StoredVersion]) -> list[StoredVersion]:
    """The newest version of each entry, newest date first (what the record shows)."""
    newest: dict[int, StoredVersion] = {}
    for entry in entries:
        if entry.lineage not in newest or entry.version > newest[entry.lineage].version:
            newest[entry.lineage] = entry
    return sorted(newest.values(), key=lambda e: (e.effective_date, e.id), reverse=True)


def allergy_status(entries: Sequence[StoredVersion]) -> str:
    """'not_entered', 'none_known' (the explicit negative) or 'present'."""
    allergies = [e.payload["status"] for e in entries if e.kind == "allergy"]
    if not allergies:
        return "not_entered"
    return "present" if "present" in allergies else "none_known"


_VERSION_FIELDS = tuple(f.name for f in fields(StoredVersion) if f.name != "patient_id")


def _version(entry: StoredVersion) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in _VERSION_FIELDS}


def record_json(data: PatientData, paths: Mapping[str, str]) -> dict[str, Any]:
    """DOSSIER.JSON: the complete record, every version, with author and time."""
    return {
        "schema": PATIENT_SCHEMA, "archive": data.archive,
        "source_patient_id": data.source_patient_id, "created_at": data.created_at,
        "created_by": data.created_by,
        "allergy_status": allergy_status(current(data.entries)),
        "identity_versions": [{"version": v.version, "data": v.payload, "author": v.author,
                               "created_at": v.created_at, "reason": v.reason}
                              for v in data.identity_versions],
        "entries": [_version(e) for e in data.entries],
        "files": [{"sha256": sha, "size": len(data.blobs[sha]), "path": path}
                  for sha, path in paths.items()],
    }


def _record_pdf(letterhead: "Letterhead", data: PatientData,
                entries: Sequence[StoredVersion]) -> bytes:
    from cabinet.documents.content import SECTION_TITLES
    from cabinet.documents.listing import record_listing

    return record_listing(letterhead, identity_from_dict(data.identity_versions[-1].payload),
                          entries, frozenset(SECTION_TITLES), "Dossier médical transmis")


def source_patient_id(identity: Mapping[str, Any], archive: str) -> str:
    """The XDS patient id: the INS (NIR) when qualified, else the archive's own number."""
    if identity.get("identity_status") == "qualifiee" and identity.get("nir"):
        return f"{identity['nir']}^^^&{INS_NIR_OID}&ISO"
    return f"{archive}^^^&urn:cabinet:archive&URI"


def build(data: PatientData, letterhead: "Letterhead", *, exported_by: str,
          created: str) -> Package:
    """The patient's XDM zip (created: UTC 'YYYYMMDDHHMMSS')."""
    paths = document_paths(data.entries)
    now = current(data.entries)
    identity = data.identity_versions[-1].payload
    documents = [
        xdm.PackedDocument(RECORD_JSON, "Dossier complet (JSON, toutes versions)",
                           "application/json",
                           json.dumps(record_json(data, paths), ensure_ascii=False).encode()),
        xdm.PackedDocument(FHIR_JSON, "Dossier courant (FHIR R4)", "application/fhir+json",
                           json.dumps(fhir.bundle(identity, now, paths),
                                      ensure_ascii=False).encode()),
        xdm.PackedDocument(RECORD_PDF, "Dossier médical (PDF/A)", "application/pdf",
                           _record_pdf(letterhead, data, now)),
        *(xdm.PackedDocument(path, f"Document {path}", _media_type(data.entries, sha),
                             data.blobs[sha]) for sha, path in paths.items()),
    ]
    content = xdm.package(documents, patient_id=source_patient_id(identity, data.archive),
                          author=exported_by, created=created, readme=README)
    return Package(content, files=len(documents) + 3,
                   expanded_size=xdm.expanded_size(content))


def _media_type(entries: Sequence[StoredVersion], sha256: str) -> str:
    return next(str(e.payload["media_type"]) for e in entries
                if e.kind == "document" and e.payload["sha256"] == sha256)


README = (
    "Dossier d'un patient, extrait d'une archive de portabilité Cabinet (paquet IHE XDM).\r\n"
    "DOSSIER.PDF : le dossier lisible (PDF/A). DOSSIER.JSON : le dossier complet, toutes "
    "versions, auteurs et dates (schéma dans DOCUMENTATION/ à la racine de l'archive). "
    "FHIR.JSON : l'état courant en ressources FHIR R4. DOCnnnnn : les documents tels que "
    "reçus ou produits.\r\n")
