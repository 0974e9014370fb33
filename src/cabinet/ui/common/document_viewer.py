"""Show a stored document inside the application, rendered in memory.

A decrypted copy is never written to disk for an external viewer: PDFs are rendered page by
page with pdfium from bytes, images are decoded by Qt from bytes.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

MAX_PAGES = 30


def render_pdf(content: bytes, scale: float = 1.3) -> list[QImage]:
    """Render the first pages of a PDF held in memory."""
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    images = []
    try:
        for index in range(min(len(document), MAX_PAGES)):
            bitmap = document[index].render(scale=scale, rev_byteorder=True)
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888 if bitmap.n_channels == 3
                           else QImage.Format.Format_RGBA8888)
            images.append(image.copy())
    finally:
        document.close()
    return images


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
