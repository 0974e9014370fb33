"""The pieces the ledger and the act table share: read-only tables, dates."""

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QTableWidget, QTableWidgetItem


def read_only_table(columns: Sequence[str], name: str) -> QTableWidget:
    """A table of whole rows to select, never to edit in place."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setAccessibleName(name)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab goes on to the buttons; arrows move in it
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()  # the lines carry their own numbers
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Show these rows' texts, amounts on the right."""
    table.setRowCount(len(rows))
    for index, cells in enumerate(rows):
        for column, value in enumerate(cells):
            item = QTableWidgetItem(value)
            if value.endswith("€"):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(index, column, item)
    table.resizeColumnsToContents()


def date_edit(day: dt.date) -> QDateEdit:
    """A date typed as JJ/MM/AAAA, with its calendar."""
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def day_of(edit: QDateEdit) -> dt.date:
    """The date an editor shows."""
    return dt.date.fromisoformat(edit.date().toString("yyyy-MM-dd"))
