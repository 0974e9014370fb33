"""The results as a table model: thousands of values painted without a widget per cell.

An abnormal value (flagged by the laboratory, or outside its bounds) is written in red.
"""

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from cabinet.domain.lab_results import DatedValue, normal_range

HEADERS = ("Date", "Analyse", "Valeur", "Unité", "Valeurs normales", "Commentaire")
ABNORMAL = QColor("#c62828")
_Index = QModelIndex | QPersistentModelIndex


def cells(item: DatedValue) -> tuple[str, ...]:
    """The row of one result as shown."""
    value = item.value
    return (f"{item.sampled_on:%d/%m/%Y}", value.label, value.value, value.unit,
            normal_range(value), value.comment.replace("\n", " "))


class ResultsModel(QAbstractTableModel):
    """Results, newest first; the view asks only for the rows it paints."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DatedValue] = []
        self._brush = QBrush(ABNORMAL)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_values(self, values: Sequence[DatedValue]) -> None:
        """Show `values` (oldest first as stored), newest first."""
        self.beginResetModel()
        self._rows = list(reversed(values))
        self.endResetModel()

    def row(self, number: int) -> DatedValue:
        """The result shown at row `number`."""
        return self._rows[number]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """Rows shown (none under a cell: this is a table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """The columns of `HEADERS`."""
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """A cell's text; red and bold for an abnormal value."""
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cells(item)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and item.value.abnormal():
            return self._brush
        if role == Qt.ItemDataRole.FontRole and item.value.abnormal() and index.column() == 2:
            return self._bold
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """The column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None
