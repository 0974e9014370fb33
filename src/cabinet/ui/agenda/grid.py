"""The agenda's grid: one column per day, one row per slot; closed days and hours greyed.

An appointment fills the rows of its duration in its type's colour; a block (home visits)
and a day the practice is closed (holiday, absence) are grey and take no appointment. The
grid holds only what the service returned for the days shown: nothing is read here.
"""

import bisect
import datetime as dt
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cabinet.domain.agenda import STATUS_LABELS, AgendaSetup, Appointment, Status, slot_times
from cabinet.services.agenda import DayView

CLOSED = QColor("#d6d6d6")
OUTSIDE = QColor("#ededed")
BLOCK = QColor("#c4c4c4")
UNKNOWN_TYPE = QColor("#9e9e9e")
SHORT_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
ROLE = Qt.ItemDataRole.UserRole


class AgendaGrid(QTableWidget):
    """Days side by side; Enter or N on a free slot asks for a new appointment there."""

    slot_activated = Signal(object)  # the slot's start, a datetime
    appointment_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Agenda")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab to the actions and the waiting room
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setWordWrap(False)  # one line per cell: the week paints within its budget
        self.days: list[DayView] = []
        self.times: list[dt.time] = []
        self._free: set[tuple[int, int]] = set()
        self.cellActivated.connect(self._activated)
        self.cellDoubleClicked.connect(self._activated)

    def show_days(self, setup: AgendaSetup, days: list[DayView]) -> None:
        """Lay out `days` on the setup's slots, keeping the selected cell where it was."""
        row, column = max(self.currentRow(), 0), max(self.currentColumn(), 0)
        self.setUpdatesEnabled(False)
        try:
            self._fill(setup, days)
        finally:
            self.setUpdatesEnabled(True)
        self.setCurrentCell(min(row, self.rowCount() - 1), min(column, len(days) - 1))

    def _fill(self, setup: AgendaSetup, days: list[DayView]) -> None:
        opening = [o for o in (setup.opening(d.day) for d in days) if o] or [
            (dt.time(8), dt.time(19))]
        self.times = slot_times(setup, min(o[0] for o in opening), max(o[1] for o in opening))
        self.days = days
        self.clearSpans()
        self.clear()
        self.setRowCount(len(self.times))
        self.setColumnCount(len(days))
        self.setVerticalHeaderLabels([f"{t:%H:%M}" for t in self.times])
        self.setHorizontalHeaderLabels([
            f"{SHORT_DAYS[d.day.weekday()]} {d.day:%d/%m}" + (f"\n{d.closed}" if d.closed else "")
            for d in days])
        self._free = set()
        for column, day in enumerate(days):
            self._fill_day(setup, column, day)

    def _fill_day(self, setup: AgendaSetup, column: int, day: DayView) -> None:
        spans = setup.hours[day.day.weekday()]
        blocks = [b for b in setup.blocks if b.weekday == day.day.weekday()]
        for row, time in enumerate(self.times):
            item = QTableWidgetItem()  # a free slot has none: fewer items, a quicker paint
            if day.closed:
                item.setBackground(CLOSED)
                item.setToolTip(day.closed)
            elif block := next((b for b in blocks if b.start <= time < b.end), None):
                item.setBackground(BLOCK)
                item.setText(block.label if time == block.start else "")
            elif not any(s.start <= time < s.end for s in spans):
                item.setBackground(OUTSIDE)
            else:
                self._free.add((row, column))
                continue
            self.setItem(row, column, item)
        covered: dict[int, QTableWidgetItem] = {}
        for appointment in day.appointments:
            if appointment.status is not Status.CANCELLED:
                self._place(setup, column, appointment, covered)

    def _place(self, setup: AgendaSetup, column: int, appointment: Appointment,
               covered: dict[int, QTableWidgetItem]) -> None:
        start = appointment.start.time()
        row = max(bisect.bisect_right(self.times, start) - 1, 0)
        label = (f"{start:%H:%M} {appointment.patient_name} — {appointment.type_name}"
                 + ("" if appointment.status is Status.PLANNED
                    else f" ({STATUS_LABELS[appointment.status]})"))
        if row in covered:  # an overlap the physician confirmed: both in one cell
            item = covered[row]
            item.setText(f"{item.text()}\n{label}")
            item.setData(ROLE, [*item.data(ROLE), appointment.id])
            return
        kind = setup.type_named(appointment.type_name)
        item = QTableWidgetItem(label)
        item.setData(ROLE, [appointment.id])
        item.setBackground(QBrush(QColor(kind.colour) if kind else UNKNOWN_TYPE))
        item.setForeground(QBrush(QColor("white")))
        if appointment.status is Status.ABSENT:
            font = QFont()
            font.setStrikeOut(True)
            item.setFont(font)
        self.setItem(row, column, item)
        rows = max(1, math.ceil(appointment.minutes / setup.slot_minutes))
        rows = min(rows, self.rowCount() - row)
        if rows > 1:
            self.setSpan(row, column, rows, 1)
        for taken in range(row, row + rows):
            covered[taken] = item
            self._free.discard((taken, column))

    def selected_start(self) -> dt.datetime | None:
        """The selected free slot's start, None when it is not free."""
        row, column = self.currentRow(), self.currentColumn()
        if (row, column) not in self._free:
            return None
        return dt.datetime.combine(self.days[column].day, self.times[row])

    def selected_appointments(self) -> list[int]:
        """The appointment numbers in the selected cell (two when an overlap was confirmed)."""
        item = self.currentItem()
        found = item.data(ROLE) if item is not None else None
        return list(found) if found else []

    def selected_day(self) -> dt.date | None:
        """The day of the selected column."""
        column = self.currentColumn()
        return self.days[column].day if 0 <= column < len(self.days) else None

    def _activated(self, row: int, column: int) -> None:
        self.setCurrentCell(row, column)
        if found := self.selected_appointments():
            self.appointment_activated.emit(found[0])
        elif (start := self.selected_start()) is not None:
            self.slot_activated.emit(start)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Enter and N on a cell act on it, as a double click does."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_N) \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._activated(self.currentRow(), self.currentColumn())
            return
        super().keyPressEvent(event)
