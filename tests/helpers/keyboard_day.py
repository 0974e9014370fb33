"""A working day at the keyboard: the demo practice, the main window, and a physician's hands.

Keys go where a physician's keys go: to the open menu, else to the widget that has the focus.
A modal dialog blocks the key that opened it, so what to type in it is scheduled beforehand
(`Keyboard.dialogs`); a dialog the script did not expect, or a script that fails, closes the
dialog and fails the step instead of leaving the day stuck behind it.
"""

import contextlib
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QKeyCombination, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QTableWidget,
    QWidget,
)

from cabinet.cli import main as cabinet_command
from helpers.dialog_keys import ANIMATED_CLICK_MS

PATIENTS = 300
FOCUS_STEPS = 60  # Tab presses before giving up on reaching a field
STUCK_AFTER_S = 30  # a dialog still open then is closed, failing the step, not the day
Script = Callable[[QDialog], None]


def demo_practice(folder: Path) -> str:
    """Create the demo vault as `cabinet demo --no-gui` does; return what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = cabinet_command(["demo", "--vault", str(folder), "--patients", str(PATIENTS),
                                  "--no-gui"])
    assert status == 0, printed.getvalue()
    return printed.getvalue()


@contextlib.contextmanager
def in_french() -> Iterator[None]:
    """Qt's own texts in French as `cabinet` starts them; the rest of the tests as before."""
    from cabinet.ui.app import prepare_application

    app = QApplication.instance()
    before, locale = set(app.findChildren(QTranslator)), QLocale()
    prepare_application()
    try:
        yield
    finally:
        for translator in set(app.findChildren(QTranslator)) - before:
            app.removeTranslator(translator)
        QLocale.setDefault(locale)


def visible_texts(root: QWidget) -> list[str]:
    """Every text a physician can read in `root`: labels, buttons, message, table cells."""
    texts = [w.text() for w in root.findChildren(QLabel) if w.isVisible() and w.text()]
    texts += [w.text() for w in root.findChildren(QAbstractButton) if w.isVisible()]
    for table in root.findChildren(QTableWidget):
        if table.isVisible():
            texts += [table.item(r, c).text() for r in range(table.rowCount())
                      for c in range(table.columnCount()) if table.item(r, c) is not None]
    if isinstance(root, QMessageBox):
        texts.append(root.text())
    return texts


def table_rows(table: QTableWidget) -> list[list[str]]:
    """The cells of a table as shown."""
    return [[table.item(r, c).text() if table.item(r, c) else ""
             for c in range(table.columnCount())] for r in range(table.rowCount())]


def plain(text: str) -> str:
    """A label or action text without its mnemonic ampersands."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


@dataclass
class Keyboard:
    """The physician's keyboard on the running application."""

    qtbot: Any

    def target(self) -> QWidget:
        """Where a key goes now: the open menu, the focused widget, else the active window."""
        if QApplication.activeWindow() is None:
            self.window_manager_activates()
        popup = QApplication.activePopupWidget()
        target = popup or QApplication.focusWidget() or QApplication.activeWindow()
        assert target is not None, "no window has the keyboard"
        return target

    def window_manager_activates(self) -> None:
        """Give the keyboard back to the top window once a dialog is closed, as a desktop's
        window manager does (the offscreen platform does not)."""
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # closed dialogs go
        modal = QApplication.activeModalWidget()
        window = modal if modal is not None and modal.isVisible() else next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)
            and w.isVisible())
        window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)

    def type(self, text: str) -> None:
        """Type `text` where the focus is, accented letters as a French keyboard sends them.

        QTest only types ASCII: another character is one key event carrying it as its text.
        """
        for char in text:
            if char.isascii():
                QTest.keyClicks(self.target(), char)
                continue
            key = ord(char.upper()) if ord(char) < 256 else 0
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(self.target(), QKeyEvent(
                    kind, key, Qt.KeyboardModifier.NoModifier, char))

    def press(self, keys: str) -> None:
        """Press one key combination written as Qt writes it: "Ctrl+Shift+P", "Alt+E", "Tab"."""
        combination = QKeySequence(keys)[0]
        self._click(combination)

    def _click(self, combination: QKeyCombination) -> None:
        QTest.keyClick(self.target(), combination.key(), combination.keyboardModifiers())
        if combination.keyboardModifiers() & Qt.KeyboardModifier.AltModifier:
            QTest.qWait(ANIMATED_CLICK_MS)  # a button's Alt mnemonic clicks 100 ms later

    def focused_name(self) -> str:
        """The accessible name (or text) of the widget with the focus."""
        widget = QApplication.focusWidget()
        if widget is None:
            return ""
        name = widget.accessibleName()
        return name or (plain(widget.text()) if isinstance(widget, QAbstractButton) else "")

    def tab_to(self, name: str) -> None:
        """Press Tab until the field named `name` has the focus."""
        for _ in range(FOCUS_STEPS):
            if self.focused_name() == name:
                return
            self.press("Tab")
        raise AssertionError(f"Tab never reaches « {name} » (last: « {self.focused_name()} »)")

    def fill(self, name: str, text: str) -> None:
        """Reach the field `name` with Tab and type `text` in it."""
        self.tab_to(name)
        self.type(text)

    def press_button(self, dialog: QWidget, *texts: str) -> None:
        """Press the visible button reading one of `texts` (« Oui » or Qt's own « Yes »):
        its Alt mnemonic, else Tab to it and Space."""
        [button] = [b for b in dialog.findChildren(QAbstractButton)
                    if b.isVisible() and plain(b.text()) in texts]
        mnemonic = QKeySequence.mnemonic(button.text())
        if not mnemonic.isEmpty():
            self._click(mnemonic[0])
            return
        self.tab_to(plain(button.text()))
        self.press("Space")

    @contextlib.contextmanager
    def dialogs(self, *scripts: Script, poll_ms: int = 20) -> Iterator[list[QWidget]]:
        """Answer the modal dialogs the block opens, one script each, in order.

        Yields the list of dialogs answered; a job's progress dialog is left to run. At the
        end of the block, a script's failure is raised; a dialog shown beyond the scripts, or
        still open after STUCK_AFTER_S, was closed and fails the step with its texts; a
        script left without its dialog fails the step too.
        """
        pending = list(scripts)
        seen: list[QWidget] = []
        failures: list[BaseException] = []
        unexpected: list[str] = []
        running = [True]
        deadline = time.monotonic() + STUCK_AFTER_S

        def poll() -> None:
            if not running[0]:
                return
            dialog = QApplication.activeModalWidget()
            QTimer.singleShot(poll_ms, poll)  # first: a script may block in a nested dialog
            if dialog is not None and time.monotonic() > deadline:
                unexpected.append("still open: " + " | ".join(visible_texts(dialog)))
                dialog.done(QDialog.DialogCode.Rejected)
                return
            if dialog is None or dialog in seen or not dialog.isVisible():
                return
            if isinstance(dialog, QProgressDialog):
                return  # a job's progress: the physician waits
            seen.append(dialog)
            if not pending:
                unexpected.append(" | ".join(visible_texts(dialog)))
                dialog.done(QDialog.DialogCode.Rejected)
                return
            script = pending.pop(0)
            try:
                self.qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog,
                                     timeout=2000)
                script(dialog)
            except BaseException as error:  # noqa: BLE001 - raised after the block
                failures.append(error)
                if dialog.isVisible():
                    dialog.done(QDialog.DialogCode.Rejected)

        QTimer.singleShot(poll_ms, poll)
        try:
            yield seen
            if pending:  # give a dialog opened by a timer its chance to show
                self.qtbot.waitUntil(lambda: not pending or bool(failures), timeout=3000)
        finally:
            running[0] = False
        if failures:
            raise failures[0]
        assert not unexpected, f"unexpected dialog(s): {unexpected}"
