"""Every document Cabinet signs, checked by independent tools (SIGN-1..3, DESIGN.md §4).

Signed through the card's PKCS#11 token (SoftHSM2, reached the way the application reaches a
CPS card), then verified with pyHanko and poppler's pdfsig; a byte changed inside the signed
range must fail both. Fonts embedded (pdffonts), PDF/A-2b identification and output intent
present, qpdf --check clean.
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from cabinet.documents.verification import verify_pdf
from cabinet.domain.record import EntryKind
from cabinet.domain.rights import CopyRequest, Seizure
from cabinet.exchange.staging import CancelToken
from cabinet.services.exports import Transmission
from cabinet.services.issuing import Output
from helpers import pdf_checks
from helpers.records import marked_practice


def _prescription(ctx, practice, out):
    return [Path(ctx.exports.prescription(practice.prescription, out).path)]


def _bizone(ctx, practice, out):
    return [Path(ctx.exports.prescription(practice.ald_prescription, out).path)]


def _certificate(ctx, practice, out):
    return [Path(ctx.exports.certificate(practice.patient, "Apte à la pratique du tennis.",
                                         out).path)]


def _letter(ctx, practice, out):
    return [Path(ctx.exports.letter(practice.patient, "Dr Paul Durand, cardiologue",
                                    "Je vous adresse Mme Lefèvre pour avis.", out).path)]


def _patient_copy(ctx, practice, out):
    request = ctx.copies.register(practice.patient, CopyRequest(
        "patient", "Émilie Lefèvre", ("id_presented",), dt.date(2026, 10, 28)))
    folder = Path(ctx.copies.deliver(request, out, with_history=True).path)
    return sorted(folder.glob("*.pdf"))


def _transmission(ctx, practice, out):
    result = ctx.exports.transmit(practice.patient, Transmission(
        frozenset({EntryKind.ENCOUNTER, EntryKind.ALLERGY}), "Dr Paul Durand",
        "Demande de la patiente, le 22/11/2026"), out)
    with zipfile.ZipFile(io.BytesIO(Path(result.path).read_bytes())) as archive:
        pdf = out.destination / "DOSSIER.PDF"
        pdf.write_bytes(archive.read("IHE_XDM/SUBSET01/DOSSIER.PDF"))
    return [pdf]


def _seizure(ctx, practice, out):
    folder = Path(ctx.exports.seize(practice.patient, Seizure(
        "Mme Claire Juge, juge d'instruction", "Ordonnance n° 2026/123",
        "Dr Louis Ordre, conseil départemental"), out).path)
    return sorted(folder.glob("*.pdf"))


PRODUCERS = {"ordonnance": _prescription, "ordonnance bizone": _bizone,
             "certificat": _certificate, "courrier": _letter, "copie du dossier": _patient_copy,
             "transmission": _transmission, "saisie": _seizure}


@pytest.mark.parametrize("kind", PRODUCERS)
def test_each_signed_document_verifies_and_is_pdfa(kind, ctx, card_document_signer, tmp_path):
    practice = marked_practice(ctx)
    destination = tmp_path / "sortie"
    destination.mkdir()
    out = Output(card_document_signer, destination, CancelToken())
    pdfs = PRODUCERS[kind](ctx, practice, out)
    assert pdfs
    for pdf in pdfs:
        report = verify_pdf(pdf.read_bytes())
        assert report.intact, report.lines
        assert report.signer == "Dr Jeanne Martin"
        assert pdf_checks.pdfsig_valid(pdf), pdf_checks.pdfsig_output(pdf)
        assert pdf_checks.certified_without_changes(pdf)
        assert pdf_checks.fonts_all_embedded(pdf)
        assert pdf_checks.pdfa_identified(pdf)
        assert pdf_checks.qpdf_clean(pdf)
        changed = pdf_checks.tamper_inside_signed_range(pdf)
        assert not verify_pdf(changed.read_bytes()).intact
        assert not pdf_checks.pdfsig_valid(changed)
        assert "modifié après signature" in verify_pdf(changed.read_bytes()).summary


def test_every_page_names_the_patient_and_counts_pages(ctx, card_document_signer, tmp_path):
    practice = marked_practice(ctx)
    for day in range(40):
        ctx.records.add_entry(practice.patient, EntryKind.ENCOUNTER, {
            "date": f"2025-{day % 12 + 1:02d}-10", "reason": f"Consultation {day}",
            "examination": "Examen sans particularité. " * 12})
    folder = Path(ctx.exports.seize(practice.patient, Seizure(
        "Mme Claire Juge", "Ordonnance n° 7", "Dr Louis Ordre"),
        Output(card_document_signer, tmp_path, CancelToken())).path)
    pdf = folder / "02-consultations.pdf"
    total = pdf_checks.page_count(pdf)
    assert total >= 3
    for page in range(1, total + 1):
        text = pdf_checks.pdf_text(pdf, page)
        assert f"page {page} / {total}" in text
        assert "LEFÈVRE Émilie" in text
        assert "Dr Jeanne Martin" in text  # the letterhead


def test_bizone_prescription_puts_ald_lines_above_the_rule(ctx, card_document_signer, tmp_path):
    practice = marked_practice(ctx)
    path = Path(ctx.exports.prescription(practice.ald_prescription, Output(
        card_document_signer, tmp_path, CancelToken())).path)
    text = pdf_checks.pdf_text(path)
    ald_zone = text.index("AFFECTION EXONÉRANTE")
    other_zone = text.index("MALADIES INTERCURRENTES")
    assert ald_zone < text.index("Metformine") < other_zone < text.index("Amoxicilline")


def test_signature_block_tells_who_and_that_the_time_is_the_workstations(
        ctx, card_document_signer, tmp_path):
    practice = marked_practice(ctx)
    path = Path(ctx.exports.prescription(practice.prescription, Output(
        card_document_signer, tmp_path, CancelToken())).path)
    text = pdf_checks.pdf_text(path)
    assert "Signé électroniquement" in text
    assert "RPPS 10101010101" in text
    assert "heure du poste de travail" in text
    assert "DEMO — sans valeur" in text  # a development card signs without value


def test_with_a_time_stamping_authority_the_signature_is_b_t(ctx, card_document_signer,
                                                             tmp_path):
    from helpers.tsa import local_tsa

    practice = marked_practice(ctx)
    with local_tsa() as url:
        ctx.settings.change({"tsa_url": url})
        path = Path(ctx.exports.prescription(practice.prescription, Output(
            card_document_signer, tmp_path, CancelToken())).path)
    report = verify_pdf(path.read_bytes())
    assert report.intact
    assert any(line.startswith("Horodatage qualifié du ") and line.endswith("(valide)")
               for line in report.lines), report.lines
    assert "heure certifiée par 127.0.0.1" in pdf_checks.pdf_text(path)
    assert pdf_checks.pdfsig_valid(path)
