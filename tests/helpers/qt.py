"""Answer modal dialogs from a test: each answer runs once the next new dialog is shown."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from cabinet.ui.common.worker import ProgressDialog

Answer = Callable[[QWidget], None]
_SCHEDULED: list[list[Answer]] = []


def answer_dialogs(*answers: Answer, poll_ms: int = 10,
                   ignore: tuple[type[QWidget], ...] = (ProgressDialog,)) -> list[QWidget]:
    """Schedule `answers`, one per modal dialog, in the order the dialogs appear.

    Dialogs of the `ignore` types (by default a job's progress dialog, whose showing depends
    on timing) are left alone. Returns the list that will hold each dialog answered, so the test can
    check how many dialogs were actually shown.
    """
    pending = list(answers)
    _SCHEDULED.append(pending)
    seen: list[QWidget] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        answer = None
        if (pending and dialog is not None and dialog not in seen
                and not isinstance(dialog, ignore)):
            seen.append(dialog)
            answer = pending.pop(0)
        if pending:  # scheduled first: an answer may open the next dialog and block in it
            QTimer.singleShot(poll_ms, poll)
        if answer is not None:
            answer(dialog)

    QTimer.singleShot(poll_ms, poll)
    return seen


def forget_unanswered() -> None:
    """Drop the answers a test scheduled but no dialog took: they must not answer the next."""
    for pending in _SCHEDULED:
        pending.clear()
    _SCHEDULED.clear()


def card_lock_screen(qtbot: Any, folder: Path, clock: Any, card: Any,
                     name_module: bool = True) -> Any:
    """The main window on the vault in `folder`, at its lock screen, `card` seen in its reader.

    With `name_module`, the door asks the card's module first, before the settings' choice.
    """
    from cabinet.bootstrap import VaultDoor
    from cabinet.ui.main_window import MainWindow

    module = Path(card.module_path) if name_module else None
    window = MainWindow(VaultDoor(folder, clock, card_module=module))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Carte insérée" in window.lock_screen.card_status.text(),
                    timeout=2000)
    return window


def type_pin(qtbot: Any, window: Any, pin: str) -> None:
    """Type the card's PIN on the lock screen and press Enter."""
    assert window.lock_screen.current_way().title == "Carte CPS et code PIN"
    qtbot.keyClicks(window.lock_screen.secret, pin)
    qtbot.keyClick(window.lock_screen.secret, Qt.Key.Key_Return)
