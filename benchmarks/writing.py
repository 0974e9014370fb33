"""Templates (issue 18): a certificate and a letter previewed as they will be signed.

What the physician waits for between « Aperçu » and the pages on screen: the template filled
from the record (its opening journaled), the document laid out as PDF/A with its text read
back, and its pages rendered as the dialog shows them (offscreen Qt). The record is the
500-encounter patient's, the longest the workload holds.
"""

import os
from typing import Any

from benchmarks.timing import Stats, time_calls
from cabinet.bootstrap import AppContext
from cabinet.domain.templates import TO_COMPLETE

ROUNDS = 20


def measure(ctx: AppContext, patient_id: int) -> tuple[dict[str, Stats], dict[str, Any]]:
    """The sport certificate and the referral letter, each filled, laid out and rendered."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from cabinet.ui.common.document_viewer import render_pdf
    from cabinet.ui.exports.export_dialogs import PREVIEW_SCALE

    QApplication.instance() or QApplication([])

    def certificate() -> int:
        text = ctx.templates.fill("sport", patient_id).replace(TO_COMPLETE, "football")
        prepared = ctx.exports.prepare_certificate(patient_id, text)
        return len(render_pdf(prepared.preview, scale=PREVIEW_SCALE))

    def letter() -> int:
        text = ctx.templates.fill("adressage", patient_id).replace(TO_COMPLETE, "avis")
        prepared = ctx.exports.prepare_letter(patient_id, "Dr Paul Durand\nCardiologie", text)
        return len(render_pdf(prepared.preview, scale=PREVIEW_SCALE))

    pages = {"certificate_pages": certificate(), "letter_pages": letter()}  # warm-up
    return {
        "writing_certificate_preview": time_calls(certificate for _ in range(ROUNDS)),
        "writing_letter_preview": time_calls(letter for _ in range(ROUNDS)),
    }, pages
