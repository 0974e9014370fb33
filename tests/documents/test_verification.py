"""`verify_pdf` tells in French whether a file is intact and whom to believe (SIGN-3)."""

import datetime as dt
import io

import pytest
from cryptography.hazmat.primitives import serialization
from reportlab.pdfgen import canvas

from cabinet.documents.content import certificate
from cabinet.documents.demo_certificate import demo_signer
from cabinet.documents.issue import issue
from cabinet.documents.layout import Letterhead
from cabinet.documents.verification import load_anchors, verify_pdf
from helpers import pdf_attacks
from helpers.certificates import self_signed
from helpers.vaults import identity

LETTERHEAD = Letterhead("Dr Jeanne Martin", "Médecine générale", "10101010101",
                        "3 rue des Lilas 75011 Paris", "01 23 45 67 89")


@pytest.fixture(scope="module")
def signed() -> bytes:
    document = certificate(LETTERHEAD, identity(), "Apte au sport.", dt.date(2026, 11, 2))
    return issue(document, demo_signer(), dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))


def demo_anchor() -> bytes:
    return demo_signer().certificate_der


def unrelated_anchor() -> bytes:
    _, certificate = self_signed("AC RACINE TEST")
    return certificate.public_bytes(serialization.Encoding.PEM)


def test_intact_without_anchors_names_the_signer_but_vouches_for_nothing(signed):
    report = verify_pdf(signed)
    assert report.intact and not report.trusted
    assert "aucune autorité de confiance n'est configurée" in report.summary
    assert any("horloge du poste" in line for line in report.lines)


def test_a_configured_anchor_recognises_the_certificate(signed):
    report = verify_pdf(signed, load_anchors([demo_anchor()]))
    assert report.intact and report.trusted
    assert report.summary.endswith("certificat reconnu.")


def test_an_unrelated_anchor_does_not(signed):
    report = verify_pdf(signed, load_anchors([unrelated_anchor()]))
    assert report.intact and not report.trusted
    assert "d'aucune autorité de confiance configurée" in report.summary


def test_bytes_appended_after_signing_are_reported(signed):
    report = verify_pdf(signed + b"\n% ajout\n")
    assert not report.intact
    assert "Des données ont été ajoutées après la signature." in report.lines


@pytest.mark.parametrize("content", [b"", b"pas un pdf", b"%PDF-1.7\n%%EOF"])
def test_garbage_is_unreadable_not_a_crash(content):
    report = verify_pdf(content)
    assert not report.intact
    assert report.summary.startswith("Fichier illisible") or "aucune signature" in report.summary


def test_a_truncated_file_is_not_intact(signed):
    assert not verify_pdf(signed[: len(signed) // 2]).intact


def test_an_unsigned_pdf_says_so():
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 100, "Sans signature")
    page.save()
    report = verify_pdf(buffer.getvalue())
    assert not report.intact
    assert report.summary == "Ce document ne porte aucune signature électronique."


def test_the_window_refuses_an_amended_document_and_names_the_change(qtbot, signed, tmp_path):
    from html import unescape

    from PySide6.QtWidgets import QWidget

    from cabinet.ui.exports.verify_dialog import verify_file

    original = tmp_path / "certificat.pdf"
    original.write_bytes(signed)
    window = QWidget()
    qtbot.addWidget(window)
    dialog = verify_file(window, pdf_attacks.white_box_annotation(original), trust_folder="")
    assert unescape(dialog.verdict.text()) == ("Document modifié après signature : il ne doit "
                                               "pas être utilisé.")
    details = unescape(dialog.details.text())
    assert "Certification : aucune modification permise après la signature." in details
    assert ("Le document a été modifié après sa signature : une annotation (rectangle) ajoutée "
            "à la page 1.") in details
