"""Practice settings: identity for letterheads, delays, folders; the drug base's release.

A newer release of the drug base, downloaded by the physician, is imported from here too.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

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
from cabinet.errors import KnownError
from cabinet.ui.common.dialogs import ServiceDialog, side_by_side
from cabinet.ui.common.file_choice import folder_to_use

if TYPE_CHECKING:
    from cabinet.ui.common.drug_base import DrugBaseHolder


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
                 drugs: "DrugBaseHolder | None" = None, parent: QWidget | None = None) -> None:
        super().__init__("Paramètres du cabinet", parent)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        group = ""
        for setting in SETTINGS:
            if setting.group != group:
                group = setting.group
                form.addRow(QLabel(f"<b>{group}</b>"))
            form.addRow(setting.label, self._field(setting, values[setting.key]))
        if drugs is not None:
            form.addRow(QLabel("<b>Base des médicaments</b>"))
            form.addRow("Version en service", self._drug_base_row(drugs))
        self.body.addLayout(form)
        self.save = lambda: save_with({key: _value(edit) for key, edit in self.fields.items()})
        self.resize(620, 420)

    def _drug_base_row(self, drugs: "DrugBaseHolder") -> QWidget:
        """The base's release, and the import of a newer one the physician downloaded."""
        self.drug_release = QLabel(drugs.label())
        button = QPushButton("&Importer une version plus récente…")

        def import_newer() -> None:
            folder = folder_to_use(self, "Dossier de la base téléchargée (fichiers CIS_…)", "")
            if folder is None:
                return
            try:
                self.drug_release.setText(drugs.import_from(self, folder))
            except KnownError as error:
                self.error.setText(error.message)
                return
            self.error.setText("")

        button.clicked.connect(import_newer)
        return side_by_side(self.drug_release, button)

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
