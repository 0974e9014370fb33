"""The lock screen: how to get in, in plain words; never any patient data (AUTH-1, AUTH-3)."""

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cabinet.domain.audit import AccessMode


@dataclass(frozen=True)
class WayIn:
    """One way to unlock, with the sentence that explains it."""

    mode: AccessMode
    title: str
    explanation: str
    field_label: str


CARD = WayIn(AccessMode.CARD, "Carte CPS et code PIN",
             "Votre carte dans le lecteur, puis votre code PIN à 4 chiffres. Retirer la carte "
             "verrouille aussitôt Cabinet.", "Code PIN de la carte")
DEMO = WayIn(AccessMode.DEMO, "Mot de passe de démonstration",
             "Coffre de démonstration : patients fictifs, le mot de passe est « demo ».",
             "Mot de passe de démonstration")
PASSWORD = WayIn(AccessMode.DEGRADED, "Mot de passe (mode dégradé)",
                 "À utiliser si votre carte est perdue ou hors d'usage ; chaque connexion "
                 "est signalée dans le journal.", "Mot de passe")
RECOVERY = WayIn(AccessMode.RECOVERY, "Clé de secours",
                 "La clé imprimée pour l'enveloppe scellée : son usage est journalisé et "
                 "impose d'en imprimer une nouvelle.", "Clé de secours (ABCD-EFGH-…)")


class LockScreen(QWidget):
    """Asks for one credential; emits `unlock_requested(mode, secret)`."""

    unlock_requested = Signal(str, str)

    def __init__(self, ways: list[WayIn], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self._ways = ways
        self.card_status = QLabel("Recherche des lecteurs de carte…")
        self.card_status.setObjectName("cardStatus")
        self.card_status.setWordWrap(True)
        self.pin_notice = QLabel()  # tries running out, or a blocked card, before any PIN
        self.pin_notice.setObjectName("pinNotice")
        self.pin_notice.setStyleSheet("color: #b00020; font-weight: bold;")
        self.pin_notice.setWordWrap(True)
        self.choices = QButtonGroup(self)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.returnPressed.connect(self._submit)
        self.unlock_button = QPushButton("&Déverrouiller")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        self.error = QLabel()
        self.error.setObjectName("lockError")
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.setWordWrap(True)
        for label in (self.card_status, self.explanation, self.error):
            # texts change after layout (card events): keep room for three lines
            label.setMinimumHeight(3 * label.fontMetrics().lineSpacing())
        self._build()

    def _build(self) -> None:
        box = QFrame()
        box.setFixedWidth(580)  # a fixed width lets the wrapped labels take their full height
        layout = QVBoxLayout(box)
        title = QLabel("<h2>Cabinet — coffre verrouillé</h2>")
        layout.addWidget(title)
        layout.addWidget(self.card_status)
        layout.addWidget(self.pin_notice)
        self._box = layout
        self.choices.idToggled.connect(self._show_way)  # first: the first way's text is shown
        self.set_ways(self._ways)
        layout.addWidget(self.explanation)
        layout.addWidget(self.secret)
        layout.addWidget(self.unlock_button)
        layout.addWidget(self.error)
        outer = QVBoxLayout(self)
        outer.addStretch()
        outer.addWidget(box, alignment=Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch()

    def set_ways(self, ways: list[WayIn]) -> None:
        """Offer these ways in (a vault was just restored into the empty folder)."""
        for button in self.choices.buttons():
            self.choices.removeButton(button)
            button.deleteLater()
        self._ways = ways
        first = self._box.indexOf(self.pin_notice) + 1
        for index, way in enumerate(ways):
            button = QRadioButton(way.title)
            button.setAccessibleName(way.title)
            self.choices.addButton(button, index)
            self._box.insertWidget(first + index, button)
        if ways:
            self.choices.button(0).setChecked(True)

    def _show_way(self, index: int, checked: bool) -> None:
        if checked:
            self.secret.clear()  # a password must never reach the card as a PIN
            way = self._ways[index]
            self.explanation.setText(way.explanation)
            self.secret.setPlaceholderText(way.field_label)
            self.secret.setAccessibleName(way.field_label)
            self.secret.setFocus()

    def offers_card(self) -> bool:
        """Whether the card is one of the ways in."""
        return any(way.mode is AccessMode.CARD for way in self._ways)

    def show_card_status(self, text: str, card_present: bool, pin_notice: str = "",
                         blocked: bool = False) -> None:
        """Say what the readers hold and what the card's PIN state is.

        The card way is usable only with a card inserted that is not blocked: a blocked
        card's PIN is never asked (the notice says so and points to the degraded mode).
        """
        self.card_status.setText(text)
        self.pin_notice.setText(pin_notice)
        if pin_notice and self.error.text() == pin_notice:
            self.error.clear()  # said once, where it stays true
        usable = card_present and not blocked
        for index, way in enumerate(self._ways):
            if way.mode is AccessMode.CARD:
                button = self.choices.button(index)
                button.setEnabled(usable)
                if usable and not button.isChecked() and not self.secret.text():
                    button.setChecked(True)  # never while something is typed for another way
                elif not usable and button.isChecked():
                    self._check_first_enabled()

    def _check_first_enabled(self) -> None:
        for button in self.choices.buttons():
            if button.isEnabled():
                button.setChecked(True)
                return

    def current_way(self) -> WayIn:
        """The way in currently chosen."""
        return self._ways[self.choices.checkedId()]

    def _submit(self) -> None:
        secret = self.secret.text()
        self.secret.clear()
        if secret:
            self.unlock_requested.emit(self.current_way().mode.value, secret)

    def show_error(self, message: str) -> None:
        """Say why the unlock failed."""
        self.error.setText(message)
        self.secret.setFocus()

    def reset(self) -> None:
        """Forget anything typed and any previous error."""
        self.secret.clear()
        self.error.clear()
        self.secret.setFocus()
