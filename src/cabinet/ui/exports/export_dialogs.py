"""Forms that end in a signed export: certificate, letter to a colleague, transmission.

Each form checks what it can before the card's PIN is asked, then signs and writes through
the `Exporter`; a refusal (empty text, wrong PIN, card pulled out) keeps the form open with
its French message. The patient is named inside the form, never in its title.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QShowEvent
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
from cabinet.ui.common.dialogs import ServiceDialog, certificate_to_open
from cabinet.ui.common.document_viewer import DocumentViewer, render_pdf
from cabinet.ui.common.worker import BackgroundJob
from cabinet.ui.exports.signing import Exporter

if TYPE_CHECKING:
    from cabinet.documents.formulas import Formula
    from cabinet.services.exports import Prepared

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
PREVIEW_STOPPED = "Aperçu abandonné."
READ_FIRST = ("Relisez le document tel qu'il sera signé (à droite), puis « Signer et "
              "enregistrer ».")
PREVIEW_WIDTH = 520
PREVIEW_SCALE = 0.85


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


class ReadThenSignDialog(ExportDialog):
    """A document the physician writes (certificate, letter): shown as it will be, then signed.

    The text starts with the customary formulas, to keep or change; the application adds
    none. « Aperçu » lays the document out on a worker thread and shows its pages; « Signer
    et enregistrer » signs that very document, and shows it first if it was not shown since
    the last change. Typing goes to the text from the start: no button is the default one.
    """

    job = "Signature du document…"

    def __init__(self, ctx: AppContext, patient_id: int, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, patient_id, exporter, parent)
        self.text = text_box("Texte")
        self.prepared: Prepared | None = None
        self.preview = DocumentViewer()
        self.preview.setMinimumWidth(PREVIEW_WIDTH)
        self.show_preview = self.buttons.addButton(
            "&Aperçu", QDialogButtonBox.ButtonRole.ActionRole)
        self.show_preview.clicked.connect(self._preview_clicked)
        for button in self.buttons.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.body.removeWidget(self.fields)
        row = QHBoxLayout()
        row.addWidget(self.fields, 1)
        row.addWidget(self.preview, 1)
        self.body.addLayout(row)
        self.resize(1040, 680)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """The button box makes « Signer » the default when shown: Enter must never sign."""
        super().showEvent(event)
        for button in self.buttons.findChildren(QPushButton):
            button.setDefault(False)

    def start_with(self, formula: "Formula") -> None:
        """Put the formula in the text, the cursor between its two parts, the focus there."""
        self.text.setPlainText(formula.text())
        cursor = self.text.textCursor()
        cursor.setPosition(formula.cursor())
        self.text.setTextCursor(cursor)
        self.text.setFocus()

    def watch(self, *edits: QLineEdit | QPlainTextEdit) -> None:
        """Any change to these fields makes the preview stale and clears the last error."""
        for edit in edits:
            edit.textChanged.connect(self._changed)

    def prepare(self) -> "Prepared":
        """Lay the document out (worker thread)."""
        raise NotImplementedError

    def _changed(self) -> None:
        self.error.clear()
        if self.prepared is not None:
            self.prepared = None
            self.preview.clear()

    def _preview_clicked(self) -> None:
        try:
            self.show_document()
        except KnownError as error:
            self.error.setText(error.message)

    def show_document(self) -> None:
        """Lay out and show the document as it will be signed; nothing is written."""
        self.check()
        prepared, pages = BackgroundJob(self, "Mise en page du document…", PREVIEW_STOPPED).run(
            lambda _progress: self._laid_out())
        self.prepared = prepared
        self.preview.show_pages(pages)
        self.preview.setFocus()  # arrows scroll the pages; typing triggers nothing

    def _laid_out(self) -> tuple["Prepared", list[QImage]]:
        prepared = self.prepare()
        return prepared, render_pdf(prepared.preview, scale=PREVIEW_SCALE)

    def _export(self) -> None:
        if self.prepared is None:
            self.show_document()
            raise KnownError(READ_FIRST)
        prepared = self.prepared
        result = self.exporter.run(
            self, lambda out: self.ctx.exports.sign_prepared(prepared, out), self.what,
            job=self.job)
        if result is None:
            raise KnownError(ABANDONED)
        self.written = result


class CertificateDialog(ReadThenSignDialog):
    """A medical certificate: its text, shown, signed, kept in the record."""

    title = "Certificat médical"
    what = "Certificat signé enregistré"

    def __init__(self, ctx: AppContext, patient_id: int, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, patient_id, exporter, parent)
        self.formula = ctx.exports.certificate_formula(patient_id)
        self.statement = self.text
        self.statement.setAccessibleName("Texte du certificat")
        self.form.addRow("&Texte du certificat", self.statement)
        self.start_with(self.formula)
        self.watch(self.statement)

    def check(self) -> None:
        """Something is certified beyond the formulas."""
        typed = self.statement.toPlainText()
        if not typed.strip():
            raise InvalidInput("Le texte du certificat est vide.")
        if self.formula.untouched(typed):
            raise InvalidInput("Écrivez ce que vous certifiez entre les deux formules.")

    def prepare(self) -> "Prepared":
        """The certificate as it will be signed."""
        return self.ctx.exports.prepare_certificate(self.patient_id,
                                                    self.statement.toPlainText())


class LetterDialog(ReadThenSignDialog):
    """A letter to a colleague: recipient and text, shown, signed, kept in the record."""

    title = "Courrier à un confrère"
    what = "Courrier signé enregistré"

    def __init__(self, ctx: AppContext, patient_id: int, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, patient_id, exporter, parent)
        self.formula = ctx.exports.letter_formula()
        self.recipient = QLineEdit()
        self.recipient.setAccessibleName("Destinataire")
        self.recipient.setPlaceholderText("Dr Paul Durand, cardiologue, Paris")
        self.message = self.text
        self.message.setAccessibleName("Texte du courrier")
        self.form.addRow("&Destinataire", self.recipient)
        self.form.addRow("&Texte du courrier", self.message)
        self.start_with(self.formula)
        self.recipient.setFocus()  # who it goes to comes first
        self.watch(self.recipient, self.message)

    def check(self) -> None:
        """Recipient and text are required, the text beyond the formulas."""
        if not self.recipient.text().strip() or not self.message.toPlainText().strip():
            raise InvalidInput("Indiquez le destinataire et le texte du courrier.")
        if self.formula.untouched(self.message.toPlainText()):
            raise InvalidInput("Écrivez le courrier entre la formule d'appel et la formule de "
                               "politesse.")

    def prepare(self) -> "Prepared":
        """The letter as it will be signed."""
        return self.ctx.exports.prepare_letter(self.patient_id, self.recipient.text(),
                                               self.message.toPlainText())


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
