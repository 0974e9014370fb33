"""The prescription editor: lines of drug, dosage, duration; ALD lines for the bizone layout."""

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cabinet.ui.common.dialogs import ServiceDialog

COLUMNS = ("Médicament", "Posologie", "Durée", "ALD")


class PrescriptionDialog(ServiceDialog):
    """Write a prescription, or renew one (pre-filled lines, today's date)."""

    def __init__(self, save_with: Callable[[dict[str, Any]], object],
                 lines: list[Mapping[str, Any]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Renouveler l'ordonnance" if lines else "Nouvelle ordonnance", parent)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Lignes de l'ordonnance")
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(0, 260)
        self.table.setColumnWidth(1, 260)
        for line in lines or [{}]:
            self.add_line(line)
        add = QPushButton("&Ajouter une ligne")
        add.clicked.connect(lambda: self.add_line({}))
        remove = QPushButton("&Retirer la ligne")
        remove.clicked.connect(self.remove_line)
        buttons = QHBoxLayout()
        buttons.addWidget(self.date)
        buttons.addStretch()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        self.body.addLayout(buttons)
        self.body.addWidget(self.table)
        self.save = lambda: save_with(self.payload())
        self.resize(760, 360)
        self.table.setCurrentCell(0, 0)
        self.table.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """Open on the first cell, ready to type: keys typed at once are not lost."""
        super().showEvent(event)
        self.table.edit(self.table.currentIndex())

    def add_line(self, line: Mapping[str, Any]) -> None:
        """Append a line, pre-filled from `line`."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, key in enumerate(("drug", "dosage", "duration")):
            self.table.setItem(row, column, QTableWidgetItem(str(line.get(key, ""))))
        ald = QTableWidgetItem()
        ald.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        ald.setCheckState(Qt.CheckState.Checked if line.get("ald") else Qt.CheckState.Unchecked)
        self.table.setItem(row, 3, ald)
        self.table.setCurrentCell(row, 0)

    def remove_line(self) -> None:
        """Remove the selected line."""
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())

    def payload(self) -> dict[str, Any]:
        """The prescription as typed (empty lines dropped)."""
        lines = []
        for row in range(self.table.rowCount()):
            items = [self.table.item(row, c) for c in range(4)]
            texts = [(item.text() if item else "").strip() for item in items[:3]]
            if any(texts):
                ald = items[3] is not None and items[3].checkState() == Qt.CheckState.Checked
                lines.append({"drug": texts[0], "dosage": texts[1], "duration": texts[2],
                              "ald": ald})
        return {"date": self.date.date().toString("yyyy-MM-dd"), "lines": lines}
