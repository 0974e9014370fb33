"""Practice settings: the physician's identity for letterheads, delays, folders."""

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from cabinet.domain.settings import SETTINGS, ChoiceSetting, Kind, Setting
from cabinet.ui.common.dialogs import ServiceDialog
from cabinet.ui.common.file_choice import folder_to_use


def _folder_row(edit: QLineEdit, several: bool) -> QWidget:
    """The folder's text and « Choisir… »; for `several`, the choice is added after a « ; »."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit)
    choose = QPushButton("Choisir…")

    def chosen() -> None:
        current = edit.text().strip()
        folder = folder_to_use(row, "Choisir un dossier", current.split(";")[-1].strip())
        if folder is not None:
            edit.setText(f"{current} ; {folder}" if several and current else str(folder))

    choose.clicked.connect(chosen)
    layout.addWidget(choose)
    return row


class SettingsDialog(ServiceDialog):
    """Every setting grouped as declared; `save_with(values)` on Save."""

    def __init__(self, values: dict[str, str], save_with: Callable[[dict[str, str]], object],
                 parent: QWidget | None = None) -> None:
        super().__init__("Paramètres du cabinet", parent)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        group = ""
        for setting in SETTINGS:
            if setting.group != group:
                group = setting.group
                form.addRow(QLabel(f"<b>{group}</b>"))
            form.addRow(setting.label, self._field(setting, values[setting.key]))
        self.body.addLayout(form)
        self.save = lambda: save_with({key: _value(edit) for key, edit in self.fields.items()})
        self.resize(620, 420)

    def _field(self, setting: Setting[str] | Setting[int], value: str) -> QWidget:
        edit = _choice(setting, value) if isinstance(setting, ChoiceSetting) else QLineEdit(value)
        edit.setToolTip(setting.description)
        edit.setAccessibleName(setting.label)
        edit.setAccessibleDescription(setting.description)
        self.fields[setting.key] = edit
        if isinstance(edit, QLineEdit) and setting.kind in (Kind.FOLDER, Kind.FOLDERS):
            return _folder_row(edit, several=setting.kind is Kind.FOLDERS)
        return edit


def _choice(setting: ChoiceSetting, value: str) -> QComboBox:
    """A list of the setting's choices, its current value selected."""
    box = QComboBox()
    for choice, label in setting.choices:
        box.addItem(label, choice)
    box.setCurrentIndex(max(box.findData(value), 0))
    return box


def _value(edit: QLineEdit | QComboBox) -> str:
    return str(edit.currentData()) if isinstance(edit, QComboBox) else edit.text()
