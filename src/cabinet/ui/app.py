"""Start the Qt application on one vault folder."""

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from cabinet.bootstrap import VaultDoor
from cabinet.logs import configure_logging
from cabinet.ui.errors import ParentGetter, install_crash_hook
from cabinet.ui.main_window import MainWindow

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
log = logging.getLogger(__name__)


def prepare_application() -> QApplication:
    """The application, named, with Qt's own texts (standard buttons, file dialogs) in French."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("Cabinet")
    app.setApplicationDisplayName("Cabinet")
    QLocale.setDefault(FRENCH)
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(FRENCH, "qtbase", "_", folder):
        app.installTranslator(translator)
    else:  # the window stays usable; only Qt's own buttons stay in English
        log.warning("Qt's French translations not found")
    return app


def run(door: VaultDoor) -> int:
    """Show the lock screen of `door`'s vault and run until the window closes."""
    configure_logging()
    app = prepare_application()
    parent = ParentGetter()
    install_crash_hook(parent)
    window = MainWindow(door)
    parent.window = window
    app.installEventFilter(window.inactivity)
    window.show()
    return int(app.exec())
