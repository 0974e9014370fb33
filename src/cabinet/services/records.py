"""The medical record (REC-1 to REC-3): entries, corrections as versions, files, full text.

Every method reads or writes medical data, so every one is `@audited`. Nothing is updated in
place: a correction is a new version of the same lineage and the old one stays readable.
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from cabinet.domain.audit import Action, entry_digest, with_digest
from cabinet.domain.record import (
    MAX_DOCUMENT_BYTES,
    EntryKind,
    RecordError,
    is_non_communicable,
    objects_to,
    searchable_text,
    validate_entry,
)
from cabinet.domain.text import fold
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.archive_gate import ArchiveGate
from cabinet.services.auditing import AuditTrail, audited
from cabinet.services.journal import BREAK_GLASS
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import NewEntry, RecordStore, StoredVersion

FULL_TEXT_LIMIT = 20
_MAX_QUERY_TERMS = 6
_MIN_PREFIX = 3
OVERRIDDEN = " — alerte d'allergie passée outre (motif dans l'ordonnance)"
"""Said in the journal when a prescription keeps a line despite the patient's allergy."""


class ReplacementObjection(KnownError):
    """The patient objected to the replacing physician seeing the record (RIGHTS-2)."""

    def __init__(self) -> None:
        super().__init__(
            "Ce patient s'est opposé à la consultation de son dossier par le médecin "
            "remplaçant. En cas d'urgence, utilisez le bris de glace : le motif vous sera "
            "demandé et l'accès sera signalé au médecin titulaire.")


class UnknownEntry(KnownError):
    """The entry does not exist in this vault."""

    def __init__(self) -> None:
        super().__init__("Cette entrée n'existe pas dans le dossier.")


@dataclass(frozen=True)
class PatientRecord:
    """What opening a record shows: the current version of every entry, newest first."""

    patient_id: int
    entries: list[StoredVersion]
    archived_on: str | None = None  # in the intermediate archive since that day (read-only)

    def of_kind(self, kind: EntryKind) -> list[StoredVersion]:
        """Current entries of one kind."""
        return [e for e in self.entries if e.kind == kind.value]

    def allergy_status(self) -> str:
        """'not_entered', 'none_known' (explicit negative) or 'present'."""
        allergies = self.of_kind(EntryKind.ALLERGY)
        if not allergies:
            return "not_entered"
        if any(a.payload["status"] == "present" for a in allergies):
            return "present"
        return "none_known"


def query_words(text: str) -> list[str]:
    """The folded words of a typed query, at most six so a query stays cheap."""
    return [w for w in re.split(r"\W+", fold(text)) if w][:_MAX_QUERY_TERMS]


def full_text_query(text: str) -> str:
    """Turn typed words into a safe FTS5 expression (every word must match).

    Words are quoted (no FTS syntax can be injected); words of three letters or more match
    as prefixes, shorter ones as whole words.
    """
    return " ".join(f'"{w}"*' if len(w) >= _MIN_PREFIX else f'"{w}"'
                    for w in query_words(text))


def matches_words(words: list[str], text: str) -> bool:
    """The same rule as `full_text_query`, applied to one text in memory."""
    tokens = set(re.split(r"\W+", fold(text)))
    return all(any(t.startswith(w) for t in tokens) if len(w) >= _MIN_PREFIX else w in tokens
               for w in words)


class RecordService:
    """Read and write the medical content of records, always journaled.

    Writes pass the `gate`: an archived record takes only a new encounter, which reopens it.
    """

    def __init__(self, store: RecordStore, trail: AuditTrail, gate: ArchiveGate) -> None:
        self._store = store
        self._trail = trail
        self._gate = gate

    def _require_patient(self, patient_id: int) -> None:
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        self._check_objection(patient_id)

    def _check_objection(self, patient_id: int,
                         entries: list[StoredVersion] | None = None) -> None:
        """A replacing physician reaches an objecting patient's record only by break-glass."""
        if not self._trail.is_replacement() or patient_id in self._trail.break_glass:
            return
        if entries is None:
            entries = self._store.current_entries(patient_id)
        consents = [e.payload for e in entries if e.kind == EntryKind.CONSENT.value]
        if objects_to(consents, "replacement_access"):
            raise ReplacementObjection

    def _versions(self, lineage: int) -> list[StoredVersion]:
        versions = self._store.entry_versions(lineage)
        if not versions:
            raise UnknownEntry
        self._check_objection(versions[0].patient_id)
        return versions

    def _readable(self, patient_id: int) -> bool:
        try:
            self._check_objection(patient_id)
        except ReplacementObjection:
            return False
        return True

    @audited
    def break_glass(self, patient_id: int, reason: str) -> None:
        """Open an objecting patient's record in an emergency, with a written reason (AUTH-4).

        The access is journaled as break-glass, and so is everything done to this record
        for the rest of the session; the titular physician reviews it at the next unlock.
        """
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        if len(reason.strip()) < 10:
            raise InvalidInput("Décrivez l'urgence qui justifie le bris de glace "
                               "(au moins quelques mots).")
        self._trail.break_glass.add(patient_id)
        self._trail.record(Action.READ, patient_id=patient_id, target=BREAK_GLASS,
                           detail=reason.strip()[:500])

    def _write(self, patient_id: int, kind: EntryKind, payload: Mapping[str, Any], *,
               lineage: int | None, version: int, reason: str) -> tuple[int, str]:
        """Store one version; return its row number and the digest its event must carry."""
        try:
            checked = validate_entry(kind, payload)
        except RecordError as error:
            raise InvalidInput(str(error)) from None
        effective = str(checked.get("date") or checked.get("since") or self._trail.now()[:10])
        entry = NewEntry(
            patient_id=patient_id, kind=kind.value, lineage=lineage, version=version,
            effective_date=effective, payload=checked,
            non_communicable=is_non_communicable(kind), author=self._trail.actor.name,
            created_at=self._trail.now(), reason=reason, text=searchable_text(checked))
        entry_id = self._store.add_entry(entry)
        return entry_id, entry_digest({**asdict(entry), "lineage": lineage or entry_id})

    @audited
    def add_entry(self, patient_id: int, kind: EntryKind, payload: Mapping[str, Any]) -> int:
        """Add a new entry to a record; return its lineage number."""
        if kind is EntryKind.DOCUMENT:
            raise InvalidInput("Un document s'ajoute avec son fichier.")
        self._require_patient(patient_id)
        self._gate.before_write(patient_id, kind)
        lineage, digest = self._write(patient_id, kind, payload, lineage=None, version=1,
                                      reason="")
        said = kind.value + (OVERRIDDEN if kind is EntryKind.PRESCRIPTION and any(
            isinstance(line, Mapping) and line.get("allergy_override")
            for line in payload.get("lines", [])) else "")
        self._trail.record(Action.CREATE, patient_id=patient_id, target=f"entry:{lineage}",
                           detail=with_digest(said, digest))
        return lineage

    @audited
    def correct_entry(self, lineage: int, payload: Mapping[str, Any], reason: str) -> int:
        """Store a corrected version of an entry; return the new version number."""
        if not reason.strip():
            raise InvalidInput("Indiquez le motif de la correction.")
        latest = self._versions(lineage)[-1]
        self._gate.before_write(latest.patient_id, None)
        payload = dict(payload)
        if latest.kind == EntryKind.DOCUMENT.value:
            payload.update(sha256=latest.payload["sha256"], size=latest.payload["size"])
        _, digest = self._write(latest.patient_id, EntryKind(latest.kind), payload,
                                lineage=lineage, version=latest.version + 1, reason=reason)
        self._trail.record(Action.CORRECT, patient_id=latest.patient_id,
                           target=f"entry:{lineage}",
                           detail=with_digest(f"version {latest.version + 1}", digest))
        return latest.version + 1

    @audited
    def open_record(self, patient_id: int) -> PatientRecord:
        """Read the whole current record of a patient."""
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        entries = self._store.current_entries(patient_id)
        self._check_objection(patient_id, entries)
        record = PatientRecord(patient_id, entries, self._gate.archived_on(patient_id))
        self._trail.record(Action.READ, patient_id=patient_id, target="record")
        return record

    @audited
    def entry_history(self, lineage: int) -> list[StoredVersion]:
        """Every version of one entry, oldest first (REC-3)."""
        versions = self._versions(lineage)
        self._trail.record(Action.READ, patient_id=versions[0].patient_id,
                           target=f"entry:{lineage}", detail="history")
        return versions

    @audited
    def add_document(self, patient_id: int, metadata: Mapping[str, Any], content: bytes) -> int:
        """Store a file inside the vault with its type and origin; return its lineage."""
        self._require_patient(patient_id)
        self._gate.before_write(patient_id, None)
        if not content:
            raise InvalidInput("Le fichier est vide.")
        if len(content) > MAX_DOCUMENT_BYTES:
            raise InvalidInput("Le fichier dépasse 50 Mo : réduisez-le avant de l'importer.")
        digest = hashlib.sha256(content).hexdigest()
        self._store.put_blob(digest, content)
        payload = {**metadata, "sha256": digest, "size": len(content)}
        lineage, entry_sha256 = self._write(patient_id, EntryKind.DOCUMENT, payload,
                                            lineage=None, version=1, reason="")
        self._trail.record(Action.CREATE, patient_id=patient_id, target=f"entry:{lineage}",
                           detail=with_digest("document", entry_sha256))
        return lineage

    @audited
    def read_document(self, lineage: int) -> bytes:
        """The bytes of a stored document (shown inside the application only)."""
        latest = self._versions(lineage)[-1]
        if latest.kind != EntryKind.DOCUMENT.value:
            raise UnknownEntry
        content = self._store.get_blob(latest.payload["sha256"])
        self._trail.record(Action.READ, patient_id=latest.patient_id,
                           target=f"entry:{lineage}", detail="document content")
        return content

    @audited
    def search_text(self, text: str, patient_id: int | None = None,
                    limit: int = FULL_TEXT_LIMIT) -> list[StoredVersion]:
        """Full-text search over the notes, newest first, bounded to one page.

        Across the practice the FTS5 index answers; inside one record, the record's own
        entries are read and matched in memory, which stays fast however large the practice.
        """
        limit = min(limit, 100)
        words = query_words(text)
        if not words:
            hits: list[StoredVersion] = []
        elif patient_id is None:
            hits = [h for h in self._store.full_text(full_text_query(text), limit)
                    if self._readable(h.patient_id)]
        else:
            self._require_patient(patient_id)
            entries = sorted(self._store.current_entries(patient_id), key=lambda e: -e.id)
            hits = [e for e in entries if matches_words(words, searchable_text(e.payload))]
            hits = hits[:limit]
        self._trail.record(Action.SEARCH, patient_id=patient_id, target="full text",
                           detail=f"{len(hits)} résultat(s)")
        return hits
