"""The « Portabilité » menu: export an archive, import a predecessor's, close the practice.

Only the titular physician may do any of them (CONT-2..4); the dialogs load when chosen.
"""

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from cabinet.bootstrap import AppContext
from cabinet.errors import KnownError
from cabinet.ui.exports.signing import Exporter

TITULAR_ONLY = ("Seul le médecin titulaire peut exporter ou importer une archive de portabilité "
                "et conduire la cessation d'activité.")


class PortabilityMenu(QMenu):
    """The menu and its three actions, about the record open when one is chosen."""

    def __init__(self, context: Callable[[], AppContext], exporter: Exporter,
                 open_record: Callable[[], tuple[int | None, str]], parent: QWidget) -> None:
        super().__init__("P&ortabilité", parent)
        self._context = context
        self._exporter = exporter
        self._open_record = open_record  # the open patient and whose record it is
        self.actions_offered: list[QAction] = [
            self.addAction("&Exporter une archive de portabilité…", self.export_archive),
            self.addAction("&Importer une archive…", self.import_archive)]
        self.addSeparator()
        self.actions_offered.append(self.addAction("&Cessation d'activité…", self.cessation))

    def _titular_context(self) -> AppContext:
        ctx = self._context()
        if not ctx.journal.is_titular():
            raise KnownError(TITULAR_ONLY)
        return ctx

    def export_archive(self) -> None:
        """Export the practice, a selection or the open record as a portability archive."""
        from cabinet.ui.portability.archive_export import ArchiveExportDialog

        ArchiveExportDialog(self._titular_context(), self._exporter,
                            current_patient=self._open_record()[0],
                            parent=self.parentWidget()).exec()

    def import_archive(self) -> None:
        """Check then import a predecessor's archive into this vault."""
        from cabinet.ui.portability.archive_import import ArchiveImportDialog

        ArchiveImportDialog(self._titular_context(), self._exporter.decrypter,
                            parent=self.parentWidget()).exec()

    def cessation(self) -> None:
        """The closure of the practice: choices, letters, exports, declaration."""
        from cabinet.ui.portability.cessation_dialog import CessationDialog

        self._titular_context()
        patient, text = self._open_record()
        CessationDialog(self._context, self._exporter, patient, text,
                        parent=self.parentWidget()).exec()
