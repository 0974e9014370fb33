"""The record's « Résultats » tab: every analyte with its latest value, its history, its curve.

The list on the left names each analyte (in red when its latest value is abnormal) and the
vital signs the encounters hold (weight, BMI, blood pressure); choosing one shows its history
in the table and its curve beneath. Reading the results is journaled by the service.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.lab_results import VITAL_CURVES, DatedValue, vital_series
from cabinet.ui.results.table import ABNORMAL, ResultsModel

if TYPE_CHECKING:
    from cabinet.ui.results.curves import CurvePlot

ALL = "Toutes les analyses"
COLUMN_WIDTHS = (90, 220, 80, 70, 120)  # the last column, the comment, takes the rest
Point = tuple[dt.date, float]


def analyte_key(item: DatedValue) -> str:
    """What groups one analyte's results over time (its code, else its label)."""
    return item.value.code or item.value.label


class ResultsTab(QWidget):
    """Analytes and vital signs, the table of values, the curve."""

    def __init__(self, context: Callable[[], AppContext], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._values: list[DatedValue] = []
        self._vitals: dict[str, list[Point]] = {}
        self.choices = QListWidget()
        self.choices.setAccessibleName("Analyses et constantes")
        self.choices.currentItemChanged.connect(self._chosen)
        self.model = ResultsModel()
        self.table = QTableView()
        self.table.setAccessibleName("Résultats de biologie")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self._curve: CurvePlot | None = None
        self._right = QSplitter(Qt.Orientation.Vertical)
        self._right.addWidget(self.table)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.choices)
        split.addWidget(self._right)
        split.setSizes([260, 700])
        self._right.setSizes([260, 420])
        QVBoxLayout(self).addWidget(split)

    @property
    def curve(self) -> "CurvePlot":
        """The plot, built when first needed: the plotting library loads only then."""
        if self._curve is None:
            from cabinet.ui.results.curves import CurvePlot

            self._curve = CurvePlot()
            self._right.addWidget(self._curve)
            self._right.setSizes([260, 420])
        return self._curve

    def load(self, patient_id: int, encounters: Sequence[Mapping[str, Any]]) -> None:
        """Read the patient's results (journaled) and list what can be drawn."""
        self._values = self._context().results.values(patient_id)
        self._vitals = vital_series(encounters)
        self.choices.clear()
        self.choices.addItem(ALL)
        for code, (label, _unit) in VITAL_CURVES.items():
            if self._vitals.get("systolic" if code == "blood_pressure" else code):
                item = QListWidgetItem(f"{label} (constantes)")
                item.setData(Qt.ItemDataRole.UserRole, ("vital", code))
                self.choices.addItem(item)
        latest: dict[str, DatedValue] = {}
        for value in self._values:
            if value.value.kind != "T":
                latest[analyte_key(value)] = value
        for key, last in sorted(latest.items(), key=lambda kv: kv[1].value.label.casefold()):
            item = QListWidgetItem(f"{last.value.label} : {last.value.value} {last.value.unit}"
                                   .strip())
            item.setData(Qt.ItemDataRole.UserRole, ("lab", key))
            if last.value.abnormal():
                item.setForeground(ABNORMAL)
            self.choices.addItem(item)
        self.choices.setCurrentRow(1 if self.choices.count() > 1 else 0)

    def choose(self, text: str) -> None:
        """Show the analyte or vital sign whose entry starts with `text`."""
        for row in range(self.choices.count()):
            if self.choices.item(row).text().startswith(text):
                self.choices.setCurrentRow(row)
                return

    def _chosen(self, item: QListWidgetItem | None) -> None:
        kind, key = (item.data(Qt.ItemDataRole.UserRole) if item is not None else None) or (
            "all", "")
        history = [v for v in self._values if analyte_key(v) == key]
        if kind == "lab" and history:
            self.model.set_values(history)
            last = history[-1].value
            points = [(v.sampled_on, v.value.number) for v in history
                      if v.value.number is not None]
            self.curve.show_series(last.label, last.unit, [("", points)] if points else [],
                                   last.low, last.high)
            return
        self.model.set_values(self._values)
        if kind == "vital":
            self._show_vital(key)
        else:
            self.curve.show_series("", "", [])

    def _show_vital(self, code: str) -> None:
        label, unit = VITAL_CURVES[code]
        if code == "blood_pressure":
            series = [("Systolique", self._vitals["systolic"]),
                      ("Diastolique", self._vitals["diastolic"])]
        else:
            series = [("", self._vitals[code])]
        self.curve.show_series(label, unit, series)

    def clear(self) -> None:
        """Forget everything shown (lock, another record)."""
        self.choices.blockSignals(True)
        self.choices.clear()
        self.choices.blockSignals(False)
        self._values, self._vitals = [], {}
        self.model.set_values([])
        if self._curve is not None:
            self._curve.show_series("", "", [])
