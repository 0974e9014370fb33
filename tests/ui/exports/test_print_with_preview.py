"""Printing signed documents from the record, through a real CUPS and its cups-pdf queue.

The window signs the ordonnance (demo certificate), keeps it in the record, previews it and
sends it to the queue; what cups-pdf produced is read with poppler: the patient's name and the
drug line as text, the page A4 at its true size. The print dialog is Qt's own, accepted here.
"""

import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from cabinet.documents.demo_certificate import demo_signer
from cabinet.documents.verification import verify_pdf
from cabinet.domain.audit import split_digest
from cabinet.domain.record import EntryKind
from cabinet.exchange.staging import CancelToken
from cabinet.ui.common.document_viewer import render_pages
from cabinet.ui.common.printing import PREVIEW_DPI, PrintPreview, lay_out, paint
from cabinet.ui.record import documents_tab
from helpers.cups_printer import cups_pdf_queue
from helpers.pdf_checks import pdf_text
from helpers.qt import answer_dialogs

A4_POINTS = "595 x 842 pts (A4)"


@pytest.fixture(scope="module")
def printer():
    with cups_pdf_queue() as queue:
        yield queue


def page_size(path: Path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return next(line.split(":", 1)[1].strip() for line in info.splitlines()
                if line.startswith("Page size:"))


def open_emilie(window, qtbot):
    qtbot.keyClicks(window.search.field, "emi")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert window.record.patient_id is not None


def print_on(queue: str, seen: list[str]):
    """Answer the preview: note its printer line, choose `queue`, print (no dialog)."""
    def answer(preview):
        assert isinstance(preview, PrintPreview)
        preview.printer.setPrinterName(queue)
        preview.show_where()
        seen.append(preview.where.text())
        preview.print_now()
    return answer


def print_events(window):
    return [row for row in window.ctx.journal.access_history(window.record.patient_id)
            if row["action"] == "print"]


def kept_prescriptions(window):
    record = window.ctx.records.open_record(window.record.patient_id)
    return [e for e in record.of_kind(EntryKind.DOCUMENT)
            if e.payload["doc_type"] == "prescription"]


def test_ctrl_shift_p_prints_the_ordonnance_kept_in_the_record(unlocked, qtbot, printer):
    open_emilie(unlocked, qtbot)
    before = printer.outputs()
    seen: list[str] = []
    answer_dialogs(print_on(printer.queue, seen))
    qtbot.keyClick(unlocked, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    printed = printer.printed_after(before)
    text = " ".join(pdf_text(printed).split())
    assert "LEFÈVRE Émilie" in text and "Amoxicilline 1 g" in text
    assert "1 cp matin et soir" in text
    assert page_size(printed) == A4_POINTS
    assert "taille réelle" in seen[0] and printer.queue in seen[0]
    [kept] = kept_prescriptions(unlocked)
    stored = unlocked.ctx.records.read_document(kept.lineage)
    assert verify_pdf(stored).intact
    [event] = print_events(unlocked)
    assert event["target"] == f"entry:{kept.lineage}"
    detail, digest = split_digest(event["detail"])
    assert digest == hashlib.sha256(stored).hexdigest()
    assert re.fullmatch(rf"travail {printer.queue}-\d+, 1 exemplaire\(s\)", detail)


def test_the_record_summary_prints_signed_from_the_menu(unlocked, qtbot, printer):
    """« Imprimer la synthèse du dossier signée… »: identity, allergies and treatments, never
    the private notes; signed, kept in the record, printed."""
    open_emilie(unlocked, qtbot)
    before = printer.outputs()
    answer_dialogs(print_on(printer.queue, []))
    next(a for a in unlocked.record.exports.menu.actions()
         if "synthèse du dossier" in a.text().replace("&", "")).trigger()
    paper = " ".join(pdf_text(printer.printed_after(before)).split())
    assert "Synthèse du dossier" in paper and "LEFÈVRE Émilie" in paper
    assert "Pénicilline" in paper and "Ramipril 5 mg" in paper
    assert "Crépitants" not in paper  # the encounters are not part of the summary
    record = unlocked.ctx.records.open_record(unlocked.record.patient_id)
    [summary] = [e for e in record.of_kind(EntryKind.DOCUMENT)
                 if e.payload["doc_type"] == "summary"]
    assert verify_pdf(unlocked.ctx.records.read_document(summary.lineage)).intact
    [event] = print_events(unlocked)
    assert event["target"] == f"entry:{summary.lineage}"


def test_a_document_of_the_record_prints_through_the_print_dialog_in_the_chosen_tray(
        unlocked, qtbot, printer):
    """The preview's « Imprimer… » opens Qt's print dialog (print to file not offered); once
    accepted, the job reaches CUPS with the settings' tray and the copies chosen."""
    unlocked.ctx.settings.change({"print_tray": "Tray2"})
    open_emilie(unlocked, qtbot)
    answer_dialogs(lambda preview: preview.reject())  # « Fermer »: nothing printed
    unlocked.record.exports.print_prescription()
    assert print_events(unlocked) == []
    [kept] = kept_prescriptions(unlocked)
    tab = unlocked.record.documents
    unlocked.record.tabs.setCurrentWidget(tab)
    assert tab.list.current().lineage == kept.lineage
    before = printer.outputs()
    offered: list[bool] = []

    def preview(dialog):
        dialog.printer.setPrinterName(printer.queue)
        dialog.printer.setCopyCount(2)
        dialog.choose_and_print()

    def print_dialog(dialog):
        assert isinstance(dialog, QPrintDialog)
        offered.append(dialog.testOption(QPrintDialog.PrintDialogOption.PrintToFile))
        dialog.accept()

    answer_dialogs(preview, print_dialog)
    tab.print_selected()
    printed = printer.printed_after(before)
    assert "Amoxicilline 1 g" in pdf_text(printed)
    assert offered == [False]
    [event] = print_events(unlocked)
    detail = split_digest(event["detail"])[0]
    assert detail.endswith(", 2 exemplaire(s)")
    job = int(re.search(rf"{printer.queue}-(\d+)", detail)[1])
    control = Path(f"/var/spool/cups/c{job:05d}")
    if control.exists():  # root: the job's attributes as CUPS keeps them
        kept = control.read_bytes()
        assert b"tray-2" in kept or b"Tray2" in kept


def test_the_vault_unlocks_again_once_the_print_system_is_loaded(unlocked, printer):
    """Qt's print dialog maps the CUPS client library and what it pulls in (GnuTLS,
    Kerberos, Avahi): the guard, which judges the mapped libraries before every key is
    unwrapped, allows them, so a lock and an unlock after printing still work."""
    dialog = QPrintDialog(QPrinter())
    dialog.deleteLater()
    unlocked.lock()
    unlocked.unlock("demo", "demo")
    assert unlocked.ctx is not None



def last_job(queue: str) -> str:
    """The number of the last completed job of `queue`."""
    lines = subprocess.run(["lpstat", "-W", "completed", "-o", queue], capture_output=True,
                           text=True, check=True).stdout.split("\n")
    return [line.split()[0] for line in lines if line.strip()][-1].rsplit("-", 1)[1]


def test_the_preview_paints_each_page_at_its_true_size(unlocked, qtbot, tmp_path):
    """What the preview shows is drawn from the paper's corner, never scaled to fit."""
    open_emilie(unlocked, qtbot)
    ctx = unlocked.ctx
    kept = ctx.exports.keep_prescription(unlocked.record.selected_prescription(), demo_signer(),
                                         CancelToken())
    pages = render_pages(ctx.records.read_document(kept), PREVIEW_DPI / 72)
    out = QPrinter(QPrinter.PrinterMode.HighResolution)
    out.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out.setOutputFileName(str(tmp_path / "apercu.pdf"))
    lay_out(out, pages[0])
    paint(out, pages)
    assert page_size(tmp_path / "apercu.pdf") == A4_POINTS
    assert (pages[0].size_pt.width(), round(pages[0].size_pt.height())) == (595.2755737304688,
                                                                             842)


def test_an_image_is_not_printed_and_the_physician_is_told(unlocked, qtbot, monkeypatch):
    """Only PDFs print from Cabinet: an image would need a layout of its own."""
    open_emilie(unlocked, qtbot)
    ctx = unlocked.ctx
    ctx.records.add_document(unlocked.record.patient_id, {
        "doc_type": "scan", "title": "Radio", "origin": "", "date": "2026-10-05",
        "filename": "radio.png", "media_type": "image/png"}, b"\x89PNG not really")
    unlocked.record.reload()
    tab = unlocked.record.documents
    told: list[str] = []
    monkeypatch.setattr(documents_tab, "show_known_error",
                        lambda _parent, error: told.append(error.message))
    assert tab.list.current().payload["media_type"] == "image/png"
    tab.print_selected()
    assert told == [documents_tab.NOT_PRINTABLE]
    assert print_events(unlocked) == []
