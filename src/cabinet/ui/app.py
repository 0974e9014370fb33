"""Start the Qt application on one vault folder: the lock screen paints, then the rest loads."""

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from cabinet.logs import configure_logging
from cabinet.ui.common.errors import ParentGetter, install_crash_hook
from cabinet.ui.main_window import MainWindow

if TYPE_CHECKING:
    from cabinet.bootstrap import VaultDoor

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


class AfterFirstPaint(QObject):
    """Calls `then` on the event loop's turn after the first paint of any widget, once."""

    def __init__(self, app: QApplication, then: Callable[[], None]) -> None:
        super().__init__(app)
        self._app = app
        self._then = then
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Schedule `then` at the first paint, and stop watching."""
        if event.type() == QEvent.Type.Paint:
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def run(door: "VaultDoor") -> int:
    """Show the lock screen of `door`'s vault and run until the window closes.

    The lock screen paints first; the workspace (search, record, card watch, and the services,
    PDF and card libraries they load) is built on the next turn, while the PIN is typed.
    """
    configure_logging()
    app = prepare_application()
    parent = ParentGetter()
    install_crash_hook(parent)
    window = MainWindow(door, workspace=False)
    parent.window = window
    app.installEventFilter(window.inactivity)
    AfterFirstPaint(app, window.complete)
    window.show()
    return int(app.exec())
