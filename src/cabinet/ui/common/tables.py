"""The read-only tables of rows the windows list things in (fees, results, requests…)."""

from collections.abc import Sequence

from PySide6.QtWidgets import QTableWidget


def read_only_table(columns: Sequence[str], name: str) -> QTableWidget:
    """A table of whole rows to choose one from, never to edit in place."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setAccessibleName(name)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab goes on to the buttons; arrows move in it
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.verticalHeader().hide()  # the rows carry their own numbers or names
    table.horizontalHeader().setStretchLastSection(True)
    return table
