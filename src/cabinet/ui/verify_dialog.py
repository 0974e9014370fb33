"""Check a signed PDF chosen on disk: intact or modified, who signed it, whether to trust them.

Everything is checked offline, against the root certificates of the settings' trust folder
(IGC-Santé roots, for instance). The file is only read, never changed nor copied.
"""

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from cabinet.errors import KnownError
from cabinet.ui.dialogs import close_buttons, result_label

if TYPE_CHECKING:
    from asn1crypto.x509 import Certificate

    from cabinet.documents.verification import VerificationReport

CERTIFICATE_SUFFIXES = {".pem", ".cer", ".crt", ".der"}
INTACT, MODIFIED = "#1b5e20", "#b00020"


def trust_anchors(folder: str) -> list["Certificate"]:
    """The root certificates in the trust folder (none when the setting is empty)."""
    from cabinet.documents.verification import load_anchors

    if not folder:
        return []
    path = Path(folder)
    if not path.is_dir():
        raise KnownError("Le dossier des autorités de confiance indiqué dans les paramètres "
                         "n'existe pas ou n'est pas accessible.")
    anchors: list[Certificate] = []
    for file in sorted(path.iterdir()):
        if file.suffix.lower() not in CERTIFICATE_SUFFIXES or not file.is_file():
            continue
        try:
            loaded = load_anchors([file.read_bytes()])
            for anchor in loaded:
                anchor.native  # noqa: B018 - parse fully now, not during the verification
        except (OSError, ValueError, TypeError):
            raise KnownError(f"Le certificat « {file.name} » du dossier des autorités de "
                             "confiance est illisible : retirez-le ou remplacez-le.") from None
        anchors.extend(loaded)
    return anchors


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
    """Check one file and build the dialog that tells the result."""
    from cabinet.documents.verification import verify_pdf

    anchors = trust_anchors(trust_folder)
    try:
        content = path.read_bytes()
    except OSError:
        raise KnownError("Ce fichier ne peut pas être lu.") from None
    return VerifyDialog(path.name, verify_pdf(content, anchors), parent)


def verify_chosen_file(parent: QWidget, trust_folder: str) -> None:
    """Choose a PDF, check it, show the verdict."""
    name, _ = QFileDialog.getOpenFileName(parent, "Vérifier un document signé", "",
                                          "Documents PDF (*.pdf)")
    if name:
        verify_file(parent, Path(name), trust_folder).exec()
