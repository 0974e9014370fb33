"""Find a medicine as you type: brand, DCI, or the CIP code of a scanned box.

The search reads the public drug base only (no patient data), fast enough to run at each key
(DESIGN.md §6: p95 < 5 ms). Up and Down move in the results from the field; Enter chooses.
"""

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cabinet.domain.drugs import DrugHit

COLUMNS = ("Spécialité", "DCI et dosage", "Voie", "Remb.", "Groupe générique", "Alertes")
ALERT_COLOUR = "#b00020"


class DrugSearch(QWidget):
    """A search field over the drug base; emits `chosen(DrugHit)` on Enter or double-click."""

    chosen = Signal(object)

    def __init__(self, search: Callable[[str], list[DrugHit]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._hits: list[DrugHit] = []
        self.field = QLineEdit()
        self.field.setPlaceholderText("Nom commercial, DCI (« amox »), ou code CIP de la boîte")
        self.field.setAccessibleName("Rechercher un médicament")
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(self.search)
        self.field.installEventFilter(self)
        self.results = QTableWidget(0, len(COLUMNS))
        self.field.returnPressed.connect(lambda: self._choose(self.results.currentRow()))
        self.results.setHorizontalHeaderLabels(COLUMNS)
        self.results.setAccessibleName("Médicaments trouvés")
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().hide()
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.results.cellActivated.connect(lambda row, _: self._choose(row))
        self.results.cellDoubleClicked.connect(lambda row, _: self._choose(row))
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.results)
        layout.addWidget(self.status)

    def search(self, text: str) -> None:
        """Show the hits for `text` (nothing under two characters, except a code's digits)."""
        typed = text.strip()
        self._hits = self._search(typed) if len(typed) >= 2 else []
        self.results.setRowCount(len(self._hits))
        for row, hit in enumerate(self._hits):
            cells = (hit.name, hit.dosage, hit.routes, hit.reimbursement or "non remb.",
                     hit.generic_group, ", ".join(hit.warnings))
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 5 and value:
                    item.setForeground(Qt.GlobalColor.red)
                if not hit.marketed:
                    item.setForeground(Qt.GlobalColor.gray)
                self.results.setItem(row, column, item)
        if self._hits:
            self.results.setCurrentCell(0, 0)
        self.status.setText("" if len(typed) < 2 else
                            f"{len(self._hits)} médicament{'s' if len(self._hits) > 1 else ''}"
                            if self._hits else "Aucun médicament trouvé : la ligne peut être "
                                               "écrite en texte libre.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Up and Down in the field move in the results."""
        if watched is self.field and isinstance(event, QKeyEvent) \
                and event.type() == QEvent.Type.KeyPress and self._hits:
            key = event.key()
            step = 1 if key == Qt.Key.Key_Down else -1 if key == Qt.Key.Key_Up else 0
            if step:
                row = min(max(self.results.currentRow() + step, 0), len(self._hits) - 1)
                self.results.setCurrentCell(row, 0)
                return True
        return super().eventFilter(watched, event)

    def _choose(self, row: int) -> None:
        if 0 <= row < len(self._hits):
            self.chosen.emit(self._hits[row])
