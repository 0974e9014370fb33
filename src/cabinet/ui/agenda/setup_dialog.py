"""The agenda's setup: appointment types, opening hours per weekday, absences, blocks.

Typed as a physician writes them (« 08:30-12:30, 14:00-19:00 », dates as 24/12/2026); the
whole setup is checked, then stored at once by the agenda service, or refused in French.
"""

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.agenda import (
    WEEKDAYS,
    Absence,
    AgendaError,
    AgendaSetup,
    AppointmentType,
    RecurringBlock,
    hours_text,
    parse_hours,
    parse_time,
)
from cabinet.domain.identity import parse_french_date
from cabinet.errors import InvalidInput
from cabinet.ui.common.dialogs import ServiceDialog, side_by_side

SLOTS = (5, 10, 15, 20, 30)


def _table(headers: tuple[str, ...], rows: list[list[str]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)  # Tab goes on to the hours; arrows move in it
    table.horizontalHeader().setStretchLastSection(True)
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))
    table.setMaximumHeight(150)
    return table


def _cells(table: QTableWidget) -> list[list[str]]:
    """The rows typed, the wholly empty ones left out."""
    rows = []
    for r in range(table.rowCount()):
        cells = [(item.text() if (item := table.item(r, c)) is not None else "").strip()
                 for c in range(table.columnCount())]
        if any(cells):
            rows.append(cells)
    return rows


def _with_buttons(table: QTableWidget, what: str) -> QWidget:
    add, remove = QPushButton(f"Ajouter {what}"), QPushButton("Retirer la ligne")
    add.clicked.connect(lambda: table.insertRow(table.rowCount()))
    remove.clicked.connect(lambda: table.removeRow(table.currentRow()))
    return side_by_side(table, add, remove)


class AgendaSetupDialog(ServiceDialog):
    """Edit the whole setup; saved through `AgendaService.change_setup`."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Paramétrer l'agenda", parent)
        self.ctx = ctx
        setup = ctx.agenda.setup()
        form = QFormLayout()
        self.types = _table(("Nom", "Durée (min)", "Couleur (#RRVVBB)"),
                            [[t.name, str(t.minutes), t.colour] for t in setup.types],
                            "Types de rendez-vous")
        form.addRow("Types de rendez-vous", _with_buttons(self.types, "un type"))
        self.hours: list[QLineEdit] = []
        for day, spans in zip(WEEKDAYS, setup.hours, strict=True):
            edit = QLineEdit(hours_text(spans))
            edit.setPlaceholderText("fermé")
            edit.setAccessibleName(f"Horaires du {day}")
            self.hours.append(edit)
            form.addRow(f"Horaires du {day}", edit)
        self.absences = _table(("Du (jj/mm/aaaa)", "Au", "Motif"),
                               [[f"{a.first:%d/%m/%Y}", f"{a.last:%d/%m/%Y}", a.label]
                                for a in setup.absences], "Absences")
        form.addRow("Absences", _with_buttons(self.absences, "une absence"))
        self.blocks = _table(("Jour", "De", "À", "Libellé"),
                             [[WEEKDAYS[b.weekday], f"{b.start:%H:%M}", f"{b.end:%H:%M}",
                               b.label] for b in setup.blocks], "Plages réservées")
        form.addRow("Plages réservées", _with_buttons(self.blocks, "une plage"))
        self.slot = QComboBox()
        for minutes in SLOTS:
            self.slot.addItem(f"{minutes} minutes", minutes)
        self.slot.setCurrentIndex(self.slot.findData(setup.slot_minutes))
        form.addRow("Durée d'un créneau", self.slot)
        form.addRow("", QLabel("Les jours fériés suivent le département choisi dans les "
                               "paramètres du cabinet."))
        self.body.addLayout(form)
        self.save = self._store

    def typed_setup(self) -> AgendaSetup:
        """The setup as typed; `InvalidInput` in French for what cannot be read."""
        try:
            return AgendaSetup(
                types=tuple(AppointmentType(name, _minutes(minutes), colour)
                            for name, minutes, colour in _cells(self.types)),
                hours=tuple(parse_hours(e.text(), d)
                            for e, d in zip(self.hours, WEEKDAYS, strict=True)),
                absences=tuple(Absence(_date(first), _date(last or first), label)
                               for first, last, label in _cells(self.absences)),
                blocks=tuple(RecurringBlock(_weekday(day), parse_time(start, "Plage réservée"),
                                            parse_time(end, "Plage réservée"), label)
                             for day, start, end, label in _cells(self.blocks)),
                slot_minutes=int(self.slot.currentData()))
        except AgendaError as error:
            raise InvalidInput(str(error)) from None

    def _store(self) -> None:
        self.ctx.agenda.change_setup(self.typed_setup())


def _minutes(text: str) -> int:
    if not text.isdigit():
        raise AgendaError("La durée d'un type se donne en minutes (par exemple 20).")
    return int(text)


def _date(text: str) -> dt.date:
    found = parse_french_date(text)
    if found is None:
        raise AgendaError(f"Absence : « {text[:20]} » n'est pas une date (jj/mm/aaaa).")
    return found


def _weekday(text: str) -> int:
    try:
        return WEEKDAYS.index(text.strip().lower())
    except ValueError:
        raise AgendaError(f"Plage réservée : « {text[:20]} » n'est pas un jour (lundi à "
                          "dimanche).") from None
