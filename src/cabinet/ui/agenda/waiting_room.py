"""The waiting room: those « arrivé », first come first, and the way to their encounter."""

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cabinet.domain.agenda import Appointment

ROLE = Qt.ItemDataRole.UserRole


class WaitingRoom(QWidget):
    """Emits `encounter_requested(appointment)` for the chosen waiting patient."""

    encounter_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.waiting: list[Appointment] = []
        self.list = QListWidget()
        self.list.setAccessibleName("Salle d'attente")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda _: self.start_encounter())
        self.start = QPushButton("&Consultation du patient choisi")
        self.start.clicked.connect(self.start_encounter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Salle d'attente</b>"))
        layout.addWidget(self.list)
        layout.addWidget(self.start)

    def show_waiting(self, waiting: list[Appointment]) -> None:
        """The patients waiting, in order of arrival."""
        self.waiting = waiting
        self.list.clear()
        for number, a in enumerate(waiting, start=1):
            item = QListWidgetItem(f"{number}. {a.patient_name}, arrivé(e) à {_arrival(a)} — "
                                   f"rendez-vous de {a.start:%H:%M}, {a.type_name}")
            item.setData(ROLE, a.id)
            self.list.addItem(item)
        if waiting:
            self.list.setCurrentRow(0)
        self.start.setEnabled(bool(waiting))

    def start_encounter(self) -> None:
        """Ask for the encounter of the selected waiting patient."""
        row = self.list.currentRow()
        if 0 <= row < len(self.waiting):
            self.encounter_requested.emit(self.waiting[row])


def _arrival(appointment: Appointment) -> str:
    """The arrival time (stored in UTC) on the workstation's clock."""
    if not appointment.arrived_at:
        return "--:--"
    return f"{dt.datetime.fromisoformat(appointment.arrived_at).astimezone():%H:%M}"
