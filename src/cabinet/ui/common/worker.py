"""The one way to run work off the GUI thread: unlocking, signing, rendering, exports, imports.

The job runs on a Python thread; the GUI thread shows an application-modal progress dialog and
waits in a local event loop, so the window stays drawn and hears the card watch, but nothing
else can reach the vault meanwhile: its connection may be used from another thread, but by one
thread at a time. Progress, cancel, result and error meet here (as Anki's `CollectionOp`).

« Annuler », Escape and the window's close button only *ask* the job to stop, and the dialog
stays until it has: an export stops at its cancel token's next check (nothing is left on the
medium); a job without a token stops at its next progress report, which raises `JobStopped`
(an import, being one transaction, is then rolled back whole). Locking the application calls
`stop_jobs` first, which stops every running job and waits for it before the vault closes.
A job `watch`ing cards stops when one of them leaves its reader: the card watch's ordinary
signal reaches it, as it reaches the window that locks. A result that comes back after the job
was stopped (work that could not be interrupted, such as an unlock) is handed to `release`
and never used.

The worker never touches a widget nor emits a Qt signal: the GUI thread looks at its progress
and its end; the dialog never shows patient data.
"""

import importlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from cabinet.errors import KnownError
from cabinet.exchange.staging import CancelToken, ExportCancelled
from cabinet.ui.common.errors import crash_report

if TYPE_CHECKING:
    from cabinet.card.presence import Readers
    from cabinet.ui.common.card_bridge import CardBridge

T = TypeVar("T")
LOOK_EVERY_MS = 15
"""How often the GUI thread looks at a job's progress and end: the worker thread never
emits a Qt signal (emitting from a Python thread while the GUI's event loop ran crashed)."""
Progress = Callable[[int, int], None]
STOPPING = "Arrêt en cours… (rien ne sera conservé)"


class JobStopped(KnownError):
    """The physician, or the lock, stopped a job before its end; nothing was kept."""


class ProgressDialog(QProgressDialog):
    """A modal progress bar whose « Annuler » asks to stop and never closes it by itself."""

    stop_requested = Signal()

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(label, "", 0, 0, parent)
        self.stop_button = QPushButton("&Annuler")
        self.setCancelButton(self.stop_button)  # its clicks emit `canceled`
        self.setWindowTitle("Cabinet")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.canceled.disconnect(self.cancel)  # hidden only once the job has really stopped
        self.canceled.connect(self.stop_requested)
        self.setMinimumWidth(420)

    def reject(self) -> None:
        """Escape and the close button ask to stop, like « Annuler »."""
        self.stop_requested.emit()


def card_gone(readers: "Readers", watched: frozenset[str]) -> bool:
    """Whether a watched reader lost its card (no watched reader: whether no card is left)."""
    holding = set(readers.card_readers())
    return not watched <= holding if watched else not holding


_RUNNING: set["BackgroundJob"] = set()  # the jobs inside `run` (GUI thread only)


class BackgroundJob(QObject):
    """Runs one function on a worker thread while a modal progress dialog shows how far it is.

    `label` says what runs; `stopped` is the French message raised (as `JobStopped`) when the
    job was asked to stop and did; `cancel` is the token an export checks between patients.
    """

    def __init__(self, parent: QWidget, label: str, stopped: str,
                 cancel: CancelToken | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._label = label
        self._stopped = stopped
        self._cancel = cancel
        self._watched: frozenset[str] | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: tuple[int, int] | None = None  # the last progress the worker reported
        self.dialog: ProgressDialog | None = None

    def watch(self, cards: "CardBridge", readers: list[str]) -> "BackgroundJob":
        """Stop when a card of `readers` leaves (none named: when no reader holds a card).

        A card already gone when the job starts stops it before it does anything.
        """
        self._watched = frozenset(readers)
        cards.changed.connect(self._cards_changed)
        self._cards_changed(cards.current)
        return self

    def _cards_changed(self, readers: "Readers") -> None:
        if self._watched is not None and card_gone(readers, self._watched):
            self.stop()

    def report(self, done: int, total: int) -> None:
        """The job's progress callback (worker thread); raises `JobStopped` once asked to stop."""
        if self._stopping.is_set():
            raise JobStopped(self._stopped)
        self._latest = (done, total)  # read by the GUI thread's next look

    def stop(self) -> None:
        """Ask the job to stop at its next step (any thread)."""
        self._stopping.set()
        if self._cancel is not None:
            self._cancel.cancel()
        if self.dialog is not None and threading.current_thread() is threading.main_thread():
            self.dialog.setLabelText(STOPPING)
            self.dialog.stop_button.setEnabled(False)

    def stopping(self) -> bool:
        """Whether the job was asked to stop (any thread)."""
        return self._stopping.is_set()

    def started_under(self, window: QWidget) -> bool:
        """Whether the job was started from `window` or one of its dialogs.

        Walks the parents: a dialog is a window of its own, where Qt's `isAncestorOf` stops.
        """
        widget: QWidget | None = self._parent
        while widget is not None and widget is not window:
            widget = widget.parentWidget()
        return widget is window

    def stop_and_wait(self) -> None:
        """Stop the job and wait until its thread has ended (the application is locking)."""
        self.stop()
        if self._thread is not None:
            self._thread.join()

    def _show(self, done: int, total: int) -> None:
        if self.dialog is None or self._stopping.is_set():
            return
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        self.dialog.setLabelText(f"{self._label}\n{done} sur {total}")

    def _give_back_the_keyboard(self) -> None:
        """Activate again the window the job started from: the progress took its activation.

        Only that activation is waited for, never the physician's keys or clicks.
        """
        self._parent.window().activateWindow()
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def run(self, work: Callable[[Progress], T],
            release: Callable[[T], object] | None = None) -> T:
        """Run `work(progress)` on a worker thread; return its result or raise its error here.

        `release` frees a result that came back once the job had been stopped (not used).

        Raises `JobStopped` (French message) when the job was asked to stop, at once if it
        was before it started (a card already gone).
        """
        if self._stopping.is_set():
            self.deleteLater()
            raise JobStopped(self._stopped)
        outcome: list[T] = []
        failure: list[BaseException] = []

        def target() -> None:
            try:
                outcome.append(work(self.report))
            except BaseException as error:  # noqa: BLE001 - handed to the GUI thread, raised there
                failure.append(error)

        self.dialog = dialog = ProgressDialog(self._label, self._parent)
        loop = QEventLoop()
        dialog.stop_requested.connect(self.stop)
        dialog.show()
        self._thread = thread = threading.Thread(target=target, name="cabinet-job", daemon=True)
        _RUNNING.add(self)

        def look() -> None:
            if self._latest is not None:
                self._show(*self._latest)
            if not thread.is_alive():
                loop.quit()

        watch = QTimer()
        watch.setInterval(LOOK_EVERY_MS)
        watch.timeout.connect(look)
        thread.start()
        watch.start()
        try:
            loop.exec()
        finally:
            watch.stop()
            _RUNNING.discard(self)
        self._thread.join()
        self.dialog = None
        dialog.hide()
        dialog.deleteLater()
        self._give_back_the_keyboard()
        self.deleteLater()
        if failure:
            error = failure[0]
            if self._stopping.is_set() and isinstance(error, JobStopped | ExportCancelled):
                raise JobStopped(self._stopped) from None
            raise error
        if self._stopping.is_set() and release is not None:
            release(outcome[0])
            raise JobStopped(self._stopped)
        return outcome[0]


def stop_jobs(window: QWidget) -> None:
    """Stop every job running under `window` and wait for each (before the vault closes).

    The running jobs are the ones `run` registered: asking Qt for the window's children
    would also hand back jobs already ended and awaiting deletion (a crash at lock).
    """
    for job in list(_RUNNING):
        if job.started_under(window):
            job.stop_and_wait()


class QuietJob(QObject):
    """Work that must never hold the physician up (a backup): no dialog, nothing modal.

    Such work never uses the vault's connection, which the physician keeps using: it works on
    its own files and connections. The works given to one `QuietJob` run one after another,
    on one worker thread; each one's result reaches its `done` on the GUI thread, a failure's
    French message reaches `failed`. A work counts as running (`busy`) until its result or
    failure has been handed over there. Locking neither stops nor waits for it; `wait` does,
    once the window closes.
    """

    failed = Signal(str)
    _ended = Signal(object, object)
    _failed_here = Signal(str)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._queue: deque[Callable[[], Any]] = deque()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._unfinished = 0  # read and written on the GUI thread only
        self._ended.connect(self._hand_over)
        self._failed_here.connect(self._hand_over_failure)

    def start(self, work: Callable[[], T], done: Callable[[T], None]) -> None:
        """Run `work` after the works already given; hand its result to `done`."""
        self._unfinished += 1
        with self._guard:
            self._queue.append(lambda: (work(), done))
            if self._thread is None:
                self._thread = threading.Thread(target=self._drain, name="cabinet-quiet",
                                                daemon=True)
                self._thread.start()

    @property
    def busy(self) -> bool:
        """Whether a work runs, waits, or has not yet handed its result over (GUI thread)."""
        return self._unfinished > 0

    def wait(self) -> None:
        """Wait until every work given has ended (the application is closing)."""
        with self._guard:
            thread = self._thread
        if thread is not None:
            thread.join()

    def _hand_over(self, done: Callable[[Any], None], result: object) -> None:
        self._unfinished -= 1
        done(result)

    def _hand_over_failure(self, message: str) -> None:
        self._unfinished -= 1
        self.failed.emit(message)

    def _drain(self) -> None:
        while True:
            with self._guard:
                if not self._queue:
                    self._thread = None
                    return
                work = self._queue.popleft()
            try:
                result, done = work()
            except KnownError as error:
                self._failed_here.emit(error.message)
                continue
            except Exception as error:  # noqa: BLE001 - said in French on the GUI thread
                logging.getLogger(__name__).error("background work failed:\n%s", crash_report(
                    type(error), error.__traceback__))
                self._failed_here.emit("Erreur inattendue pendant une tâche de fond (détails "
                                       "dans le journal technique).")
                continue
            self._ended.emit(done, result)


def load_in_background(*modules: str) -> None:
    """Import `modules` on a thread, so that their first use on the GUI thread is immediate.

    For libraries that take a good part of a second to import (numpy): imported on the GUI
    thread they would hold the window that long. An import holds the GIL only in short spells;
    the GUI thread waits on the module's import lock only if it needs the module before the
    thread is done. Never a module that loads a Qt library: those load on the GUI thread.
    """
    def load() -> None:
        for name in modules:
            importlib.import_module(name)

    threading.Thread(target=load, name="cabinet-import", daemon=True).start()
