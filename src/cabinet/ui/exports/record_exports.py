"""The record's signed documents and exports, one menu beside the tabs and in the menu bar.

Print the selected prescription or the record's summary signed (kept in the record, then
previewed and printed), write a certificate or a letter, keep the register of copy requests
and give the copy, transmit to a colleague, answer a judicial seizure.
Each action concerns the open record only and says where its files went.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from cabinet.bootstrap import AppContext
from cabinet.errors import KnownError
from cabinet.exchange.staging import CancelToken
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.exports.copy_requests import CopyRequestsDialog
from cabinet.ui.exports.export_dialogs import (
    CertificateDialog,
    ExportDialog,
    LetterDialog,
    TransmitDialog,
)
from cabinet.ui.exports.record_printing import print_kept_document
from cabinet.ui.exports.seizure_dialog import SeizureDialog
from cabinet.ui.exports.signing import CANCELLED, Exporter, show_result

if TYPE_CHECKING:
    from cabinet.documents.signing import DocumentSigner

PRINT_KEYS = "Ctrl+Shift+P"
Keep = Callable[[AppContext, "DocumentSigner", CancelToken], int]
"""Sign a document and keep it in the record (off the GUI thread); the kept lineage."""
CERTIFICATE_KEYS, LETTER_KEYS = "Ctrl+Shift+C", "Ctrl+Shift+L"


class OpenRecord(Protocol):
    """What the exports need of the record they sit in (the record view, above them)."""

    @property
    def patient_id(self) -> int | None:
        """The open patient, None when no record is open (or the window locked)."""

    def patient_text(self) -> str:
        """Whose record this is, as dialogs say it."""

    def selected_prescription(self) -> int | None:
        """The lineage of the prescription selected, its tab shown; None if none is."""

    def reload(self) -> None:
        """Show the record again (an export may have kept a document in it)."""


class RecordExports:
    """The "Documents signés" menu of the open record."""

    def __init__(self, view: QWidget, record: OpenRecord, context: Callable[[], AppContext],
                 exporter: Exporter) -> None:
        self.view = view
        self.record = record
        self._context = context
        self.exporter = exporter
        self.menu = QMenu("Documents si&gnés", view)
        self._add("&Imprimer l'ordonnance signée…", self.print_prescription, PRINT_KEYS)
        self._add("Imprimer la s&ynthèse du dossier signée…", self.print_summary)
        self.menu.addSeparator()
        self._add("Nouveau &certificat…", lambda: self._export(CertificateDialog),
                  CERTIFICATE_KEYS)
        self._add("Nouveau c&ourrier…", lambda: self._export(LetterDialog), LETTER_KEYS)
        self._add("&Transmettre à un confrère…", lambda: self._export(TransmitDialog))
        self.menu.addSeparator()
        self._add("&Demandes de copie du dossier…", self.copy_requests)
        self._add("&Saisie judiciaire…", lambda: self._export(SeizureDialog))
        self.button = QToolButton()
        self.button.setText("Documents signés")
        self.button.setAccessibleName("Documents signés et exports")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(self.menu)

    def _add(self, text: str, slot: Callable[[], object], keys: str = "") -> QAction:
        action = self.menu.addAction(text)
        action.triggered.connect(slot)
        if keys:
            action.setShortcut(QKeySequence(keys))
        return action

    def _open_record(self) -> tuple[AppContext, int] | None:
        patient = self.record.patient_id
        return None if patient is None else (self._context(), patient)

    def _after(self) -> None:
        if self.record.patient_id is not None:  # not locked meanwhile
            self.record.reload()

    def print_prescription(self) -> None:
        """Sign the selected prescription, keep it in the record, preview and print it."""
        lineage = self.record.selected_prescription()
        if lineage is not None:
            self._sign_keep_print("Signature de l'ordonnance…", lambda ctx, signer, cancel: (
                ctx.exports.keep_prescription(lineage, signer, cancel)))

    def print_summary(self) -> None:
        """Sign the record's summary, keep it in the record, preview and print it."""
        patient = self.record.patient_id
        if patient is not None:
            self._sign_keep_print("Signature de la synthèse…", lambda ctx, signer, cancel: (
                ctx.exports.keep_summary(patient, signer, cancel)))

    def _sign_keep_print(self, label: str, keep: Keep) -> None:
        opened = self._open_record()
        if opened is None:
            return
        ctx = opened[0]
        try:
            kept = self.exporter.signing(self.view, label, CANCELLED,
                                         lambda signer, cancel, _progress: keep(ctx, signer,
                                                                                cancel))
        except KnownError as error:
            show_known_error(self.view, error)
            return
        if kept is None or self.record.patient_id is None:  # no PIN given, or locked meanwhile
            return
        self.record.reload()
        print_kept_document(self.view, ctx, kept)

    def _export(self, dialog_class: type[ExportDialog]) -> None:
        opened = self._open_record()
        if opened is None:
            return
        try:
            dialog = dialog_class(*opened, self.exporter, parent=self.view)
        except KnownError as error:  # no prescriber in the settings: nothing could be signed
            show_known_error(self.view, error)
            return
        dialog.show_patient(self.record.patient_text())
        dialog.exec()
        if dialog.written is not None and self.record.patient_id is not None:
            show_result(self.view, dialog.written, dialog.what)
        self._after()

    def copy_requests(self) -> None:
        """The register of copy requests of this record, and the copy."""
        opened = self._open_record()
        if opened is None:
            return
        CopyRequestsDialog(*opened, self.record.patient_text(), self.exporter,
                           parent=self.view).exec()
        self._after()
