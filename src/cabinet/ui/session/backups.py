"""Automatic backups in the desktop, and the status bar's word on the last verified one.

Backups go to the folders of the setting « Dossiers des sauvegardes », never to a cloud-synced
one, off the GUI thread (a `QuietJob`): the physician works on. While unlocked, the backups taken at
a lock are verified at once, and a new one is taken whenever the newest verified one is a day
old (checked every quarter of an hour). At the lock (and so at closing), the vault's files
are captured before its data key is wiped and written afterwards with the backup's derived
keys only (see backup/deferred); their verification waits for the next unlock. Closing waits
for the writing to end.
"""

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from cabinet.domain.backup_destinations import cloud_refusal, destination_folders
from cabinet.domain.settings import BACKUP_FOLDER
from cabinet.errors import KnownError
from cabinet.ui.common.worker import QuietJob

if TYPE_CHECKING:
    from cabinet.bootstrap import AppContext
    from cabinet.domain.clock import Clock
    from cabinet.services.backup import BackupService
    from cabinet.services.ports import SnapshotInfo

DAY = dt.timedelta(hours=24)
CHECK_EVERY_MS = 15 * 60 * 1000
ALERT = "color: #b00020; font-weight: bold;"


def configured(ctx: "AppContext") -> str:
    """The backup folders as the settings hold them (« ; » between several)."""
    return ctx.settings.value(BACKUP_FOLDER)


def medium_label(folder: Path) -> str:
    """The medium as the physician names it: its volume's (mount point's) name."""
    path = Path(os.path.abspath(folder))
    mount = next((p for p in (path, *path.parents) if os.path.ismount(p)), Path(path.anchor))
    if mount == Path(path.anchor):  # the system disk: the folder's own name says more
        return f"dossier {path.name or path.anchor}"
    return f"disque {mount.name or mount.anchor}"


def spoken_time(moment: dt.datetime, now: dt.datetime) -> str:
    """« aujourd'hui 12 h 40 », « hier 18 h 05 », « le 02/11/2026 09 h 00 »."""
    local, today = moment.astimezone(), now.astimezone().date()
    day = ("aujourd'hui" if local.date() == today else
           "hier" if local.date() == today - dt.timedelta(days=1) else
           f"le {local:%d/%m/%Y}")
    return f"{day} {local.hour} h {local.minute:02d}"


@dataclass(frozen=True)
class MediumState:
    """What one destination holds: its newest verified backup, if any."""

    folder: Path
    newest: "SnapshotInfo | None"


class BackupStatus(QLabel):
    """The status bar's « Dernière sauvegarde vérifiée : … », red when it is not enough."""

    def __init__(self) -> None:
        super().__init__("Sauvegardes : état connu après le déverrouillage")
        self.setObjectName("statusBackup")
        self.alert = False

    def show_state(self, states: list[MediumState], refused: list[str], now: dt.datetime,
                   running: bool) -> None:
        """Say the newest verified backup and its medium; red when old, missing or refused."""
        verified = [s for s in states if s.newest is not None]
        newest = max(verified, key=lambda s: s.newest.taken_at if s.newest else "",
                     default=None)
        problems = list(refused)
        problems += [f"support absent : {medium_label(s.folder)}" for s in states
                     if not s.folder.is_dir()]
        if not states and not refused:
            problems.append("aucun support choisi (Fichier › Paramètres du cabinet)")
        if newest is None or newest.newest is None:
            text = "Aucune sauvegarde vérifiée"
            late = True
        else:
            taken = dt.datetime.fromisoformat(newest.newest.taken_at)
            text = (f"Dernière sauvegarde vérifiée : {spoken_time(taken, now)}, "
                    f"{medium_label(newest.folder)}")
            late = now - taken > DAY
        self.alert = late or bool(problems)
        self.setText(" — ".join([text, *problems, *(["sauvegarde en cours…"] if running
                                                   else [])]))
        self.setToolTip("\n".join(problems))
        self.setStyleSheet(ALERT if self.alert else "")


class Backups(QObject):
    """Takes, verifies and writes the backups; keeps `status` up to date."""

    def __init__(self, clock: "Clock", status_bar: QStatusBar,
                 folders: Callable[["AppContext"], str] = configured,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.folders = folders
        self.status = BackupStatus()
        status_bar.addPermanentWidget(self.status)
        self.job = QuietJob(self)
        self.job.failed.connect(self._failed)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self._ctx: AppContext | None = None
        self._states: list[MediumState] = []
        self._refused: list[str] = []
        self._failures: list[str] = []

    def destinations(self, ctx: "AppContext") -> list[Path]:
        """The chosen folders a backup may go to; the refused ones are said in the status."""
        chosen = [Path(f) for f in destination_folders(self.folders(ctx))]
        self._refused = [r for f in chosen if (r := cloud_refusal(f))]
        return [f for f in chosen if not cloud_refusal(f)]

    def unlocked(self, ctx: "AppContext") -> None:
        """Verify the backups taken at the lock, take one if a day has passed; then watch."""
        self._ctx = ctx
        self.timer.start()
        self.check()

    def check(self) -> None:
        """Verify what waits, and back up when the newest verified backup is a day old."""
        ctx = self._ctx
        if ctx is not None and not self.job.busy:
            known = {s.folder: s.newest for s in self._states}
            work = [(folder, ctx.backups(folder) if folder.is_dir() else None,
                     known.get(folder)) for folder in self.destinations(ctx)]
            now = self.clock.now()
            self.job.start(lambda: [_bring_up_to_date(*w, now) for w in work],
                           lambda done: self._checked(ctx, done))
        self._show()

    def _checked(self, ctx: "AppContext", done: list[tuple[MediumState, list["SnapshotInfo"]]],
                 ) -> None:
        self._states, self._failures = [state for state, _ in done], []
        for state, verified in done:
            if verified and self._ctx is ctx:  # else locked meanwhile: the medium keeps it
                ctx.backups(state.folder).journal_verified(verified)
        self._show()

    def locking(self, ctx: "AppContext") -> None:
        """Capture the vault before it closes; write the backup once it is locked.

        A capture that fails is said in the status bar and never holds the lock up.
        """
        self._ctx = None
        self.timer.stop()
        folders = [f for f in self.destinations(ctx) if f.is_dir()]
        try:
            if folders:
                self.job.start(ctx.pending_backup(folders).write, self._written)
        except KnownError as error:
            self._failures = [error.message]
        self._show()

    def _written(self, failures: list[str]) -> None:
        self._failures = failures
        self._show()

    def _failed(self, message: str) -> None:
        self._failures = [message]
        self._show()

    def finish(self) -> None:
        """Wait for the backup being written (the application closes)."""
        self.job.wait()

    def refresh(self) -> None:
        """Say the state again (the time has moved, a medium may have gone)."""
        self._show()

    def _show(self) -> None:
        self.status.show_state(self._states, [*self._refused, *self._failures],
                               self.clock.now(), self.job.busy)


def _bring_up_to_date(folder: Path, service: "BackupService | None",
                      known: "SnapshotInfo | None", now: dt.datetime,
                      ) -> tuple[MediumState, list["SnapshotInfo"]]:
    """Verify the backups waiting on one medium, take one if the newest is a day old.

    A medium that is not there is left alone (its folder is never created on another disk).
    """
    if service is None or not folder.is_dir():
        return MediumState(folder, known), []
    verified = service.verify_pending()
    newest = _newest(service.snapshots())
    if newest is None or now - dt.datetime.fromisoformat(newest.taken_at) > DAY:
        verified.append(service.take())
        newest = verified[-1]
    return MediumState(folder, newest), verified


def _newest(snapshots: list["SnapshotInfo"]) -> "SnapshotInfo | None":
    verified = [s for s in snapshots if s.verified]
    return max(verified, key=lambda s: s.taken_at, default=None)
