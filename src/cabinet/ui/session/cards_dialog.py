"""Enrolled cards: enrol the card in the reader (a renewed card, a remplaçant's), revoke one.

Only the titular physician manages cards; each change is journaled by the vault. A card the
IGC-Santé authorities do not vouch for is enrolled only once its outside status is confirmed
by ticking a box, and stays marked « hors IGC-Santé » in the list.

The enrolment (the card's token, its PIN, its signature, the header written) runs in a
background job, stopped when the card leaves its reader; the PIN and the « hors IGC-Santé »
confirmation are asked on the GUI thread, where their dialogs show.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext, VaultDoor
from cabinet.errors import KnownError
from cabinet.keys.card import OUTSIDE_IGC_SANTE, CardHolder
from cabinet.ui.common.card_bridge import CardBridge
from cabinet.ui.common.crossing import GuiQuestion
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.common.pin import DialogPin
from cabinet.ui.common.worker import BackgroundJob

ENROLLING = "Enregistrement de la carte…"
ENROL_STOPPED = "Enregistrement interrompu : la carte n'a pas été enregistrée."
NO_CARD = "Insérez d'abord la carte à enregistrer."


class OutsideConfirmation(QDialog):
    """Asks to confirm, by ticking a box, a card the IGC-Santé authorities do not vouch for."""

    def __init__(self, holder: CardHolder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Carte hors IGC-Santé")
        explanation = QLabel(
            f"La carte de {holder.name} (RPPS {holder.rpps}) n'est pas émise par l'IGC-Santé : "
            "carte de test, de développement ou étrangère. Elle ne prouve pas que son "
            "titulaire est un professionnel de santé. Elle sera signalée « hors IGC-Santé » "
            "dans la liste des cartes et dans le journal.")
        explanation.setWordWrap(True)
        self.confirmed = QCheckBox("Je confirme l'enregistrement de cette carte &hors IGC-Santé")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Enregistrer")
        self.ok.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.confirmed.toggled.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.confirmed)
        layout.addWidget(buttons)
        self.resize(480, 180)


class CardsDialog(QDialog):
    """The list of enrolled cards with enrol and revoke actions."""

    def __init__(self, ctx: AppContext, door: VaultDoor, cards: CardBridge,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cartes enregistrées")
        self._ctx = ctx
        self._door = door
        self._bridge = cards
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
            outside = slot.params.get("trust") == OUTSIDE_IGC_SANTE
            item = QListWidgetItem(f"{slot.params['holder']} — RPPS {slot.params['rpps']} "
                                   f"(enregistrée le {slot.created_at[:10]})"
                                   + (f" — {OUTSIDE_IGC_SANTE.upper()}" if outside else ""))
            item.setData(Qt.ItemDataRole.UserRole, slot.params["fingerprint"])
            self.cards.addItem(item)

    def enrol_inserted(self) -> None:
        """Enrol the card in the first reader holding one, off the GUI thread."""
        from cabinet.card.session import PinNotGiven

        try:
            self._enrol(self._inserted())
        except PinNotGiven:
            return
        except KnownError as error:
            show_known_error(self, error)
        self.refresh()

    def _inserted(self) -> str:
        present = self._bridge.current.card_readers()
        if not present:
            raise KnownError(NO_CARD)
        return present[0]

    def _enrol(self, reader: str) -> None:
        """The card's whole session runs in a job; its questions come back here to be asked."""
        job = BackgroundJob(self, ENROLLING, ENROL_STOPPED).watch(self._bridge, [reader])
        pins = DialogPin(self, "Enregistrer une carte", "Code PIN de la carte insérée :",
                         job.stopping)
        questions = GuiQuestion(self, job.stopping)

        def confirmed(holder: CardHolder) -> bool:
            return questions.ask(lambda: self.confirm_outside(holder))

        try:
            job.run(lambda _progress: self._door.enrol_card(self._ctx, reader, pins, confirmed))
        finally:
            pins.deleteLater()
            questions.deleteLater()

    def confirm_outside(self, holder: CardHolder) -> bool:
        """Whether the physician ticks the « hors IGC-Santé » confirmation for this card."""
        confirmation = OutsideConfirmation(holder, self)
        return bool(confirmation.exec() == QDialog.DialogCode.Accepted
                    and confirmation.confirmed.isChecked())

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


def manage_cards(parent: QWidget, ctx: AppContext, door: VaultDoor,
                 cards: CardBridge) -> None:
    """The enrolled cards' dialog, enrolling the card in the first reader holding one."""
    if not ctx.journal.is_titular():
        raise KnownError("Seul le médecin titulaire gère les cartes du coffre.")
    CardsDialog(ctx, door, cards, parent=parent).exec()
