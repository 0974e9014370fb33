"""Start the Qt application on one vault folder."""

import sys

from PySide6.QtWidgets import QApplication

from cabinet.bootstrap import VaultDoor
from cabinet.logs import configure_logging
from cabinet.ui.errors import ParentGetter, install_crash_hook
from cabinet.ui.main_window import MainWindow


def run(door: VaultDoor) -> int:
    """Show the lock screen of `door`'s vault and run until the window closes."""
    configure_logging()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("Cabinet")
    app.setApplicationDisplayName("Cabinet")
    parent = ParentGetter()
    install_crash_hook(parent)
    window = MainWindow(door)
    parent.window = window
    app.installEventFilter(window.inactivity)
    window.show()
    return int(app.exec())
