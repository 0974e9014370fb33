"""Forms that end in a signed export: certificate, letter to a colleague, transmission.

Each form checks what it can before the card's PIN is asked, then signs and writes through
the `Exporter`; a refusal (empty text, wrong PIN, card pulled out) keeps the form open with
its French message. The patient is named inside the form, never in its title.
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.issuing import ExportResult, Output
from cabinet.ui.dialogs import ServiceDialog, certificate_to_open
from cabinet.ui.signing import Exporter

PART_LABELS = {
    EntryKind.HISTORY: "Antécédents",
    EntryKind.ALLERGY: "Allergies et intolérances",
    EntryKind.RISK_FACTOR: "Facteurs de risque",
    EntryKind.TREATMENT: "Traitements en cours",
    EntryKind.ENCOUNTER: "Consultations",
    EntryKind.PRESCRIPTION: "Ordonnances",
    EntryKind.DOCUMENT: "Documents joints",
    EntryKind.ADVANCE_DIRECTIVE: "Directives anticipées",
    EntryKind.CONSENT: "Consentements et oppositions",
}
ABANDONED = "Export abandonné : aucun fichier n'a été écrit."


def text_box(name: str) -> QPlainTextEdit:
    """A multi-line text where Tab moves on (keyboard-first)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    return box


class ExportDialog(ServiceDialog):
    """A form whose main button signs and writes; `result` holds where it went."""

    title = "Document signé"
    what = "Document signé enregistré"

    def __init__(self, ctx: AppContext, patient_id: int, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.title, parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # no closed form stays around
        self.ctx = ctx
        self.patient_id = patient_id
        self.exporter = exporter
        self.written: ExportResult | None = None
        self.fields = QWidget()
        self.form = QFormLayout(self.fields)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.fields)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(
            "&Signer et enregistrer")
        self.save = self._export
        self.resize(560, 320)

    def check(self) -> None:
        """Refuse an incomplete form before the PIN is asked (raise `InvalidInput`)."""

    def export(self, out: Output) -> ExportResult:
        """Call the service that signs and writes."""
        raise NotImplementedError

    def _export(self) -> None:
        self.check()
        result = self.exporter.run(self, self.export, self.what)
        if result is None:
            raise KnownError(ABANDONED)
        self.written = result


class CertificateDialog(ExportDialog):
    """A medical certificate: its text, signed, kept in the record."""

    title = "Certificat médical"
    what = "Certificat signé enregistré"

    def __init__(self, ctx: AppContext, patient_id: int, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, patient_id, exporter, parent)
        self.statement = text_box("Texte du certificat")
        self.statement.setPlaceholderText("Je soussigné(e)… certifie avoir examiné…")
        self.form.addRow("&Texte du certificat", self.statement)

    def check(self) -> None:
        """The statement is required."""
        if not self.statement.toPlainText().strip():
            raise InvalidInput("Le texte du certificat est vide.")

    def export(self, out: Output) -> ExportResult:
        """Sign and write the certificate."""
        return self.ctx.exports.certificate(self.patient_id, self.statement.toPlainText(), out)


class LetterDialog(ExportDialog):
    """A letter to a colleague: recipient and text, signed, kept in the record."""

    title = "Courrier à un confrère"
    what = "Courrier signé enregistré"

    def __init__(self, ctx: AppContext, patient_id: int, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, patient_id, exporter, parent)
        self.recipient = QLineEdit()
        self.recipient.setAccessibleName("Destinataire")
        self.recipient.setPlaceholderText("Dr Paul Durand, cardiologue, Paris")
        self.message = text_box("Texte du courrier")
        self.form.addRow("&Destinataire", self.recipient)
        self.form.addRow("&Texte du courrier", self.message)

    def check(self) -> None:
        """Recipient and text are required."""
        if not self.recipient.text().strip() or not self.message.toPlainText().strip():
            raise InvalidInput("Indiquez le destinataire et le texte du courrier.")

    def export(self, out: Output) -> ExportResult:
        """Sign and write the letter."""
        return self.ctx.exports.letter(self.patient_id, self.recipient.text(),
                                       self.message.toPlainText(), out)


class TransmitDialog(ExportDialog):
    """Chosen parts of the record for a colleague, with the patient's consent (CONT-1)."""

    title = "Transmettre à un confrère"
    what = "Transmission enregistrée"

    def __init__(self, ctx: AppContext, patient_id: int, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, patient_id, exporter, parent)
        self.parts: dict[EntryKind, QCheckBox] = {}
        for kind, label in PART_LABELS.items():
            self.parts[kind] = QCheckBox(label)
            self.form.addRow("Parties à transmettre" if len(self.parts) == 1 else "",
                             self.parts[kind])
        self.form.addRow("", QLabel("Les notes non communicables ne sont jamais transmises."))
        self.recipient = QLineEdit()
        self.recipient.setAccessibleName("Destinataire")
        self.consent = text_box("Consentement ou demande du patient")
        self.consent.setPlaceholderText("Consentement recueilli oralement le… / demande écrite…")
        self.consent.setMaximumHeight(80)
        self.certificate: bytes | None = None
        self.certificate_name = QLabel("aucun : archive non chiffrée")
        choose = QPushButton("&Choisir le certificat…")
        choose.clicked.connect(self.choose_certificate)
        forget = QPushButton("Sans certificat")
        forget.clicked.connect(self.forget_certificate)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        for widget in (self.certificate_name, choose, forget):
            line.addWidget(widget)
        self.form.addRow("&Destinataire", self.recipient)
        self.form.addRow("Consentement du &patient", self.consent)
        self.form.addRow("Certificat du destinataire", row)
        self.resize(600, 520)

    def chosen_parts(self) -> frozenset[EntryKind]:
        """The parts ticked."""
        return frozenset(kind for kind, box in self.parts.items() if box.isChecked())

    def choose_certificate(self) -> None:
        """Read the recipient's certificate (PEM or DER) to encrypt the archive for them."""
        if (chosen := certificate_to_open(self, "Certificat du destinataire")) is not None:
            self.use_certificate(chosen)

    def use_certificate(self, path: Path) -> None:
        """Take the certificate in `path`, or say in French why it cannot be used."""
        from cabinet.exchange.envelope import certificate_file

        try:
            blob, _ = certificate_file(path)
        except KnownError as error:
            self.error.setText(error.message)
            return
        self.error.clear()
        self.certificate = blob
        self.certificate_name.setText(f"{path.name} : archive chiffrée pour le destinataire")

    def forget_certificate(self) -> None:
        """Send without encryption (for a medium handed over in person)."""
        self.certificate = None
        self.certificate_name.setText("aucun : archive non chiffrée")

    def check(self) -> None:
        """At least one part, a recipient and the consent."""
        if not self.chosen_parts():
            raise InvalidInput("Choisissez au moins une partie du dossier à transmettre.")
        if not self.recipient.text().strip() or not self.consent.toPlainText().strip():
            raise InvalidInput("Indiquez le destinataire et le consentement (ou la demande) du "
                               "patient.")

    def export(self, out: Output) -> ExportResult:
        """Record the consent, then sign, pack and write."""
        from cabinet.services.exports import Transmission  # PDF libraries: loaded on use

        return self.ctx.exports.transmit(self.patient_id, Transmission(
            self.chosen_parts(), self.recipient.text(), self.consent.toPlainText(),
            self.certificate), out)
