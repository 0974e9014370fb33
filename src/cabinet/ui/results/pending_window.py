"""« À classer »: the laboratories' files no record could be chosen for without doubt.

For each file the physician reads what the laboratory wrote of the patient and the report,
searches the record (the search field is filled with the laboratory's names), then files it
there or rejects it with a reason. The software never decides here.
"""

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.results import PendingFile
from cabinet.ui.common.dialogs import close_buttons
from cabinet.ui.common.document_viewer import DocumentViewer, page_images
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.common.worker import BackgroundJob, JobStopped

READING = "Ouverture du compte rendu…"
READING_STOPPED = "Ouverture du compte rendu interrompue."
COLUMNS = ("Reçu le", "Fichier", "Patient indiqué", "Né(e) le", "Motif")


def _row(pending: PendingFile) -> tuple[str, ...]:
    header = pending.header
    received = dt.datetime.fromisoformat(pending.file.received_at).astimezone()
    return (f"{received:%d/%m/%Y %H:%M}", pending.file.filename,
            f"{header.last_name} {header.first_name}" if header else "(PDF)",
            f"{header.birth_date:%d/%m/%Y}" if header else "", pending.file.reason)


class PendingDialog(QDialog):
    """The list of files to file, the report of the one chosen, and the record search."""

    filed = Signal(int)

    def __init__(self, context: Callable[[], AppContext], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Résultats à classer")
        self.resize(1000, 640)
        self._context = context
        self._pending: list[PendingFile] = []
        self.files = QTableWidget(0, len(COLUMNS))
        self.files.setHorizontalHeaderLabels(COLUMNS)
        self.files.setAccessibleName("Fichiers à classer")
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.horizontalHeader().setStretchLastSection(True)
        self.files.itemSelectionChanged.connect(self._file_chosen)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Compte rendu du laboratoire")
        self.viewer = DocumentViewer()  # a PDF report's pages, rendered in memory
        self.viewer.hide()
        self.search = QLineEdit()
        self.search.setAccessibleName("Rechercher le dossier")
        self.search.setPlaceholderText("Nom, date de naissance (JJ/MM/AAAA) ou NIR")
        self.search.textChanged.connect(self._search)
        self.patients = QListWidget()
        self.patients.setAccessibleName("Dossiers trouvés")
        self.attach_button = QPushButton("&Classer dans ce dossier")
        self.attach_button.clicked.connect(self.attach)
        self.reject_button = QPushButton("&Rejeter…")
        self.reject_button.clicked.connect(self.reject_file)
        chooser = QVBoxLayout()
        chooser.addWidget(QLabel("Dossier du patient :"))
        chooser.addWidget(self.search)
        chooser.addWidget(self.patients)
        chooser.addWidget(self.attach_button)
        chooser.addWidget(self.reject_button)
        lower = QHBoxLayout()
        lower.addWidget(self.report, 3)
        lower.addWidget(self.viewer, 3)
        lower.addLayout(chooser, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.files, 2)
        layout.addLayout(lower, 3)
        layout.addWidget(close_buttons(self))
        self.refresh()

    def refresh(self) -> None:
        """Read the list again (journaled) and show it."""
        self._pending = self._context().results.pending()
        self.files.setRowCount(len(self._pending))
        for number, pending in enumerate(self._pending):
            for column, text in enumerate(_row(pending)):
                self.files.setItem(number, column, QTableWidgetItem(text))
        self.files.resizeColumnsToContents()
        if self._pending:
            self.files.selectRow(0)
        else:
            self.report.setPlainText("Aucun résultat à classer.")
        for widget in (self.attach_button, self.reject_button):
            widget.setEnabled(bool(self._pending))

    def _chosen(self) -> PendingFile | None:
        rows = self.files.selectionModel().selectedRows()
        return self._pending[rows[0].row()] if rows else None

    def _file_chosen(self) -> None:
        pending = self._chosen()
        if pending is None:
            return
        header = pending.header
        self.report.setVisible(header is not None)
        self.viewer.setVisible(header is None)
        self.report.setPlainText(pending.text)
        self.search.setText(f"{header.last_name} {header.first_name}" if header else "")
        if header is None:
            self._show_pdf(pending.file.file_id)

    def _show_pdf(self, file_id: int) -> None:
        results = self._context().results
        try:  # the read and the pages' rendering, off the GUI thread
            images = BackgroundJob(self, READING, READING_STOPPED).run(
                lambda _progress: page_images(results.pending_content(file_id),
                                              "application/pdf"))
        except JobStopped:
            images = []
        self.viewer.show_pages(images)

    def _search(self, text: str) -> None:
        self.patients.clear()
        for row in self._context().patients.search(text)[:30]:
            born = dt.date.fromisoformat(row.birth_date)
            item = QListWidgetItem(f"{row.display_name} — né(e) le {born:%d/%m/%Y}")
            item.setData(Qt.ItemDataRole.UserRole, row.patient_id)
            self.patients.addItem(item)
        if self.patients.count():
            self.patients.setCurrentRow(0)

    def attach(self) -> None:
        """File the chosen file in the chosen record."""
        pending, patient = self._chosen(), self.patients.currentItem()
        try:
            if pending is None or patient is None:
                raise InvalidInput("Choisissez un fichier et le dossier où le classer.")
            patient_id = int(patient.data(Qt.ItemDataRole.UserRole))
            self._context().results.attach(pending.file.file_id, patient_id)
        except KnownError as error:
            show_known_error(self, error)
            return
        self.filed.emit(patient_id)
        self.refresh()

    def reject_file(self) -> None:
        """Reject the chosen file with a reason (it stays kept in the vault)."""
        pending = self._chosen()
        if pending is None:
            return
        reason, ok = QInputDialog.getText(self, "Rejeter le fichier",
                                          "Pourquoi ce fichier n'est-il classé dans aucun "
                                          "dossier ?")
        if not ok:
            return
        try:
            self._context().results.reject(pending.file.file_id, reason)
        except KnownError as error:
            show_known_error(self, error)
            return
        self.refresh()
