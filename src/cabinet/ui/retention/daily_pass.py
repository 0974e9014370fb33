"""The retention pass at unlock, at most once a day, never holding the physician up.

It runs at unlock and, for a session left open past midnight, at the first hourly look of the
new day, as a `QuietJob` on its own connection to the vault (`daily_retention_pass`) while
the window keeps the vault's; locking asks it to stop before it writes and waits for
it, so the data key it holds goes with the lock. When records reach the end of their
retention, the status bar says where to review them.
"""

import threading

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStatusBar

from cabinet.bootstrap import AppContext, daily_retention_pass
from cabinet.services.retention import PassReport
from cabinet.ui.common.worker import QuietJob

SHOWN_MS = 30000
LOOK_EVERY_MS = 3_600_000


class DailyPass(QObject):
    """Starts the pass after an unlock; says its outcome in the status bar."""

    def __init__(self, status_bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._status_bar = status_bar
        self._stop = threading.Event()
        self.job = QuietJob(self)
        self.job.failed.connect(lambda message: status_bar.showMessage(message, SHOWN_MS))
        self.timer = QTimer(self)
        self.timer.setInterval(LOOK_EVERY_MS)
        self.timer.timeout.connect(self._look)
        self._ctx: AppContext | None = None

    def unlocked(self, ctx: AppContext) -> None:
        """Run today's pass if it has not run yet; look again every hour while unlocked."""
        self._ctx = ctx
        self.timer.start()
        self._look()

    def locking(self) -> None:
        """Stop the pass before it writes, and wait for it (the vault closes next)."""
        self._ctx = None
        self.timer.stop()
        self._stop.set()
        self.job.wait()

    def _look(self) -> None:
        ctx = self._ctx
        if ctx is not None and not self.job.busy:
            self._stop = stop = threading.Event()
            self.job.start(lambda: daily_retention_pass(ctx, stop.is_set), self._done)

    def _done(self, report: PassReport | None) -> None:
        if report is not None and report.proposed:
            self._status_bar.showMessage(
                f"{report.proposed} dossier(s) arrivé(s) au terme de leur conservation : "
                "Fichier › Durées de conservation…", SHOWN_MS)
