"""The two kinds of error, as the physician sees them (STYLE.md).

A `KnownError` gets its plain French message. Anything else gets a crash dialog that names
the kind of failure only: exception messages may quote patient data, so they are not shown,
and the technical log receives the traceback's code locations, never its values.
"""

import logging
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from cabinet.errors import KnownError

log = logging.getLogger(__name__)


def show_known_error(parent: QWidget | None, error: KnownError) -> None:
    """Tell the physician what went wrong, in French."""
    QMessageBox.warning(parent, "Cabinet", error.message)


def crash_report(kind: type[BaseException], tb: TracebackType | None) -> str:
    """A description of a crash without any value from the program's data."""
    frames = traceback.extract_tb(tb)
    places = "\n".join(f"  {f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}"
                       for f in frames[-8:])
    return f"{kind.__module__}.{kind.__qualname__}\n{places}"


def install_crash_hook(parent_getter: "ParentGetter") -> None:
    """Route uncaught exceptions to the crash dialog instead of killing the application."""
    import sys

    def hook(kind: type[BaseException], error: BaseException,
             tb: TracebackType | None) -> None:
        if isinstance(error, KnownError):
            show_known_error(parent_getter(), error)
            return
        report = crash_report(kind, tb)
        log.error("unexpected error:\n%s", report)
        QMessageBox.critical(
            parent_getter(), "Cabinet — erreur inattendue",
            "Une erreur inattendue s'est produite. Vos données enregistrées ne sont pas "
            "touchées. Le rapport technique ci-dessous ne contient aucune donnée de patient :"
            f"\n\n{report}")

    sys.excepthook = hook


class ParentGetter:
    """Returns the window to parent dialogs on (the main window once it exists)."""

    def __init__(self) -> None:
        self.window: QWidget | None = None

    def __call__(self) -> QWidget | None:
        """The window to parent dialogs on."""
        return self.window
