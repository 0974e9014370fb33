"""The intermediate archive is read-only (RET-1): only a new encounter reopens a record.

Checked inside the writing transaction of the record service, so the reopening and its
journal event commit with the encounter that caused them. Legal holds are written here too:
the retention window places and lifts them, a judicial seizure places one.
"""

from cabinet.domain.audit import Action
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput
from cabinet.services.auditing import AuditTrail
from cabinet.services.retention_ports import Hold, RetentionStore

RETENTION = "retention"
ARCHIVED_READ_ONLY = ("Ce dossier est en archive intermédiaire (sans consultation depuis "
                      "plusieurs années) : il est en lecture seule. Une nouvelle consultation "
                      "le rouvre.")
DESTROYED = "Le contenu médical de ce dossier a été détruit au terme de sa conservation."


class ArchiveGate:
    """Refuses writes to an archived or destroyed record; a new encounter reopens an archive."""

    def __init__(self, retention: RetentionStore, trail: AuditTrail) -> None:
        self._retention = retention
        self._trail = trail

    def archived_on(self, patient_id: int) -> str | None:
        """The day the record went to the intermediate archive, None while it is active."""
        return self._retention.archived_on(patient_id)

    def before_write(self, patient_id: int, kind: EntryKind | None) -> None:
        """Called inside the writing transaction; `kind` None for a correction or a file."""
        if self._retention.destroyed(patient_id):
            raise InvalidInput(DESTROYED)
        if self._retention.archived_on(patient_id) is None:
            return
        if kind is not EntryKind.ENCOUNTER:
            raise InvalidInput(ARCHIVED_READ_ONLY)
        self._retention.reopen(patient_id)
        self._trail.record(Action.ADMIN, patient_id=patient_id, target=RETENTION,
                           detail="dossier rouvert par une nouvelle consultation")


def record_hold(retention: RetentionStore, trail: AuditTrail, patient_id: int, *,
                placed: bool, reason: str, since: str) -> None:
    """Append a hold placed or lifted, and its journal event, in the caller's transaction."""
    retention.add_hold(Hold(patient_id, placed, reason.strip()[:500], since, trail.now(),
                            trail.actor.name))
    said = "conservation légale posée" if placed else "conservation légale levée"
    trail.record(Action.ADMIN, patient_id=patient_id, target=RETENTION,
                 detail=f"{said} : {reason.strip()[:200]}")
