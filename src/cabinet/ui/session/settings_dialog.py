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


def _folder_row(edit: QLineEdit) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit)
    choose = QPushButton("Choisir…")
    choose.clicked.connect(lambda: edit.setText(
        str(folder_to_use(row, "Choisir un dossier", edit.text()) or edit.text())))
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
        return _folder_row(edit) if isinstance(edit, QLineEdit) and setting.kind is Kind.FOLDER \
            else edit


def _choice(setting: ChoiceSetting, value: str) -> QComboBox:
    """A list of the setting's choices, its current value selected."""
    box = QComboBox()
    for choice, label in setting.choices:
        box.addItem(label, choice)
    box.setCurrentIndex(max(box.findData(value), 0))
    return box


def _value(edit: QLineEdit | QComboBox) -> str:
    return str(edit.currentData()) if isinstance(edit, QComboBox) else edit.text()
