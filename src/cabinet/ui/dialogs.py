"""Shared dialog behaviour: validate through the services, show French errors inline."""

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from cabinet.errors import KnownError


class ServiceDialog(QDialog):
    """A dialog whose OK button runs `save`; a refused input keeps the dialog open."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.body = QVBoxLayout()
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Enregistrer")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(self.body)
        outer.addWidget(self.error)
        outer.addWidget(self.buttons)
        self.save: Callable[[], object] = lambda: None

    def _save(self) -> None:
        try:
            self.save()
        except KnownError as error:
            self.error.setText(error.message)
            return
        self.accept()


def ask_reason(parent: QWidget) -> str | None:
    """Ask why an entry is corrected (REC-3); None if the physician cancels."""
    reason, ok = QInputDialog.getText(parent, "Motif de la correction",
                                      "Pourquoi corrigez-vous cette entrée ?")
    return reason if ok else None
