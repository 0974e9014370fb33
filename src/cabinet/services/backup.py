"""Backups: take one and count it only once its restore passed, rotate, restore (BAK-1).

Rollback rule: the newest known state is the end of the journal in the newest verified
backup on the medium, or the journal anchor of the vault already at this workstation, if any
(its header keeps the last event's id at each lock). Restoring anything older loses entries:
refused unless the physician writes why, and that reason is journaled in the restored vault.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cabinet.domain.audit import Action
from cabinet.errors import KnownError
from cabinet.services.auditing import AuditTrail, not_audited
from cabinet.services.ports import (
    BackupReading,
    BackupWriting,
    RecordStore,
    RestoreNote,
    SnapshotInfo,
)


class RollbackRefused(KnownError):
    """The backup is older than the newest known state and no reason was given."""


@dataclass(frozen=True)
class Rotation:
    """How many backups to keep: the newest of each recent day, week, month; then yearly."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def kept_snapshots(snapshots: list[SnapshotInfo], rotation: Rotation) -> set[str]:
    """The verified snapshots the rotation keeps; the newest verified one always."""
    verified = sorted((s for s in snapshots if s.verified), key=lambda s: s.taken_at,
                      reverse=True)
    buckets = (
        (rotation.daily, lambda d: d.date().isoformat()),
        (rotation.weekly, lambda d: "{}-W{:02d}".format(*d.isocalendar()[:2])),
        (rotation.monthly, lambda d: d.strftime("%Y-%m")),
        (None, lambda d: d.strftime("%Y")),
    )
    kept = {verified[0].snapshot_id} if verified else set()
    for limit, period in buckets:
        seen: list[str] = []
        for snapshot in verified:
            key = period(dt.datetime.fromisoformat(snapshot.taken_at))
            if key not in seen and (limit is None or len(seen) < limit):
                seen.append(key)
                kept.add(snapshot.snapshot_id)
    return kept


class BackupService:
    """Backups of the open vault onto one medium."""

    def __init__(self, backups: BackupWriting, store: RecordStore, trail: AuditTrail,
                 rotation: Rotation | None = None) -> None:
        self._backups = backups
        self._store = store
        self._trail = trail
        self.rotation = rotation or Rotation()

    @not_audited("copies the vault's encrypted pages, never reads a record; the verified "
                 "backup is journaled once done, outside the copy's write lock")
    def back_up(self) -> SnapshotInfo:
        """Take a backup, verify it by restoring it, then apply the rotation."""
        info = self.take()
        self.journal_verified([info])
        return info

    @not_audited("copies the vault's encrypted pages on its own connection, reads no record")
    def take(self) -> SnapshotInfo:
        """Take, verify and rotate, never on the vault's connection (off the GUI thread)."""
        info = self._backups.verify(self._backups.create(self._trail.now()))
        self.prune()
        return info

    @not_audited("checks backups by restoring them into a scratch folder, reads no record")
    def verify_pending(self) -> list[SnapshotInfo]:
        """Verify the backups written but not yet verified (taken at a lock), then rotate."""
        done = [self._backups.verify(s.snapshot_id) for s in self._backups.snapshots()
                if not s.verified]
        self.prune()
        return done

    @not_audited("journals that backups were verified, reads no record")
    def journal_verified(self, verified: list[SnapshotInfo]) -> None:
        """Journal each verified backup (on the vault's connection)."""
        with self._store.transaction():
            for info in verified:
                self._trail.record(Action.ADMIN, detail=f"sauvegarde vérifiée {info.snapshot_id}")

    @not_audited("lists backups: dates and counts, no record")
    def snapshots(self) -> list[SnapshotInfo]:
        """The backups on the medium, oldest first."""
        return self._backups.snapshots()

    @not_audited("checks a backup by restoring it into a scratch folder, reads no record")
    def verify(self, snapshot_id: str) -> SnapshotInfo:
        """Verify one backup again (restore and checks)."""
        return self._backups.verify(snapshot_id)

    @not_audited("removes old encrypted backups, reads no record")
    def prune(self) -> None:
        """Forget what the rotation does not keep, and every backup never verified."""
        snapshots = self._backups.snapshots()
        kept = kept_snapshots(snapshots, self.rotation)
        self._backups.forget(s.snapshot_id for s in snapshots if s.snapshot_id not in kept)


def newest_known(snapshots: list[SnapshotInfo], anchor_id: int) -> int:
    """The journal's newest event id known here: on the medium or in the local vault."""
    ids = [int(s.facts.get("journal_last_id", 0)) for s in snapshots if s.verified]
    return max([anchor_id, *ids])


def restore(backups: BackupReading, snapshot_id: str, target: Path, note: RestoreNote, *,
            anchor_id: int = 0, rollback_reason: str = "") -> SnapshotInfo:
    """Restore a backup into `target`; a rollback only with a written reason, journaled."""
    snapshots = backups.snapshots()
    chosen = next((s for s in snapshots if s.snapshot_id == snapshot_id), None)
    if chosen is None:
        raise KnownError("Cette sauvegarde n'existe pas sur le support, ou ne s'ouvre pas "
                         "avec cette clé.")
    newest = newest_known(snapshots, anchor_id)
    rollback = int(chosen.facts.get("journal_last_id", 0)) < newest
    if rollback and not rollback_reason.strip():
        raise RollbackRefused(
            f"Cette sauvegarde du {chosen.taken_at[:16].replace('T', ' à ')} est plus ancienne "
            "que le dernier état connu du coffre : la restaurer perdrait les saisies faites "
            "depuis. Restauration refusée ; pour la faire quand même, donnez-en le motif par "
            "écrit (il sera inscrit au journal).")
    detail = f"restauration de la sauvegarde {snapshot_id}"
    if rollback:
        detail += f" (retour en arrière accepté, motif : {rollback_reason.strip()})"
    return backups.restore(snapshot_id, target,
                           RestoreNote(note.at, note.mode, note.workstation, detail))
