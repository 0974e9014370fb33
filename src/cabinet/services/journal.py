"""Reading the journal: a record's access history for the patient (TRACE-4)."""

from typing import Any

from cabinet.domain.audit import Action
from cabinet.services.auditing import AuditTrail, audited
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import RecordStore

HISTORY_LIMIT = 10_000


class JournalService:
    """Who accessed a record, when and how; reading it is itself journaled."""

    def __init__(self, store: RecordStore, trail: AuditTrail) -> None:
        self._store = store
        self._trail = trail

    @audited
    def access_history(self, patient_id: int, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
        """Every journal event about one patient, newest first."""
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        rows = self._store.audit_rows(patient_id, limit)
        self._trail.record(Action.READ, patient_id=patient_id, target="access history")
        return rows
