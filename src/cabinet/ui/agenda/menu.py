"""The « Agenda » menu: the agenda window (Ctrl+D), and the agenda as iCalendar out and in.

Light on purpose: the window and its grid load when first opened.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from cabinet.bootstrap import AppContext
from cabinet.ui.common.file_choice import file_to_open, file_to_save
from cabinet.ui.common.worker import BackgroundJob

if TYPE_CHECKING:
    from cabinet.ui.agenda.agenda_window import AgendaWindow, StartEncounter

AGENDA_KEYS = "Ctrl+D"
ICS_FILTER = "Agenda iCalendar (*.ics)"
STOPPED = "L'agenda n'a été ni exporté ni importé."


class AgendaMenu(QMenu):
    """The menu; its window stays open beside the record until closed or locked."""

    def __init__(self, context: Callable[[], AppContext], start_encounter: "StartEncounter",
                 parent: QWidget) -> None:
        super().__init__("Ag&enda", parent)
        self._parent = parent
        self._context = context
        self._start_encounter = start_encounter
        self.agenda_window: AgendaWindow | None = None
        opening = self.addAction("&Ouvrir l'agenda", self.open_agenda)
        opening.setShortcut(QKeySequence(AGENDA_KEYS))
        self.actions_offered: list[QAction] = [
            opening,
            self.addAction("&Exporter l'agenda (iCalendar)…", self.export_calendar),
            self.addAction("&Importer un agenda (iCalendar)…", self.import_calendar),
            self.addAction("&Paramétrer l'agenda…", self.change_setup)]

    def open_agenda(self) -> None:
        """Show the agenda on today, a new window after a lock."""
        from cabinet.ui.agenda.agenda_window import AgendaWindow

        if self.agenda_window is not None and self.agenda_window.isVisible():
            self.agenda_window.today()
        else:
            if self.agenda_window is not None:
                self.agenda_window.deleteLater()
            self.agenda_window = AgendaWindow(self._context(), self._start_encounter,
                                       parent=self._parent)
            self.agenda_window.show()
        self.agenda_window.raise_()
        self.agenda_window.activateWindow()

    def change_setup(self) -> None:
        """Types, opening hours, absences and blocks; an open agenda shows them at once."""
        from cabinet.ui.agenda.setup_dialog import AgendaSetupDialog

        if AgendaSetupDialog(self._context(), parent=self._parent).exec() and \
                self.agenda_window is not None and self.agenda_window.isVisible():
            self.agenda_window.refresh()

    def export_calendar(self) -> None:
        """The whole agenda into an .ics file the physician names."""
        from cabinet.exchange.staging import CancelToken, write_file

        ctx = self._context()
        target = file_to_save(self._parent, "Exporter l'agenda", "agenda.ics",
                              ICS_FILTER)
        if target is not None:
            BackgroundJob(self._parent, "Export de l'agenda…", STOPPED).run(
                lambda _: write_file(target.parent, target.name, ctx.agenda.export_calendar(),
                                     CancelToken()))
            QMessageBox.information(self._parent, "Agenda exporté",
                                    f"L'agenda est écrit dans {target}.")

    def import_calendar(self) -> None:
        """The appointments of an .ics file Cabinet wrote, those already here skipped."""
        ctx = self._context()
        source = file_to_open(self._parent, "Importer un agenda", ICS_FILTER)
        if source is not None:
            added = BackgroundJob(self._parent, "Import de l'agenda…", STOPPED).run(
                lambda _: ctx.agenda.import_calendar(source.read_bytes()))
            QMessageBox.information(self._parent, "Agenda importé",
                                    f"{added} rendez-vous ajouté(s) à l'agenda.")
