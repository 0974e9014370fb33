"""« Effacer à la demande du patient… » (RIGHTS-3): the request, the reason, the typed word.

The erasure runs off the GUI thread (it rewrites the full-text index and empties the log);
afterwards the physician reads what the backups still hold and until when.
"""

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QWidget

from cabinet.domain.erasure import CONFIRMATION_WORD
from cabinet.domain.wording import KIND_LABELS, summary_line
from cabinet.services.erasure import ErasureDone, ErasureService
from cabinet.services.ports import StoredVersion
from cabinet.ui.common.dialogs import ServiceDialog
from cabinet.ui.common.worker import BackgroundJob

ERASE_LABEL = "Effacer à la demande du patient…"
STOPPED = "L'effacement a été interrompu : rien n'a été effacé."


class ErasureDialog(ServiceDialog):
    """Choose the scanned request, say why, type the word; then erase."""

    def __init__(self, erasure: ErasureService, entry: StoredVersion,
                 requests: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__("Effacer une entrée à la demande du patient", parent)
        self._erasure = erasure
        self._entry = entry
        self.outcome: ErasureDone | None = None
        warning = QLabel(
            f"L'entrée « {summary_line(entry)} » ({KIND_LABELS.get(entry.kind, entry.kind)}) "
            "et toutes ses versions seront détruites dans le coffre, sans retour possible. "
            "Le dossier et le journal garderont la mention de l'effacement (qui, quand, "
            "quelle demande), jamais son contenu.")
        warning.setWordWrap(True)
        self.body.addWidget(warning)
        form = QFormLayout()
        self.request = QComboBox()
        for lineage, text in requests:
            self.request.addItem(text, lineage)
        if not requests:
            self.request.setPlaceholderText("Aucun document dans ce dossier")
        self.request.setAccessibleName("Demande écrite du patient")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Motif de l'effacement")
        self.confirmation = QLineEdit()
        self.confirmation.setAccessibleName("Confirmation")
        self.confirmation.setPlaceholderText(CONFIRMATION_WORD)
        form.addRow("Demande écrite du patient (document numérisé) :", self.request)
        form.addRow("&Motif :", self.reason)
        form.addRow(f"Tapez {CONFIRMATION_WORD} pour confirmer :", self.confirmation)
        self.body.addLayout(form)
        self.buttons.button(self.buttons.StandardButton.Save).setText("E&ffacer définitivement")
        self.save = self._erase

    def _erase(self) -> None:
        request = self.request.currentData()
        lineage, confirmation, reason = (self._entry.lineage, self.confirmation.text(),
                                         self.reason.text())
        self.outcome = BackgroundJob(self, "Effacement en cours…", STOPPED).run(
            lambda _progress: self._erasure.erase_on_request(lineage, request, confirmation,
                                                             reason))


def erase_on_request(parent: QWidget, erasure: ErasureService, entry: StoredVersion) -> bool:
    """Ask for the erasure of `entry`; tell what the backups hold. True once erased."""
    dialog = ErasureDialog(erasure, entry, erasure.request_documents(entry.patient_id), parent)
    dialog.exec()
    dialog.deleteLater()
    if dialog.outcome is None:
        return False
    QMessageBox.information(parent, "Entrée effacée", (
        f"L'entrée a été détruite dans le coffre (effacement n° {dialog.outcome.erasure_id}). "
        "Une mention de l'effacement reste dans le dossier et le journal.\n\n"
        + dialog.outcome.backup_notice))
    return True
