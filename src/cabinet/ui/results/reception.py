"""Results are collected from the reception folder at unlock, every five minutes, and on demand.

The folder is read on a worker thread (`QuietJob`: files only, never the vault); each file is
then received on the GUI thread, a few per event-loop turn, each in its own short transaction,
so the physician typing meanwhile is never held up and the vault is used by one thread.
Locking drops whatever was read and not yet received: those files stay in the folder.
"""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from cabinet.bootstrap import AppContext
from cabinet.domain.settings import RESULTS_FOLDER
from cabinet.errors import KnownError
from cabinet.exchange import reception
from cabinet.exchange.reception import Arrival
from cabinet.services.results import ImportSummary, import_arrival
from cabinet.ui.common.worker import QuietJob

EVERY_MS = 5 * 60 * 1000
FILES_PER_TURN = 3
NO_FOLDER = ("Aucun dossier de réception des résultats n'est choisi : indiquez-le dans "
             "Fichier › Paramètres du cabinet.")
NOTHING_NEW = "Aucun nouveau résultat dans le dossier de réception."


class ResultsReception(QObject):
    """Collects the reception folder while unlocked; says in `told` what each pass did."""

    told = Signal(str)
    filed = Signal()

    def __init__(self, context: Callable[[], AppContext], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._job = QuietJob(self)
        self._job.failed.connect(self.told)
        self._timer = QTimer(self)
        self._timer.setInterval(EVERY_MS)
        self._timer.timeout.connect(self.collect)
        self._queue: list[Arrival] = []
        self._summary = ImportSummary()
        self._asked = False
        self._open = False

    def unlocked(self) -> None:
        """Collect now, then every five minutes."""
        self._open = True
        self._timer.start()
        self.collect()

    def locked(self) -> None:
        """Stop collecting; files read but not received stay in the folder."""
        self._open = False
        self._timer.stop()
        self._queue = []

    def finish(self) -> None:
        """Wait for a folder being read (the application is closing)."""
        self._job.wait()

    @property
    def busy(self) -> bool:
        """Whether a pass is under way."""
        return self._job.busy or bool(self._queue)

    def collect_now(self) -> None:
        """The menu's « Relever les résultats »: a pass, told even when nothing came."""
        self._asked = True
        self.collect()

    def collect(self) -> None:
        """Start a pass unless one is under way."""
        if not self._open or self.busy:
            return
        folder = self._context().settings.value(RESULTS_FOLDER)
        if not folder:
            if self._asked:
                self.told.emit(NO_FOLDER)
            self._asked = False
            return
        self._job.start(lambda: reception.arrivals(Path(folder)), self._arrived)

    def _arrived(self, arrivals: list[Arrival]) -> None:
        if not self._open:
            return
        self._queue, self._summary = list(arrivals), ImportSummary()
        self._step()

    def _step(self) -> None:
        if not self._open:
            return
        try:
            results = self._context().results
            for _ in range(min(FILES_PER_TURN, len(self._queue))):
                import_arrival(results, self._queue.pop(0), self._summary)
        except KnownError as error:
            self._queue = []
            self.told.emit(error.message)
            return
        if self._queue:
            QTimer.singleShot(0, self._step)
            return
        summary, asked, self._asked = self._summary, self._asked, False
        if summary.filed or summary.pending or summary.refused or summary.duplicates:
            self.told.emit(summary.text())
        elif asked:
            self.told.emit(NOTHING_NEW)
        if summary.filed:
            self.filed.emit()
