"""Check a signed PDF chosen on disk: intact or modified, who signed it, whether to trust them.

Everything is checked offline, against the IGC-Santé authorities shipped with Cabinet and the
root certificates of the settings' trust folder, off the GUI thread. The file is only read,
never changed nor copied.
"""

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from cabinet.errors import KnownError
from cabinet.ui.common.dialogs import close_buttons, result_label
from cabinet.ui.common.file_choice import file_to_open
from cabinet.ui.common.worker import BackgroundJob, Progress

if TYPE_CHECKING:
    from cabinet.documents.verification import VerificationReport

INTACT, MODIFIED = "#1b5e20", "#b00020"
VERIFYING = "Vérification du document signé…"
VERIFY_STOPPED = "Vérification interrompue."


class VerifyDialog(QDialog):
    """The verdict first (green if intact, red otherwise), then the details."""

    def __init__(self, file_name: str, report: "VerificationReport",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Vérification d'un document signé")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # no closed form stays around
        self.verdict = QLabel(escape(report.summary))
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet(
            f"font-weight: bold; color: {INTACT if report.intact else MODIFIED};")
        self.details = result_label("verificationDetails",
                                    "<br>".join(escape(line) for line in report.lines[1:]))
        close = close_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Fichier : {escape(file_name)}"))
        layout.addWidget(self.verdict)
        layout.addWidget(self.details)
        layout.addStretch()
        layout.addWidget(close)
        self.resize(640, 320)


def verify_file(parent: QWidget, path: Path, trust_folder: str) -> VerifyDialog:
    """Check one file in a background job and build the dialog that tells the result."""
    from cabinet.documents import verification

    def check(_progress: Progress) -> "VerificationReport":
        anchors = verification.practice_anchors(trust_folder)
        try:
            content = path.read_bytes()
        except OSError:
            raise KnownError("Ce fichier ne peut pas être lu.") from None
        return verification.verify_pdf(content, anchors)

    report = BackgroundJob(parent, VERIFYING, VERIFY_STOPPED).run(check)
    return VerifyDialog(path.name, report, parent)


def verify_chosen_file(parent: QWidget, trust_folder: str) -> None:
    """Choose a PDF, check it, show the verdict."""
    chosen = file_to_open(parent, "Vérifier un document signé", "Documents PDF (*.pdf)")
    if chosen is not None:
        verify_file(parent, chosen, trust_folder).exec()
