"""Typing into a modal dialog as a physician does: where the focus is, once it is shown."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

ALT = Qt.KeyboardModifier.AltModifier
ANIMATED_CLICK_MS = 150


def shortcut(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    """Press a shortcut of the main window, given back the keyboard as a desktop's window
    manager does once a dialog closed (the offscreen platform does not)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(window, key, modifier)


def open_emilie(window, qtbot):
    """Search « emi » and open the only result with Entrée."""
    qtbot.keyClicks(window.search.field, "emi")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)


def focused(dialog):
    """Whatever has the keyboard focus inside `dialog` (typing anywhere else is lost)."""
    widget = QApplication.focusWidget()
    assert widget is not None and dialog.isAncestorOf(widget), "nothing has the focus"
    return widget


def type_here(qtbot, dialog, text):
    """Type into whatever has the keyboard focus, as a physician does."""
    qtbot.keyClicks(focused(dialog), text)


def press(qtbot, dialog, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(dialog), key, modifier)


def save_with_alt_e(qtbot, dialog):
    """Alt+E (« Enregistrer »): the button clicks once its 100 ms animation is over."""
    press(qtbot, dialog, Qt.Key.Key_E, ALT)
    qtbot.wait(ANIMATED_CLICK_MS)


def at_keyboard(qtbot, answer):
    """Once the dialog is the active window, run `answer`, then close the dialog if it is
    still open (a failed check must not leave it waiting)."""
    def run(dialog):
        try:
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
            answer(dialog)
        finally:
            if dialog.isVisible():
                dialog.done(0)
    return run
