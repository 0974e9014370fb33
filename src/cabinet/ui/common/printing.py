"""Print a signed document with a preview, through the operating system's print dialog.

The preview shows the document's pages rendered in memory, each at its true size on the
paper (an A4 page fills an A4 sheet at 100 %, never shrunk to fit the printable area). Qt's
print dialog then chooses the printer, the copies and the pages; printing to a file is not
offered (that would be an export). What reaches the printer is the signed PDF the vault keeps,
byte for byte (`cabinet.exchange.printing`), in the tray the settings name: the paper shows
exactly what was signed, with its text as text. Reading and rendering run off the GUI thread
(a page takes longer than the window may wait), as does handing the file to the print system.
"""

from collections.abc import Callable

from PySide6.QtCore import QMarginsF, QRectF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from cabinet.errors import KnownError
from cabinet.exchange.printing import PrintRequest
from cabinet.ui.common.document_viewer import Page, render_pages
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.common.worker import BackgroundJob, JobStopped

PREVIEW_DPI = 150
"""Sharp enough to read a dose on screen. Measured: an A4 page renders in 12 ms (p50, 37 ms
at most) off the GUI thread; the preview then paints two such pages in under 30 ms."""
Send = Callable[[PrintRequest], str]


def lay_out(printer: QPrinter, first: Page) -> None:
    """The paper is the document's first page, margins none: drawing starts at its corner."""
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(
        QPageSize(first.size_pt, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch),
        QPageLayout.Orientation.Portrait, QMarginsF()))


def paint(printer: QPrinter, pages: list[Page]) -> None:
    """Draw each page at its true size from the paper's corner (the preview's painting)."""
    painter = QPainter()
    if not pages or not painter.begin(printer):
        return
    try:
        dots_per_point = printer.resolution() / 72
        for index, page in enumerate(pages):
            if index:
                printer.newPage()
            painter.drawImage(QRectF(0, 0, page.size_pt.width() * dots_per_point,
                                     page.size_pt.height() * dots_per_point), page.image)
    finally:
        painter.end()


def request_for(printer: QPrinter, tray: str) -> PrintRequest:
    """What the print dialog chose for `printer`, and the settings' tray."""
    ranged = printer.printRange() == QPrinter.PrintRange.PageRange
    return PrintRequest(printer=printer.printerName(), copies=printer.copyCount(), tray=tray,
                        first_page=printer.fromPage() if ranged else 0,
                        last_page=printer.toPage() if ranged else 0)


class PrintPreview(QDialog):
    """The pages as they will come out of the printer; « Imprimer… » opens the print dialog.

    `send` (run off the GUI thread) hands the document to the print system.
    """

    def __init__(self, pages: list[Page], tray: str, send: Send,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Aperçu avant impression")
        self.pages = pages
        self.tray = tray
        self._send = send
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        lay_out(self.printer, pages[0])
        self.preview = QPrintPreviewWidget(self.printer)
        self.preview.setAccessibleName("Aperçu des pages à imprimer")
        self.preview.paintRequested.connect(lambda printer: paint(printer, self.pages))
        self.where = QLabel()
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("&Imprimer…",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        self.print_button.setDefault(True)
        buttons.accepted.connect(self.choose_and_print)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview)
        layout.addWidget(self.where)
        layout.addWidget(buttons)
        self.show_where()
        self.resize(720, 860)

    def show_where(self) -> None:
        """Say which printer and tray the document will go to."""
        name = self.printer.printerName() or "aucune imprimante installée"
        tray = self.tray or "choix automatique de l'imprimante"
        self.where.setText(f"Imprimante : {name} — bac : {tray} (Paramètres du cabinet) — "
                           "taille réelle, sans réduction.")

    def print_dialog(self) -> QPrintDialog:
        """Qt's print dialog on this printer, without « print to file » (an export)."""
        dialog = QPrintDialog(self.printer, self)
        option = QAbstractPrintDialog.PrintDialogOption
        dialog.setOptions(option.PrintPageRange | option.PrintShowPageSize
                          | option.PrintCollateCopies)
        return dialog

    def choose_and_print(self) -> None:
        """The print dialog, then the document to the chosen printer."""
        if self.print_dialog().exec() == QDialog.DialogCode.Accepted:
            self.show_where()
            self.print_now()

    def print_now(self) -> None:
        """Send the document to `printer` as chosen; close once the print system has it."""
        request = request_for(self.printer, self.tray)
        try:
            BackgroundJob(self, "Envoi à l'imprimante…", "Impression annulée.").run(
                lambda _progress: self._send(request))
        except JobStopped:
            return
        except KnownError as error:
            show_known_error(self, error)
            return
        self.accept()


def print_with_preview(parent: QWidget, read: Callable[[], bytes], tray: str,
                       send: Send) -> bool:
    """Preview the document `read` gives, then print it with `send`; whether it was printed.

    `read` and `send` run off the GUI thread (the vault's reading and the print system's).
    """
    try:
        pages = BackgroundJob(parent, "Préparation de l'aperçu…", "Aperçu interrompu.").run(
            lambda _progress: render_pages(read(), PREVIEW_DPI / 72))
    except KnownError as error:
        show_known_error(parent, error)
        return False
    if not pages:
        return False
    preview = PrintPreview(pages, tray, send, parent)
    try:
        return preview.exec() == QDialog.DialogCode.Accepted
    finally:
        preview.deleteLater()
