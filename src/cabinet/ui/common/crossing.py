"""A question a background job asks the physician: it crosses to the GUI thread and back.

Work off the GUI thread sometimes needs an answer only a dialog gives (the card's PIN, the
confirmation of a card outside IGC-Santé). The question is queued to the GUI thread, where
its dialog shows, and the job waits for the answer. A job stopped meanwhile (its card
pulled, the application locking) stops waiting at once, so the lock never waits for a
dialog; the lock closes the dialog itself.

Never keeps an answer beyond handing it over.
"""

import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from PySide6.QtCore import QObject, Qt, Signal, Slot

from cabinet.ui.common.worker import JobStopped

T = TypeVar("T")
WAIT_S = 0.05  # how often a waiting job looks whether it was stopped
Answer = tuple[Any, BaseException | None]  # what the question returned, or what it raised


class GuiQuestion(QObject):
    """Asks questions on the GUI thread, whatever thread asks; made on the GUI thread.

    `stopped` tells a job waiting for an answer that it was stopped (`BackgroundJob.stopping`).
    """

    _asked = Signal(object)

    def __init__(self, parent: QObject, stopped: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self._stopped = stopped
        self._answers: queue.SimpleQueue[Answer] = queue.SimpleQueue()
        self._asked.connect(self._answer, Qt.ConnectionType.QueuedConnection)

    def ask(self, question: Callable[[], T]) -> T:
        """What `question()` returns (or raises), run on the GUI thread.

        Raises `JobStopped` in a job stopped before the answer came, or once it came.
        """
        if threading.current_thread() is threading.main_thread():
            return question()
        self._asked.emit(question)  # queued to the GUI thread, which this object lives in
        while True:
            try:
                answer: Answer | None = self._answers.get(timeout=WAIT_S)
            except queue.Empty:
                answer = None
            if self._stopped():  # an answer given once the job was stopped is never used
                raise JobStopped("")
            if answer is not None:
                value, error = answer
                if error is not None:
                    raise error
                return cast(T, value)

    @Slot(object)
    def _answer(self, question: Callable[[], object]) -> None:
        try:
            self._answers.put((question(), None))
        except BaseException as error:  # noqa: BLE001 - raised again in the asking job
            self._answers.put((None, error))
