"""The read-only tables every list window is built with: one row chosen, nothing typed in."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableWidgetItem, QVBoxLayout, QWidget

from cabinet.ui.common.tables import read_only_table


def test_a_read_only_table_chooses_one_row_edits_nothing_and_lets_tab_go(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    table = read_only_table(("Nom", "Naissance"), "Patients trouvés")
    after = QLineEdit()
    layout = QVBoxLayout(window)
    layout.addWidget(table)
    layout.addWidget(after)
    table.setRowCount(2)
    for row, (name, born) in enumerate((("Durand", "01/02/1970"), ("Martin", "03/04/1980"))):
        table.setItem(row, 0, QTableWidgetItem(name))
        table.setItem(row, 1, QTableWidgetItem(born))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)

    assert table.accessibleName() == "Patients trouvés"
    assert not table.verticalHeader().isVisible()
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_F2)  # the edit key opens no editor
    qtbot.keyClicks(table, "Dupont")
    assert table.item(0, 0).text() == "Durand"
    for row, keys in ((0, Qt.KeyboardModifier.NoModifier),
                      (1, Qt.KeyboardModifier.ControlModifier)):  # Ctrl adds no second row
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, keys,
                         table.visualItemRect(table.item(row, 1)).center())
    assert [index.row() for index in table.selectionModel().selectedRows()] == [1]
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after  # Tab leaves the table, never cell by cell
