"""A new appointment at the chosen slot: the patient, the type, its duration, a short reason.

The patient is searched as in the main search, or created with a minimal identity. A slot
already taken is given only once the physician says so.
"""

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.agenda import MAX_MINUTES, MAX_REASON, MIN_MINUTES, Request, french_day
from cabinet.domain.wording import french_date
from cabinet.errors import InvalidInput
from cabinet.services.agenda import SlotTaken
from cabinet.ui.common.dialogs import ServiceDialog, side_by_side
from cabinet.ui.record.patient_dialog import PatientDialog

ROLE = Qt.ItemDataRole.UserRole


class AppointmentDialog(ServiceDialog):
    """Give an appointment at `start`; `booked` holds its number once saved."""

    def __init__(self, ctx: AppContext, start: dt.datetime,
                 parent: QWidget | None = None) -> None:
        super().__init__("Nouveau rendez-vous", parent)
        self.ctx, self.start, self.booked = ctx, start, 0
        form = QFormLayout()
        form.addRow("Quand", QLabel(f"{french_day(start.date())} à {start:%H:%M}"))
        self.found = QListWidget()
        self.found.setAccessibleName("Patients trouvés")
        self.found.setMaximumHeight(140)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Nom, date de naissance (jj/mm/aaaa) ou NIR")
        self.search.setAccessibleName("Rechercher le patient")
        self.search.textChanged.connect(self._search)
        new_patient = QPushButton("Nou&veau patient…")
        new_patient.clicked.connect(self._new_patient)
        form.addRow("&Patient", side_by_side(self.search, new_patient))
        form.addRow("", self.found)
        self.kind = QComboBox()
        for kind in ctx.agenda.setup().types:
            self.kind.addItem(f"{kind.name} ({kind.minutes} min)", kind.name)
        self.kind.currentIndexChanged.connect(self._type_chosen)
        form.addRow("&Type", self.kind)
        self.minutes = QSpinBox()
        self.minutes.setRange(MIN_MINUTES, MAX_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" min")
        form.addRow("&Durée", self.minutes)
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setAccessibleName("Motif")
        form.addRow("&Motif", self.reason)
        self.body.addLayout(form)
        self._type_chosen()
        self.save = self._book
        self.search.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Entrée in the search goes to the patients found; elsewhere it saves, as usual."""
        if self.search.hasFocus() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.found.setFocus()
            return
        super().keyPressEvent(event)

    def _search(self, text: str) -> None:
        self.found.clear()
        for row in self.ctx.patients.search(text) if text.strip() else []:
            item = QListWidgetItem(f"{row.display_name} ({french_date(row.birth_date)})")
            item.setData(ROLE, row.patient_id)
            self.found.addItem(item)
        if self.found.count():
            self.found.setCurrentRow(0)

    def _new_patient(self) -> None:
        created: list[int] = []
        PatientDialog(lambda identity: created.append(self.ctx.patients.create(identity)),
                      parent=self).exec()
        if created:
            identity = self.ctx.patients.identity(created[0])
            item = QListWidgetItem(f"{identity.display_name()} "
                                   f"({identity.birth_date:%d/%m/%Y})")
            item.setData(ROLE, created[0])
            self.found.clear()
            self.found.addItem(item)
            self.found.setCurrentRow(0)
            self.kind.setFocus()

    def _type_chosen(self) -> None:
        kind = self.ctx.agenda.setup().type_named(str(self.kind.currentData()))
        if kind is not None:
            self.minutes.setValue(kind.minutes)

    def _book(self) -> None:
        item = self.found.currentItem()
        if item is None:
            raise InvalidInput("Choisissez le patient (ou créez-le avec « Nouveau patient »).")
        request = Request(str(self.kind.currentData()), self.start, self.minutes.value(),
                          self.reason.text().strip())
        try:
            self.booked = self.ctx.agenda.book(int(item.data(ROLE)), request)
        except SlotTaken as taken:
            if not confirm_overlap(self, taken.message):
                raise
            self.booked = self.ctx.agenda.book(int(item.data(ROLE)), Request(
                request.type_name, request.start, request.minutes, request.reason, True))


def confirm_overlap(parent: QWidget, message: str) -> bool:
    """Ask whether to give a slot already taken."""
    return QMessageBox.question(parent, "Créneau déjà pris", message) \
        == QMessageBox.StandardButton.Yes

