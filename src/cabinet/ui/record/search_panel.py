"""Find a patient as you type: name, birth date (jj/mm/aaaa) or NIR, and recent patients."""

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.wording import age_text, french_date
from cabinet.services.ports import PatientRow

MAX_RECENT = 10


class SearchPanel(QWidget):
    """Emits `patient_chosen(patient_id)` when a result or a recent patient is opened."""

    patient_chosen = Signal(int)

    def __init__(self, context: Callable[[], AppContext], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._rows: list[PatientRow] = []
        self._recent: list[PatientRow] = []
        self.field = QLineEdit()
        self.field.setPlaceholderText("Rechercher : nom, date de naissance (jj/mm/aaaa), NIR")
        self.field.setAccessibleName("Rechercher un patient")
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(self.search)
        self.field.returnPressed.connect(self._open_current)
        self.field.installEventFilter(self)
        self.archived = QCheckBox("Inclure les dossiers arc&hivés")
        self.archived.setToolTip("Les dossiers sans consultation depuis plusieurs années sont "
                                 "en archive intermédiaire : lecture seule, hors de la "
                                 "recherche habituelle.")
        self.archived.toggled.connect(lambda _: self.search(self.field.text()))
        self.results = QTableWidget(0, 4)
        self.results.setHorizontalHeaderLabels(("Nom", "Naissance", "Âge", "NIR"))
        self.results.setAccessibleName("Résultats de la recherche")
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().hide()
        self.results.setWordWrap(True)  # a long name takes two lines rather than being cut
        self.results.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setMinimumWidth(420)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.results.resizeRowsToContents())
        self.results.cellActivated.connect(lambda row, _: self._open_row(row))
        self.results.cellDoubleClicked.connect(lambda row, _: self._open_row(row))
        self.status = QLabel("Aucun patient")
        self.status.setObjectName("searchStatus")
        self.status.hide()
        self.recent = QListWidget()
        self.recent.setAccessibleName("Patients récents")
        self.recent.itemActivated.connect(self._open_recent)
        self.recent.setMaximumHeight(180)
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.archived)
        layout.addWidget(self.results)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("Patients récents"))
        layout.addWidget(self.recent)

    def focus_search(self) -> None:
        """Put the cursor in the search field, its text selected (Ctrl+F, F2)."""
        self.field.setFocus()
        self.field.selectAll()

    def search(self, text: str) -> None:
        """Run the search for what is typed."""
        self._rows = self._context().patients.search(
            text, include_archived=self.archived.isChecked()) if text.strip() else []
        today = self._context().clock.now().date()
        self.results.setRowCount(len(self._rows))
        for index, row in enumerate(self._rows):
            cells = (row.display_name, french_date(row.birth_date),
                     age_text(row.birth_date, today), row.nir)
            for column, value in enumerate(cells):
                self.results.setItem(index, column, QTableWidgetItem(value))
        self.results.resizeRowsToContents()
        if self._rows:
            self.results.selectRow(0)
        self.status.setVisible(bool(text.strip()) and not self._rows)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Up and Down in the search field move through the results."""
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            if step and self._rows:
                row = min(max(self.results.currentRow() + step, 0), len(self._rows) - 1)
                self.results.selectRow(row)
                return True
        return super().eventFilter(watched, event)

    def _open_current(self) -> None:
        if self._rows:
            self._open_row(max(self.results.currentRow(), 0))

    def _open_row(self, index: int) -> None:
        row = self._rows[index]
        self._remember(row)
        self.patient_chosen.emit(row.patient_id)

    def _remember(self, row: PatientRow) -> None:
        self._recent = [row] + [r for r in self._recent if r.patient_id != row.patient_id]
        self._recent = self._recent[:MAX_RECENT]
        self.recent.clear()
        for recent in self._recent:
            item = QListWidgetItem(f"{recent.display_name} ({french_date(recent.birth_date)})")
            item.setData(Qt.ItemDataRole.UserRole, recent.patient_id)
            self.recent.addItem(item)

    def _open_recent(self, item: QListWidgetItem) -> None:
        patient_id = int(item.data(Qt.ItemDataRole.UserRole))
        row = next(r for r in self._recent if r.patient_id == patient_id)
        self._remember(row)
        self.patient_chosen.emit(patient_id)

    def clear(self) -> None:
        """Forget results and recent patients (at lock)."""
        for widget in (self.field, self.archived):
            widget.blockSignals(True)
        self.field.setText("")  # unlike clear(), forgets the undo history
        self.archived.setChecked(False)
        for widget in (self.field, self.archived):
            widget.blockSignals(False)
        self._rows = []
        self._recent = []
        self.results.setRowCount(0)
        self.status.hide()
        self.recent.clear()
