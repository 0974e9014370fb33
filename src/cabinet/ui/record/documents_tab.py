"""Documents of the record: import by file dialog or drag and drop, view inside the app."""

import datetime as dt
import mimetypes
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.record import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.ports import StoredVersion
from cabinet.ui.common.dialogs import ServiceDialog, day_edit
from cabinet.ui.common.document_viewer import DocumentViewer, page_images
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.common.file_choice import file_to_open
from cabinet.ui.common.worker import BackgroundJob, JobStopped
from cabinet.ui.exports.record_printing import print_kept_document
from cabinet.ui.record.entry_list import EntryList

READING = "Ouverture du document…"
READING_STOPPED = "Ouverture du document interrompue."
NOT_PRINTABLE = ("Seuls les documents PDF s'impriment depuis Cabinet : ouvrez cette image "
                 "dans un logiciel d'images pour l'imprimer.")
FILE_FILTER = "Documents (*.pdf *.png *.jpg *.jpeg);;Tous les fichiers (*)"


class ImportDialog(ServiceDialog):
    """Type, title, origin and date of a file being imported."""

    def __init__(self, path: Path, save_with: Callable[[dict[str, str]], object],
                 today: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Importer un document", parent)
        self.path = path
        form = QFormLayout()
        self.doc_type = QComboBox()
        for key, label in DOCUMENT_TYPES.items():
            self.doc_type.addItem(label, key)
        self.title = QLineEdit(path.stem)
        self.origin = QLineEdit()
        self.date = day_edit(today)
        for label, widget in (("Type", self.doc_type), ("Titre", self.title),
                              ("Origine", self.origin), ("Date", self.date)):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        self.body.addLayout(form)
        self.save = lambda: save_with(self.metadata())

    def metadata(self) -> dict[str, str]:
        """The document's description as the services store it."""
        media_type = mimetypes.guess_type(self.path.name)[0] or "application/octet-stream"
        return {"doc_type": self.doc_type.currentData(), "title": self.title.text(),
                "origin": self.origin.text(), "date": self.date.date().toString("yyyy-MM-dd"),
                "filename": self.path.name, "media_type": media_type}


def read_import(path: Path) -> bytes:
    """Read a file chosen for import, refusing what cannot be imported, in French."""
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InvalidInput("Le fichier dépasse 50 Mo : réduisez-le avant de l'importer.")
        return path.read_bytes()
    except OSError:
        raise InvalidInput("Le fichier ne peut pas être lu (droits, support retiré ?).") from None


class DocumentsTab(QWidget):
    """The list of documents and the selected one's pages."""

    def __init__(self, context: Callable[[], AppContext], reload: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._reload = reload
        self.patient_id: int | None = None
        self.setAcceptDrops(True)
        self.list = EntryList("Documents", list_share=0.64)  # the viewer shows the rest
        self.list.add_button("&Importer… (Ctrl+I)", self.choose_file)
        self.list.add_button("Imprimer…", self.print_selected)
        self.list.finish_buttons()
        self.viewer = DocumentViewer()
        self.list.selection_changed.connect(self._show_selected)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.viewer)
        splitter.setSizes([200, 500])
        QVBoxLayout(self).addWidget(splitter)

    def set_entries(self, patient_id: int, entries: list[StoredVersion]) -> None:
        """Show one record's documents."""
        self.patient_id = patient_id
        self.list.set_entries(entries)

    def _show_selected(self) -> None:
        entry = self.list.current()
        if entry is None or not self.isVisible():
            self.viewer.clear()
            return
        records, lineage, media_type = (self._context().records, entry.lineage,
                                        entry.payload["media_type"])
        try:  # the read and the pages' rendering, off the GUI thread
            images = BackgroundJob(self, READING, READING_STOPPED).run(
                lambda _progress: page_images(records.read_document(lineage), media_type))
        except JobStopped:
            self.viewer.clear()
            return
        self.viewer.show_pages(images)

    def print_selected(self) -> None:
        """Preview the selected PDF and print it as the vault keeps it (journaled)."""
        entry = self.list.current()
        if entry is None:
            return
        if entry.payload["media_type"] != "application/pdf":
            show_known_error(self, KnownError(NOT_PRINTABLE))
            return
        print_kept_document(self, self._context(), entry.lineage)

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        """Read the selected document only when the tab is looked at (journaled read)."""
        self._show_selected()

    def choose_file(self) -> None:
        """Import through the file dialog."""
        chosen = file_to_open(self, "Importer un document", FILE_FILTER)
        if chosen is not None:
            self.import_file(chosen)

    def import_file(self, path: Path) -> None:
        """Describe and store one file inside the vault."""
        patient = self.patient_id
        if patient is None:
            return
        try:
            content = read_import(path)
        except KnownError as error:
            show_known_error(self, error)
            return
        ctx = self._context()
        ImportDialog(path, lambda meta: ctx.records.add_document(patient, meta, content),
                     today=ctx.clock.now().astimezone().date(), parent=self).exec()
        self._reload()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        """Accept files dragged from the desktop."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        """Import each dropped local file."""
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.import_file(Path(url.toLocalFile()))

    def clear(self) -> None:
        """Forget the documents shown."""
        self.patient_id = None
        self.list.clear()
        self.viewer.clear()
