"""Reading the journal: a record's access history (TRACE-4), the whole journal, its proof."""

from typing import Any

from cabinet.domain.audit import Action, ChainReport
from cabinet.services.auditing import AuditTrail, audited
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import JournalFilter, RecordStore

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

    @audited
    def events(self, journal_filter: JournalFilter, patient_id: int | None = None,
               limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
        """The journal, newest first, narrowed by patient, period, action and mode."""
        rows = self._store.audit_rows(patient_id, limit, journal_filter)
        self._trail.record(Action.ADMIN, patient_id=patient_id, target="journal",
                           detail="consultation du journal")
        return rows

    @audited
    def verify(self) -> ChainReport:
        """Check the whole chain (TRACE-2); the check itself is journaled."""
        report = self._store.verify_journal()
        self._trail.record(Action.ADMIN, target="journal", detail=report.summary())
        return report
