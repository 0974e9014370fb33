"""The agenda window: the day or the week, the selected appointment's actions, the waiting room.

Keyboard first: T today, Alt+Gauche / Alt+Droite or Page précédente / Page suivante the
previous or next day (week in the week view), W the week or back to the day, N or Entrée a
new appointment at the selected free slot (or the selected appointment's actions), A arrived.
Every view opened is one journaled read (the service does it); locking closes the window.
"""

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.agenda import STATUS_LABELS, Appointment, Status, french_day, week_of
from cabinet.errors import KnownError
from cabinet.services.agenda import SlotTaken
from cabinet.ui.agenda.appointment_dialog import AppointmentDialog, confirm_overlap
from cabinet.ui.agenda.grid import AgendaGrid
from cabinet.ui.agenda.waiting_room import WaitingRoom
from cabinet.ui.common.file_choice import FOLDERS, folder_to_use
from cabinet.ui.common.worker import BackgroundJob

StartEncounter = Callable[[int, str], bool]
"""Open the patient's record and write an encounter with this reason; True once saved."""


class AgendaWindow(QDialog):
    """The practice's day; `start_encounter` leads a waiting patient to the record."""

    def __init__(self, ctx: AppContext, start_encounter: StartEncounter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agenda")
        self.resize(1200, 760)
        self.ctx, self._start_encounter = ctx, start_encounter
        self.day = ctx.clock.now().astimezone().date()
        self.week_view = False
        self.moving = 0  # the appointment being moved, chosen slot to come
        self.shown: dict[int, Appointment] = {}
        self.title = QLabel()
        self.title.setObjectName("agendaTitle")
        self.grid = AgendaGrid()
        self.grid.slot_activated.connect(self._slot_chosen)
        self.arrived = self._button("&Arrivé", lambda: self._status(Status.ARRIVED))
        self.grid.appointment_activated.connect(lambda _: self.arrived.setFocus())
        self.grid.currentCellChanged.connect(lambda *_: self._show_selected())
        self.selected = QLabel()
        self.selected.setObjectName("agendaSelected")
        self.selected.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("agendaMessage")
        self.message.setWordWrap(True)
        self.waiting = WaitingRoom()
        self.waiting.encounter_requested.connect(self._encounter)
        actions = [self.arrived,
                   self._button("A&bsent", lambda: self._status(Status.ABSENT)),
                   self._button("Annu&ler le rendez-vous", self._cancel),
                   self._button("&Déplacer…", self._start_move),
                   self._button("&Raccourcir…", self._shorten)]
        side = QWidget()
        column = QVBoxLayout(side)
        column.addWidget(QLabel("<b>Rendez-vous choisi</b>"))
        column.addWidget(self.selected)
        for button in actions:
            column.addWidget(button)
        column.addWidget(self.waiting, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        for text, slot in (("Aujourd'hui (T)", self.today), ("◀", lambda: self.step(-1)),
                           ("▶", lambda: self.step(1)), ("Jour / semaine (W)", self.toggle_week),
                           ("Nouveau rendez-vous (N)", self.new_appointment),
                           ("&Imprimer la liste du jour", self.print_day)):
            bar.addWidget(self._button(text, slot))
        splitter = QSplitter()
        splitter.addWidget(self.grid)
        splitter.addWidget(side)
        splitter.setSizes([860, 340])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        for keys, slot in ((["T"], self.today), (["W"], self.toggle_week),
                           (["Alt+Left", "PgUp"], lambda: self.step(-1)),
                           (["Alt+Right", "PgDown"], lambda: self.step(1)),
                           (["A"], lambda: self._status(Status.ARRIVED)),
                           (["Esc"], self._escape)):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot)
        self.refresh()
        self.grid.setFocus()

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        return button

    # --- the view -------------------------------------------------------------------------
    def refresh(self, *, waiting: bool = True) -> None:
        """Read the day or the week again (one journaled read), and the waiting room.

        Moving to another day or week (`waiting` False) leaves the waiting room as it is.
        """
        agenda = self.ctx.agenda
        days = agenda.week(self.day) if self.week_view else [agenda.day(self.day)]
        self.shown = {a.id: a for d in days for a in d.appointments}
        self.grid.show_days(agenda.setup(), days)
        self.grid.setCurrentCell(max(self.grid.currentRow(), 0),
                                 self.day.weekday() if self.week_view else 0)
        monday = week_of(self.day)[0]
        self.title.setText(f"<b>Semaine du {french_day(monday)}</b>" if self.week_view
                           else f"<b>{french_day(self.day).capitalize()}</b>")
        if waiting:
            today = self.ctx.clock.now().astimezone().date()
            self.waiting.show_waiting(agenda.waiting_room(today))
        self._show_selected()

    def today(self) -> None:
        """Back to today (T)."""
        self.day = self.ctx.clock.now().astimezone().date()
        self.refresh()

    def step(self, direction: int) -> None:
        """The previous or next day; in the week view, week."""
        self.day += dt.timedelta(days=direction * (7 if self.week_view else 1))
        self.refresh(waiting=False)

    def toggle_week(self) -> None:
        """The week holding the day, or back to the day (W)."""
        if self.week_view and (chosen := self.grid.selected_day()) is not None:
            self.day = chosen
        self.week_view = not self.week_view
        self.refresh(waiting=False)

    def _show_selected(self) -> None:
        found = [self.shown[n] for n in self.grid.selected_appointments() if n in self.shown]
        self.selected.setText("\n".join(
            f"{a.start:%H:%M}, {a.minutes} min — {a.patient_name}\n{a.type_name} — "
            f"{STATUS_LABELS[a.status]}" + (f"\nMotif : {a.reason}" if a.reason else "")
            for a in found) or "Aucun (choisissez un rendez-vous dans la grille).")

    def _say(self, text: str) -> None:
        self.message.setText(text)

    # --- appointments ---------------------------------------------------------------------
    def new_appointment(self) -> None:
        """A new appointment at the selected free slot (N, Entrée)."""
        start = self.grid.selected_start()
        if start is None:
            self._say("Choisissez d'abord un créneau libre dans la grille.")
            return
        self._slot_chosen(start)

    def _slot_chosen(self, start: dt.datetime) -> None:
        if self.moving:
            self._move_to(start)
            return
        dialog = AppointmentDialog(self.ctx, start, parent=self)
        if dialog.exec() and dialog.booked:
            self._say("Rendez-vous enregistré.")
        self.refresh()

    def _chosen(self) -> Appointment | None:
        found = self.grid.selected_appointments()
        if not found:
            self._say("Choisissez d'abord un rendez-vous dans la grille.")
            return None
        return self.shown[found[0]]

    def _act(self, action: Callable[[], object], done: str) -> None:
        try:
            action()
        except KnownError as error:
            self._say(error.message)
            return
        self._say(done)
        self.refresh()

    def _status(self, status: Status) -> None:
        if (chosen := self._chosen()) is not None:
            self._act(lambda: self.ctx.agenda.set_status(chosen.id, status),
                      f"{chosen.patient_name} : {STATUS_LABELS[status]}.")

    def _cancel(self) -> None:
        chosen = self._chosen()
        if chosen is not None and QMessageBox.question(
                self, "Annuler le rendez-vous",
                f"Annuler le rendez-vous de {chosen.start:%H:%M} ?") \
                == QMessageBox.StandardButton.Yes:
            self._act(lambda: self.ctx.agenda.set_status(chosen.id, Status.CANCELLED),
                      "Rendez-vous annulé.")

    def _shorten(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        minutes, ok = QInputDialog.getInt(self, "Raccourcir le rendez-vous",
                                          "Nouvelle durée (minutes) :", chosen.minutes - 5, 5,
                                          chosen.minutes, 5)
        if ok:
            self._act(lambda: self.ctx.agenda.shorten(chosen.id, minutes),
                      f"Rendez-vous raccourci à {minutes} minutes.")

    def _start_move(self) -> None:
        if (chosen := self._chosen()) is not None:
            self.moving = chosen.id
            self._say("Choisissez le nouveau créneau, puis Entrée (Échap : ne pas déplacer).")

    def _move_to(self, start: dt.datetime) -> None:
        number, self.moving = self.moving, 0
        try:
            self.ctx.agenda.move(number, start)
        except SlotTaken as taken:
            if not confirm_overlap(self, taken.message):
                self._say("Rendez-vous non déplacé.")
                return
            self._act(lambda: self.ctx.agenda.move(number, start, overlap_confirmed=True),
                      "Rendez-vous déplacé.")
            return
        except KnownError as error:
            self._say(error.message)
            return
        self._say("Rendez-vous déplacé.")
        self.refresh()

    def _escape(self) -> None:
        if self.moving:
            self.moving = 0
            self._say("Rendez-vous non déplacé.")
        else:
            self.reject()

    # --- the waiting room and the day's list ----------------------------------------------
    def _encounter(self, appointment: Appointment) -> None:
        """The waiting patient's encounter, dated now, the reason pre-filled; then « vu »."""
        if self._start_encounter(appointment.patient_id, appointment.reason):
            self._act(lambda: self.ctx.agenda.set_status(appointment.id, Status.SEEN),
                      f"{appointment.patient_name} : vu.")
        else:
            self.refresh()

    def print_day(self) -> None:
        """The day's list as a PDF in the export folder (asked when none is set)."""
        folder = (Path(FOLDERS.export_folder) if FOLDERS.export_folder
                  else folder_to_use(self, "Dossier de la liste du jour"))
        if folder is None:
            return
        day, letterhead = self.grid.selected_day() or self.day, self.ctx.letterhead()
        try:  # the PDF's libraries load and lay out off the GUI thread
            path = BackgroundJob(self, "Liste du jour…", "La liste du jour n'a pas été "
                                 "écrite.").run(lambda _: self.ctx.agenda.print_day(
                                     day, letterhead, folder))
        except KnownError as error:
            self._say(error.message)
            return
        self._say(f"Liste du jour écrite : {path}")
