"""Opening the vault runs off the GUI thread: the lock screen keeps answering meanwhile."""

from PySide6.QtCore import QTimer

from cabinet.ui.common.worker import ProgressDialog
from helpers.slow import FROZEN_MS, Heartbeat, slowed


def test_the_window_keeps_turning_while_the_vault_opens(window, monkeypatch):
    window.complete()
    slowed(monkeypatch, window.door, "open")
    with Heartbeat() as beat:
        window.unlock("demo", "demo")
    assert window.ctx is not None and window.stack.currentIndex() == 1
    assert beat.ticks > 20 and beat.latest_ms < FROZEN_MS


def test_a_vault_opened_after_annuler_is_closed_again(window, monkeypatch):
    window.complete()
    slowed(monkeypatch, window.door, "open")

    def press_annuler() -> None:
        progress = window.findChild(ProgressDialog)
        if progress is None or not progress.isVisible():
            QTimer.singleShot(20, press_annuler)
            return
        progress.stop_button.click()

    QTimer.singleShot(20, press_annuler)
    window.unlock("demo", "demo")
    assert window.ctx is None and window.stack.currentWidget() is window.lock_screen
    assert "le coffre reste verrouillé" in window.lock_screen.error.text()
