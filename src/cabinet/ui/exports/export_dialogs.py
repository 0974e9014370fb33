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
from cabinet.domain.template_fields import designation
from cabinet.domain.templates import CERTIFICATE, LETTER, incomplete
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.issuing import ExportResult, Output
from cabinet.ui.common.dialogs import ServiceDialog, certificate_to_open, text_box
from cabinet.ui.common.document_viewer import DocumentViewer, render_pdf
from cabinet.ui.common.worker import BackgroundJob
from cabinet.ui.exports.signing import Exporter
from cabinet.ui.writing.choices import RecipientPicker, TemplatePicker, show_filled

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
TO_COMPLETE_FIRST = "Complétez les passages marqués […] avant de signer."
READ_FIRST = ("Relisez le document tel qu'il sera signé (à droite), puis « Signer et "
              "enregistrer ».")
PREVIEW_WIDTH = 520
PREVIEW_SCALE = 0.85


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
    formula: "Formula"  # the customary opening and closing, set by each document
    template: TemplatePicker

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

    def offer_templates(self, kind: str) -> None:
        """A « Modèle » list above the text: choosing one fills the text from the record."""
        self.template = TemplatePicker(self.ctx, kind)
        self.form.insertRow(0, "&Modèle", self.template)
        self.template.currentIndexChanged.connect(self._template_chosen)

    def _template_chosen(self) -> None:
        key = self.template.key()
        if not key:
            self.start_with(self.formula)
            return
        try:
            show_filled(self.text, self.ctx.templates.fill(key, self.patient_id,
                                                           self.recipient_text()))
        except KnownError as error:
            self.error.setText(error.message)

    def recipient_text(self) -> str:
        """Who the document goes to, as the template's recipient field says it."""
        return ""

    def check_completed(self) -> None:
        """Refuse a text that still holds a `[…]` of its template."""
        if incomplete(self.text.toPlainText()):
            raise InvalidInput(TO_COMPLETE_FIRST)

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
        self.offer_templates(CERTIFICATE)
        self.start_with(self.formula)
        self.watch(self.statement)

    def check(self) -> None:
        """Something is certified beyond the formulas."""
        typed = self.statement.toPlainText()
        if not typed.strip():
            raise InvalidInput("Le texte du certificat est vide.")
        if self.formula.untouched(typed):
            raise InvalidInput("Écrivez ce que vous certifiez entre les deux formules.")
        self.check_completed()

    def prepare(self) -> "Prepared":
        """The certificate as it will be signed."""
        return self.ctx.exports.prepare_certificate(self.patient_id,
                                                    self.statement.toPlainText())


class LetterDialog(ReadThenSignDialog):
    """A letter: recipient (typed, or from the address book) and text, shown, signed, kept.

    The recipient's name and address block print above the letter; « Courrier au patient »
    addresses it to the patient.
    """

    title = "Courrier"
    what = "Courrier signé enregistré"

    def __init__(self, ctx: AppContext, patient_id: int, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, patient_id, exporter, parent)
        self.formula = ctx.exports.letter_formula()
        self.recipient = QLineEdit()
        self.recipient.setAccessibleName("Destinataire")
        self.recipient.setPlaceholderText("Dr Paul Durand, cardiologue, Paris")
        self.address = text_box("Adresse du destinataire")
        self.address.setMaximumHeight(70)
        self.book = RecipientPicker(ctx, patient_id)
        self.book.currentIndexChanged.connect(self._recipient_chosen)
        self.message = self.text
        self.message.setAccessibleName("Texte du courrier")
        self.form.addRow("Choisir dans le &carnet", self.book)
        self.form.addRow("&Destinataire", self.recipient)
        self.form.addRow("Adr&esse", self.address)
        self.form.addRow("&Texte du courrier", self.message)
        self.offer_templates(LETTER)
        self.start_with(self.formula)
        self.recipient.setFocus()  # who it goes to comes first
        self.watch(self.recipient, self.address, self.message)

    def recipient_text(self) -> str:
        """The recipient's name; the patient's own for « Courrier au patient »."""
        if self.template.key() == "patient" and not self.recipient.text().strip():
            identity = self.ctx.patients.identity(self.patient_id)
            self.recipient.setText(designation(identity))
            self.address.setPlainText("\n".join(p for p in (identity.address, " ".join(
                q for q in (identity.postal_code, identity.city) if q)) if p))
        return self.recipient.text().strip()

    def _recipient_chosen(self) -> None:
        person = self.book.chosen()
        if person is not None:
            self.recipient.setText(person.name)
            self.address.setPlainText("\n".join(p for p in (person.specialty, person.address)
                                                if p))
            self.message.setFocus()

    def check(self) -> None:
        """Recipient and text are required, the text beyond the formulas."""
        if not self.recipient.text().strip() or not self.message.toPlainText().strip():
            raise InvalidInput("Indiquez le destinataire et le texte du courrier.")
        if self.formula.untouched(self.message.toPlainText()):
            raise InvalidInput("Écrivez le courrier entre la formule d'appel et la formule de "
                               "politesse.")
        self.check_completed()

    def prepare(self) -> "Prepared":
        """The letter as it will be signed, the recipient's address block under their name."""
        block = "\n".join(p for p in (self.recipient.text().strip(),
                                      self.address.toPlainText().strip()) if p)
        return self.ctx.exports.prepare_letter(self.patient_id, block,
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
        self.book = RecipientPicker(ctx, patient_id)
        self.book.currentIndexChanged.connect(self._recipient_chosen)
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
        self.form.addRow("Choisir dans le ca&rnet", self.book)
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
        self.take_certificate(blob, path.name)

    def take_certificate(self, blob: bytes, name: str) -> None:
        """Encrypt the archive for this certificate (`name` says where it came from)."""
        self.certificate = blob
        self.certificate_name.setText(f"{name} : archive chiffrée pour le destinataire")

    def _recipient_chosen(self) -> None:
        person = self.book.chosen()
        if person is not None:
            self.recipient.setText(person.name)
            if person.certificate:
                self.take_certificate(person.certificate, f"certificat de {person.name}")

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
