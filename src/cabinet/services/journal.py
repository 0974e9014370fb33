"""Reading the journal: a record's access history (TRACE-4), the whole journal, its proof."""

import re
from typing import Any

from cabinet.domain.audit import (
    ANCHOR_ACKNOWLEDGED,
    ANCHOR_ALERT,
    Action,
    ChainReport,
    ChainWalker,
)
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.auditing import AuditTrail, audited, not_audited
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import JournalFilter, RecordStore

HISTORY_LIMIT = 10_000
VERIFY_STEP = 4000  # about 40 ms of hashing on this kind of machine
BREAK_GLASS = "break-glass"
REVIEW = "break-glass review"
UP_TO = "jusqu'à"
_UP_TO = re.compile(r"jusqu'à (\d+)")


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

    @not_audited("checks hashes a piece at a time and returns nothing about any record; "
                 "the verdict is journaled by finish_verification")
    def verify_step(self, walker: ChainWalker, limit: int = VERIFY_STEP) -> bool:
        """Check the next rows; True while there is more to check and no break was found."""
        rows = self._store.journal_rows_after(walker.last_id, limit)
        return walker.feed(rows) and len(rows) == limit

    @audited
    def finish_verification(self, walker: ChainWalker) -> ChainReport:
        """Journal the verdict of a check done piece by piece."""
        report = walker.report()
        self._trail.record(Action.ADMIN, target="journal", detail=report.summary())
        return report

    @audited
    def verify(self) -> ChainReport:
        """Check the whole chain (TRACE-2); the check itself is journaled."""
        report = self._store.verify_journal()
        self._trail.record(Action.ADMIN, target="journal", detail=report.summary())
        return report

    @not_audited("checked automatically at each unlock; returns journal lines (who, when, "
                 "which patient number, the reason typed), no record content")
    def break_glass_to_review(self) -> list[dict[str, Any]]:
        """Break-glass accesses since the titular physician's last review (AUTH-4)."""
        return self._store.audit_rows(None, HISTORY_LIMIT, JournalFilter(
            target=BREAK_GLASS, after_id=self._last_reviewed()))

    @audited
    def mark_break_glass_reviewed(self, up_to_id: int) -> None:
        """Record that the titular physician reviewed every break-glass access so far."""
        if self._trail.is_replacement():
            raise KnownError("Seul le médecin titulaire peut valider les bris de glace.")
        self._trail.record(Action.ADMIN, target=REVIEW, detail=f"revu {UP_TO} {up_to_id}")

    @not_audited("says who is at the keyboard, nothing about any record")
    def is_titular(self) -> bool:
        """Whether the person at the keyboard is the titular physician."""
        return not self._trail.is_replacement()

    @not_audited("checked at each unlock and by the checks; returns journal lines about the "
                 "journal itself (when, what was found missing), no record content")
    def anchor_alerts(self) -> list[dict[str, Any]]:
        """Older or truncated journal alerts the titular physician has not acknowledged yet."""
        return self._store.audit_rows(None, HISTORY_LIMIT, JournalFilter(
            target=ANCHOR_ALERT, after_id=self._marked_up_to(ANCHOR_ACKNOWLEDGED)))

    @audited
    def acknowledge_anchor_alerts(self, up_to_id: int, reason: str) -> None:
        """The titular physician acknowledges the anchor alerts shown, with a written reason.

        An alert stays raised until then: a restored or truncated journal is never forgotten
        by the next check alone. A later alert is raised again.
        """
        if self._trail.is_replacement():
            raise KnownError("Seul le médecin titulaire peut lever une alerte du journal.")
        if len(reason.strip()) < 10:
            raise InvalidInput("Indiquez le motif pour lequel vous levez l'alerte "
                               "(au moins quelques mots).")
        self._trail.record(Action.ADMIN, target=ANCHOR_ACKNOWLEDGED,
                           detail=f"{UP_TO} {up_to_id} : {reason.strip()[:500]}")

    def _last_reviewed(self) -> int:
        return self._marked_up_to(REVIEW)

    def _marked_up_to(self, target: str) -> int:
        """The event id the newest review or acknowledgement of `target` went up to."""
        for row in self._store.audit_rows(None, 50, JournalFilter(target=target)):
            if match := _UP_TO.search(row["detail"]):
                return int(match.group(1))
        return 0
