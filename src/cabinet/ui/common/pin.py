"""The window's answer to the card code's PIN request (`PinHandler`), whatever thread asks.

The card code asks only once the token's flags allow it, often from a background job: the
request then crosses to the GUI thread, where the dialog shows, and the job waits for the
answer. A job stopped meanwhile (its card pulled, the application locking) stops waiting at
once, so the lock never waits for a dialog; the lock closes the dialog itself.

Never keeps a PIN beyond the answer it hands over.
"""

import queue
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from cabinet.ui.common.worker import JobStopped

WAIT_S = 0.05  # how often a waiting job looks whether it was stopped


class DialogPin(QObject):
    """Asks the card's PIN, typed hidden, under `prompt` and the notice the card code gives.

    `stopped` tells a job waiting for the answer that it was stopped (`BackgroundJob.stopping`).
    """

    _asked = Signal(str)

    def __init__(self, parent: QWidget, title: str, prompt: str,
                 stopped: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self._parent = parent
        self._title = title
        self._prompt = prompt
        self._stopped = stopped
        self._answers: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._asked.connect(self._answer, Qt.ConnectionType.QueuedConnection)

    def get_pin(self, notice: str) -> str | None:
        """The PIN typed after `notice`; None if the physician cancels or types nothing.

        Raises `JobStopped` in a job stopped before the answer came.
        """
        if threading.current_thread() is threading.main_thread():
            return self._ask(notice)
        self._asked.emit(notice)  # queued to the GUI thread, which this object lives in
        while True:
            try:
                return self._answers.get(timeout=WAIT_S)
            except queue.Empty:
                if self._stopped():
                    raise JobStopped("") from None

    @Slot(str)
    def _answer(self, notice: str) -> None:
        self._answers.put(self._ask(notice))

    def _ask(self, notice: str) -> str | None:
        pin, ok = QInputDialog.getText(self._parent, self._title, "\n".join(filter(None, (
            notice, self._prompt))), QLineEdit.EchoMode.Password)
        return pin if ok and pin else None
