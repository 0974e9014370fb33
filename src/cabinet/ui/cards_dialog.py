"""Enrolled cards: enrol the card in the reader (a renewed card, a remplaçant's), revoke one.

Only the titular physician manages cards; each change is journaled by the vault.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.errors import KnownError
from cabinet.ui.dialogs import ask_pin
from cabinet.ui.errors import show_known_error

Enrol = Callable[[str], object]


class CardsDialog(QDialog):
    """The list of enrolled cards with enrol and revoke actions."""

    def __init__(self, ctx: AppContext, enrol_inserted: Enrol,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cartes enregistrées")
        self._ctx = ctx
        self._enrol = enrol_inserted
        self.cards = QListWidget()
        self.cards.setAccessibleName("Cartes enregistrées")
        enrol = QPushButton("&Enregistrer la carte insérée…")
        enrol.clicked.connect(self.enrol_inserted)
        revoke = QPushButton("&Retirer la carte sélectionnée")
        revoke.clicked.connect(self.revoke_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(enrol)
        buttons.addWidget(revoke)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Cartes qui ouvrent ce coffre (titulaire, carte renouvelée, "
                                "remplaçants) :"))
        layout.addWidget(self.cards)
        layout.addLayout(buttons)
        self.resize(560, 320)
        self.refresh()

    def refresh(self) -> None:
        """List the card slots."""
        self.cards.clear()
        for slot in self._ctx.vault.header.slots_of("card"):
            item = QListWidgetItem(f"{slot.params['holder']} — RPPS {slot.params['rpps']} "
                                   f"(enregistrée le {slot.created_at[:10]})")
            item.setData(Qt.ItemDataRole.UserRole, slot.params["fingerprint"])
            self.cards.addItem(item)

    def enrol_inserted(self) -> None:
        """Enrol the card now in the reader, after its holder types the PIN."""
        pin = ask_pin(self, "Enregistrer une carte", "Code PIN de la carte insérée :")
        if pin is None:
            return
        try:
            self._enrol(pin)
        except KnownError as error:
            show_known_error(self, error)
        self.refresh()

    def revoke_selected(self) -> None:
        """Revoke the selected card after confirmation."""
        if self.cards.currentRow() < 0:
            return
        item = self.cards.currentItem()
        answer = QMessageBox.question(self, "Retirer une carte",
                                      f"Retirer « {item.text()} » ? Cette carte n'ouvrira "
                                      "plus le coffre.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._ctx.vault.revoke_card(str(item.data(Qt.ItemDataRole.UserRole)),
                                        self._ctx.clock)
        except KnownError as error:
            show_known_error(self, error)
        self.refresh()
