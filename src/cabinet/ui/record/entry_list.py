"""A list of entries beside the selected one's detail: the shape of every record tab."""

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cabinet.domain.wording import summary_line
from cabinet.services.ports import StoredVersion
from cabinet.ui.record.rendering import entry_html


class EntryList(QWidget):
    """Entries on the left (newest first), the selected one in full on the right."""

    selection_changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None, *,
                 list_share: float = 0.36) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName(name)
        self.list.setWordWrap(True)  # a long line takes two rather than being cut
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(f"Détail : {name}")
        self.detail.setOpenLinks(False)
        self.buttons = QHBoxLayout()
        self.list.currentRowChanged.connect(self._show_current)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setSizes([round(1000 * list_share), round(1000 * (1 - list_share))])
        layout = QVBoxLayout(self)
        layout.addLayout(self.buttons)
        layout.addWidget(splitter)
        self._entries: list[StoredVersion] = []

    def add_button(self, text: str, action: Callable[[], object]) -> QPushButton:
        """A button above the list."""
        button = QPushButton(text)
        button.clicked.connect(action)
        self.buttons.addWidget(button)
        return button

    def add_menu(self, text: str, items: list[tuple[str, Callable[[], object]]]) -> QToolButton:
        """A button that opens a menu of actions."""
        button = QToolButton()
        button.setText(text)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for label, action in items:
            menu.addAction(label, action)
        button.setMenu(menu)
        self.buttons.addWidget(button)
        return button

    def add_context_action(self, text: str, action: Callable[[StoredVersion], object]) -> None:
        """An action on the selected entry, in the list's context menu (right click, Menu key)."""

        def run() -> None:
            entry = self.current()
            if entry is not None:
                action(entry)

        item = QAction(text, self.list)
        item.triggered.connect(run)
        self.list.addAction(item)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def finish_buttons(self) -> None:
        """Push the buttons to the left."""
        self.buttons.addStretch()

    def set_entries(self, entries: list[StoredVersion]) -> None:
        """Show these entries, selecting the one just written if any, else the same as before.

        An entry just written has an id higher than every entry shown before.
        """
        previous = self.current()
        newest_before = max((e.id for e in self._entries), default=None)
        written = [e for e in entries if newest_before is not None and e.id > newest_before]
        if written:
            previous = max(written, key=lambda e: e.id)
        self._entries = entries
        self.list.clear()
        for entry in entries:
            item = QListWidgetItem(summary_line(entry))
            item.setData(Qt.ItemDataRole.UserRole, entry.lineage)
            self.list.addItem(item)
        lineages = [e.lineage for e in entries]
        row = lineages.index(previous.lineage) if previous and previous.lineage in lineages \
            else (0 if entries else -1)
        self.list.setCurrentRow(row)
        self._show_current(row)

    def current(self) -> StoredVersion | None:
        """The selected entry."""
        row = self.list.currentRow()
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def _show_current(self, row: int) -> None:
        entry = self._entries[row] if 0 <= row < len(self._entries) else None
        self.detail.setHtml(entry_html(entry) if entry else "")
        self.selection_changed.emit()

    def clear(self) -> None:
        """Forget everything shown (at lock)."""
        self._entries = []
        self.list.clear()
        self.detail.clear()
