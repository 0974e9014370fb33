"""The main window's backups from a test: choose the destinations, wait for the work to end."""

from typing import Any


def choose(window: Any, text: str) -> None:
    """Set « Dossiers des sauvegardes » as the physician would."""
    window.ctx.settings.change({"backup_folder": text})


def settled(qtbot: Any, window: Any) -> None:
    """Wait until no backup work runs or waits."""
    qtbot.waitUntil(lambda: not window.backups.job.busy, timeout=30000)
