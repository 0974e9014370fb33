"""The window's answer to the card code's PIN request (`PinHandler`), whatever thread asks.

The card code asks only once the token's flags allow it, often from a background job: the
request then crosses to the GUI thread (`GuiQuestion`), where the dialog shows, and the job
waits for the answer, or stops waiting once stopped.

Never keeps a PIN beyond the answer it hands over.
"""

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from cabinet.ui.common.crossing import GuiQuestion


class DialogPin(GuiQuestion):
    """Asks the card's PIN, typed hidden, under `prompt` and the notice the card code gives.

    `stopped` tells a job waiting for the answer that it was stopped (`BackgroundJob.stopping`).
    """

    def __init__(self, parent: QWidget, title: str, prompt: str,
                 stopped: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent, stopped)
        self._parent = parent
        self._title = title
        self._prompt = prompt

    def get_pin(self, notice: str) -> str | None:
        """The PIN typed after `notice`; None if the physician cancels or types nothing.

        Raises `JobStopped` in a job stopped before the answer came.
        """
        return self.ask(lambda: self._typed(notice))

    def _typed(self, notice: str) -> str | None:
        pin, ok = QInputDialog.getText(self._parent, self._title, "\n".join(filter(None, (
            notice, self._prompt))), QLineEdit.EchoMode.Password)
        return pin if ok and pin else None
