"""The « Conformité » menu: the titular physician's paperwork as controller (GDPR-1).

The waiting-room notice, the record of processing activities and the data-breach register.
"""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from cabinet.bootstrap import AppContext
from cabinet.errors import KnownError
from cabinet.services.issuing import ExportResult
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.compliance.files import write_to_folder

TITULAR_ONLY = ("Seul le médecin titulaire, responsable du traitement, tient les registres et "
                "l'affiche d'information.")


class ComplianceMenu(QMenu):
    """The menu and its three actions."""

    def __init__(self, context: Callable[[], AppContext], parent: QWidget) -> None:
        super().__init__("Confor&mité", parent)
        self._context = context
        self._window = parent
        self.actions_offered: list[QAction] = [
            self.addAction("&Affiche d'information des patients…", self.notice),
            self.addAction("&Registre des activités de traitement…", self.processing),
            self.addAction("Registre des &violations de données…", self.breaches)]

    def _titular(self) -> AppContext:
        ctx = self._context()
        if not ctx.journal.is_titular():
            raise KnownError(TITULAR_ONLY)
        return ctx

    def _write(self, title: str, pick: Callable[[AppContext],
                                                Callable[[Path], ExportResult]]) -> None:
        try:
            ctx = self._titular()
        except KnownError as error:
            show_known_error(self._window, error)
            return
        write_to_folder(self._window, title, pick(ctx))

    def notice(self) -> None:
        """The waiting-room notice, PDF/A to print and HTML."""
        self._write("Affiche d'information des patients", lambda c: c.compliance.write_notice)

    def processing(self) -> None:
        """The record of processing activities, PDF/A and HTML."""
        self._write("Registre des activités de traitement",
                    lambda c: c.compliance.write_processing_register)

    def breaches(self) -> None:
        """The data-breach register's window."""
        from cabinet.ui.compliance.breach_register import BreachRegisterDialog

        try:
            ctx = self._titular()
        except KnownError as error:
            show_known_error(self._window, error)
            return
        dialog = BreachRegisterDialog(ctx.compliance, self._window)
        dialog.exec()
        dialog.deleteLater()
