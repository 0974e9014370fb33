"""Erasure by joint decision (RIGHTS-3) and the destruction of a record's content (RET-2).

An erasure needs the patient's written request already scanned into the record, the
titular physician's typed confirmation and a reason. What stays is a mention in the record
and the journal (who, when, which request), never the content. The physician is told how
long the backups still hold it.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cabinet.domain.audit import Action
from cabinet.domain.erasure import (
    CONFIRMATION_WORD,
    PATIENT_REQUEST,
    ErasureOrder,
    backup_notice,
)
from cabinet.domain.record import EntryKind
from cabinet.domain.wording import KIND_LABELS, french_date
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.auditing import AuditTrail, audited, audited_in_step, not_audited
from cabinet.services.backup import Rotation
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import RecordStore
from cabinet.services.records import UnknownEntry
from cabinet.services.rights_ports import ErasureStore


class TitularOnly(KnownError):
    """A replacing physician never erases."""

    def __init__(self) -> None:
        super().__init__("Seul le médecin titulaire peut effacer une entrée du dossier.")


@dataclass(frozen=True)
class ErasureDone:
    """An erasure carried out, and what the physician must know of the backups."""

    erasure_id: int
    backup_notice: str
    log_emptied: bool


class ErasureService:
    """Erase one entry on the patient's request, or a whole record's medical content."""

    def __init__(self, store: RecordStore, erasures: ErasureStore, trail: AuditTrail,
                 rotation: Rotation | None = None) -> None:
        self._store = store
        self._erasures = erasures
        self._trail = trail
        self._rotation = rotation or Rotation()

    @audited
    def request_documents(self, patient_id: int) -> list[tuple[int, str]]:
        """The record's documents a written request can be: (lineage, French line)."""
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        documents = [(e.lineage, f"{e.payload['title']} ({french_date(e.payload['date'])})")
                     for e in self._store.current_entries(patient_id)
                     if e.kind == EntryKind.DOCUMENT.value]
        self._trail.record(Action.READ, patient_id=patient_id, target="record",
                           detail="documents")
        return documents

    @audited_in_step
    def erase_on_request(self, lineage: int, request: int | None, confirmation: str,
                         reason: str) -> ErasureDone:
        """Erase every version of an entry; then empty the log that still holds its pages."""
        erasure_id, created = self._erase_on_request(lineage, request, confirmation, reason)
        today = self._trail.clock.now().date()
        notice = backup_notice(created, today, self._rotation.daily, self._rotation.weekly,
                               self._rotation.monthly)
        return ErasureDone(erasure_id, notice, self.scrub())

    @audited
    def _erase_on_request(self, lineage: int, request: int | None, confirmation: str,
                          reason: str) -> tuple[int, dt.date]:
        if self._trail.is_replacement():
            raise TitularOnly
        versions = self._store.entry_versions(lineage)
        if not versions:
            raise UnknownEntry
        patient_id = versions[0].patient_id
        asked = self._store.entry_versions(request) if request is not None else []
        if (not asked or asked[0].patient_id != patient_id or request == lineage
                or asked[0].kind != EntryKind.DOCUMENT.value):
            raise InvalidInput(
                "L'effacement exige la demande écrite du patient, numérisée au préalable dans "
                "son dossier : ajoutez-la comme document, puis choisissez-la. Rien n'a été "
                "effacé.")
        if not reason.strip():
            raise InvalidInput("Indiquez le motif de l'effacement. Rien n'a été effacé.")
        if confirmation.strip() != CONFIRMATION_WORD:
            raise InvalidInput(f"Pour confirmer, tapez {CONFIRMATION_WORD} en majuscules. "
                               "Rien n'a été effacé.")
        erasure_id = self._erasures.erase_entry(ErasureOrder(
            patient_id, lineage, request, PATIENT_REQUEST, reason.strip()[:500],
            self._trail.now(), self._trail.actor.name))
        kind = KIND_LABELS.get(versions[0].kind, versions[0].kind)
        self._trail.record(Action.ERASE, patient_id=patient_id, target=f"erasure:{erasure_id}",
                           detail=f"entrée n° {lineage} ({kind}), {len(versions)} version(s), "
                                  f"à la demande écrite du patient (document n° {request})")
        return erasure_id, dt.date.fromisoformat(versions[0].created_at[:10])

    @audited
    def destroy_records(self, records: Sequence[tuple[int, str]], reason: str) -> list[int]:
        """Destroy the medical content of records, each under its retention rule (RET-2).

        Run it inside the caller's transaction (the destruction and its certificate commit
        together), then call `scrub` once committed. Identity and patient number stay. The
        full-text index is merged once for the batch (about a second at « large »).
        """
        if not reason.strip():
            raise InvalidInput("Indiquez le motif de la destruction.")
        numbers = [self._destroy(patient_id, rule, reason.strip()[:500])
                   for patient_id, rule in records]
        self._erasures.merge_full_text()
        return numbers

    @audited
    def destroy_record(self, patient_id: int, rule: str, reason: str) -> int:
        """`destroy_records` of one record; the erasure's number."""
        return self.destroy_records([(patient_id, rule)], reason)[0]

    def _destroy(self, patient_id: int, rule: str, reason: str) -> int:
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        if not rule.strip():
            raise InvalidInput("Indiquez la règle de conservation appliquée.")
        erasure_id = self._erasures.erase_record(ErasureOrder(
            patient_id, None, None, rule.strip(), reason, self._trail.now(),
            self._trail.actor.name))
        self._trail.record(Action.ERASE, patient_id=patient_id, target=f"erasure:{erasure_id}",
                           detail=f"contenu médical du dossier détruit ({rule.strip()})")
        return erasure_id

    @not_audited("empties the write-ahead log after a commit; reads no record")
    def scrub(self) -> bool:
        """Copy the log into the vault file and truncate it; False if a reader held it."""
        return self._erasures.scrub()
