"""Show a stored document inside the application, rendered in memory.

A decrypted copy is never written to disk for an external viewer: PDFs are rendered page by
page with pdfium from bytes, images are decoded by Qt from bytes.
"""

from dataclasses import dataclass

from PySide6.QtCore import QSizeF, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

MAX_PAGES = 30


@dataclass(frozen=True)
class Page:
    """One rendered page and its true size in points (1/72 inch), as printing needs it."""

    image: QImage
    size_pt: QSizeF


def render_pages(content: bytes, scale: float = 1.3) -> list[Page]:
    """Render the first pages of a PDF held in memory (any thread)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    pages = []
    try:
        for index in range(min(len(document), MAX_PAGES)):
            page = document[index]
            bitmap = page.render(scale=scale, rev_byteorder=True)
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888 if bitmap.n_channels == 3
                           else QImage.Format.Format_RGBA8888)
            pages.append(Page(image.copy(), QSizeF(*page.get_size())))
    finally:
        document.close()
    return pages


def render_pdf(content: bytes, scale: float = 1.3) -> list[QImage]:
    """The first pages of a PDF held in memory, as images to show."""
    return [page.image for page in render_pages(content, scale)]


def page_images(content: bytes, media_type: str) -> list[QImage]:
    """A document's pages as images (any thread); none when they cannot be shown."""
    if media_type == "application/pdf":
        try:
            return render_pdf(content)
        except Exception:  # noqa: BLE001 - any unreadable PDF gets the same message
            return []
    image = QImage.fromData(content)
    return [] if image.isNull() else [image]


class DocumentViewer(QScrollArea):
    """Pages of the selected document, one under the other."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAccessibleName("Aperçu du document")
        self.pages: list[QLabel] = []
        self.clear()

    def show_pages(self, images: list[QImage]) -> None:
        """Display pages already rendered (off the GUI thread, by `render_pdf`)."""
        if not images:
            self._show_text("Ce document ne peut pas être affiché (format non reconnu "
                            "ou fichier endommagé).")
            return
        container = QWidget()
        layout = QVBoxLayout(container)
        self.pages = []
        for image in images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            layout.addWidget(label, alignment=Qt.AlignmentFlag.AlignHCenter)
            self.pages.append(label)
        self.setWidget(container)

    def _show_text(self, text: str) -> None:
        label = QLabel(text)
        label.setWordWrap(True)
        self.pages = []
        self.setWidget(label)

    def clear(self) -> None:
        """Show nothing (at lock or when no document is selected)."""
        self._show_text("")
