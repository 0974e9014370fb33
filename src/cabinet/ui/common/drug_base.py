"""The drug base, opened once off the GUI thread, then lent to each prescription dialog.

The first opening imports the shipped release (seconds); the later ones check its hash.
Until it is open, or when it cannot be, the prescription dialog writes free-text lines and
says why.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from cabinet.ui.common.worker import BackgroundJob, QuietJob

if TYPE_CHECKING:
    from cabinet.drugs.base import DrugBase

OPENING = "La base des médicaments est en cours d'ouverture."


class DrugBaseHolder(QObject):
    """Holds the open drug base; `open` starts opening it, once."""

    def __init__(self, folder: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = folder
        self._job = QuietJob(self)
        self._job.failed.connect(self._failed)
        self.base: DrugBase | None = None
        self.unavailable = OPENING

    def open(self) -> None:
        """Start opening the base, unless it is open or opening."""
        if self.base is None and not self._job.busy:
            self.unavailable = OPENING
            self._job.start(self._opened_base, self._opened)

    def _opened_base(self) -> "DrugBase":
        from cabinet.bootstrap import open_drugs

        return open_drugs(self._folder)

    def _opened(self, base: "DrugBase") -> None:
        self.base = base
        self.unavailable = ""

    def _failed(self, message: str) -> None:
        self.unavailable = message

    def label(self) -> str:
        """« Base des médicaments ANSM du 28/01/2026 », or why there is none yet."""
        return self.base.release().label() if self.base is not None else self.unavailable

    def import_from(self, parent: QWidget, folder: Path) -> str:
        """Import the release downloaded in `folder`, then use it; return its label.

        Checked whole and imported off the GUI thread. Raises `KnownError` in French, the
        base in use kept.
        """
        from cabinet.bootstrap import import_drugs, open_drugs

        self._job.wait()  # an opening under way ends first

        def work(_progress: object) -> "DrugBase":
            import_drugs(folder)
            return open_drugs(self._folder)

        base = BackgroundJob(parent, "Import de la base des médicaments…",
                             "Import interrompu : la base en service est gardée.").run(
            work, release=lambda opened: opened.close())
        if self.base is not None:
            self.base.close()
        self.base, self.unavailable = base, ""
        return self.label()

    def wait(self) -> None:
        """Wait for the opening (the application closes; a test)."""
        self._job.wait()
