"""« Modèles de documents » : the physician rewrites a template, inserting fields from a list.

The fields are offered by their French description; Entrée on one inserts its `{{champ}}` at
the cursor. Saving refuses an unknown field in French; « Rétablir le modèle d'origine »
brings back the text shipped with Cabinet. Nothing here reads a record.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.templates import CERTIFICATE, FIELDS, TO_COMPLETE, Template
from cabinet.errors import KnownError
from cabinet.ui.common.dialogs import ServiceDialog, text_box

KIND_WORDS = {CERTIFICATE: "Certificat", "letter": "Courrier"}
HELP = (f"Les champs entre {{{{ }}}} sont remplis à partir du dossier quand le document est "
        f"rédigé ; {TO_COMPLETE} marque ce qui reste à écrire avant de signer.")


def labelled(label: str, widget: QWidget) -> QVBoxLayout:
    """A widget under its label, the label's mnemonic leading to it."""
    column = QVBoxLayout()
    title = QLabel(label)
    title.setBuddy(widget)
    column.addWidget(title)
    column.addWidget(widget)
    return column


class TemplatesDialog(ServiceDialog):
    """Edit the certificate and letter templates, one at a time."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Modèles de documents", parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # no closed dialog stays around
        self.ctx = ctx
        self.shown: Template | None = None
        self.list = QListWidget()
        self.list.setAccessibleName("Modèles")
        self.text = text_box("Texte du modèle")
        self.fields = QListWidget()
        self.fields.setAccessibleName("Champs à insérer")
        for name, description in FIELDS.items():
            item = QListWidgetItem(f"{description} — {{{{{name}}}}}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.fields.addItem(item)
        self.fields.itemActivated.connect(self.insert_field)
        row = QHBoxLayout()
        row.addLayout(labelled("&Modèles", self.list), 1)
        row.addLayout(labelled("&Texte du modèle", self.text), 3)
        row.addLayout(labelled("C&hamps à insérer (Entrée)", self.fields), 2)
        self.body.addLayout(row)
        hint = QLabel(HELP)
        hint.setWordWrap(True)
        self.body.addWidget(hint)
        self.restore_button = self.buttons.addButton(
            "&Rétablir le modèle d'origine", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Fermer")
        self.list.currentRowChanged.connect(self._switch)
        self._fill_list(0)
        self.resize(1100, 600)

    def _fill_list(self, row: int) -> None:
        self.templates = self.ctx.templates.templates()
        self.list.blockSignals(True)
        self.list.clear()
        for template in self.templates:
            edited = " (modifié)" if template.edited else ""
            self.list.addItem(f"{KIND_WORDS[template.kind]} — {template.title}{edited}")
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._show(row)

    def _switch(self, row: int) -> None:
        """Show another template, once what was typed in this one is saved or let go."""
        if self._leave():
            self._show(row)
            return
        self.list.blockSignals(True)
        self.list.setCurrentRow(self.templates.index(self.shown) if self.shown else -1)
        self.list.blockSignals(False)

    def _leave(self) -> bool:
        """True when nothing typed would be lost, or the physician lets it go."""
        if self.shown is None or self.text.toPlainText() == self.shown.text:
            return True
        answer = QMessageBox.question(self, "Modèle modifié",
                                      "Abandonner les modifications de ce modèle ?")
        return answer == QMessageBox.StandardButton.Yes

    def reject(self) -> None:
        """Close (Échap, « Fermer »), once unsaved changes are let go."""
        if self._leave():
            super().reject()

    def _show(self, row: int) -> None:
        self.shown = self.templates[row] if 0 <= row < len(self.templates) else None
        self.text.setPlainText(self.shown.text if self.shown else "")
        self.restore_button.setEnabled(bool(self.shown and self.shown.edited))
        self.error.clear()

    def insert_field(self, item: QListWidgetItem) -> None:
        """Put the field at the cursor of the text and go back to typing."""
        self.text.insertPlainText(f"{{{{{item.data(Qt.ItemDataRole.UserRole)}}}}}")
        self.text.setFocus()

    def keep(self) -> None:
        """Save the shown template (« Enregistrer » keeps the dialog open on it)."""
        if self.shown is not None:
            self.ctx.templates.save(self.shown.key, self.text.toPlainText())
            self._fill_list(self.list.currentRow())
            self.error.setText("Modèle enregistré.")

    def _save(self) -> None:  # « Enregistrer » keeps the dialog open
        try:
            self.keep()
        except KnownError as error:
            self.error.setText(error.message)

    def restore(self) -> None:
        """Bring back the text shipped with Cabinet."""
        if self.shown is not None:
            self.ctx.templates.restore(self.shown.key)
            self._fill_list(self.list.currentRow())
