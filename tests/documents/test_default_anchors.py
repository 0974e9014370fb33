"""`cabinet verify`, the window's verification and the archive import trust the IGC-Santé
authorities by default (issue 13, item 10), the settings' trust folder adding more."""

import datetime as dt
import hashlib
from html import unescape

import pytest

from cabinet.documents.content import certificate
from cabinet.documents.demo_certificate import demo_signer
from cabinet.documents.issue import issue
from cabinet.documents.layout import Letterhead
from cabinet.documents.verification import default_anchors, practice_anchors
from cabinet.trust.anchors import PINNED
from helpers.vaults import identity
from test_cli import cabinet

LETTERHEAD = Letterhead("Dr Jeanne Martin", "Médecine générale", "10101010101",
                        "3 rue des Lilas 75011 Paris", "01 23 45 67 89")


def test_the_default_anchors_are_the_shipped_igc_sante_authorities():
    anchors = default_anchors()
    assert sorted(hashlib.sha256(a.dump()).hexdigest() for a in anchors) == \
        sorted(PINNED.values())


@pytest.fixture
def pdf(tmp_path):
    """A certificate signed with the demo certificate, which IGC-Santé does not vouch for."""
    document = certificate(LETTERHEAD, identity(), "Apte au sport.", dt.date(2026, 11, 2))
    path = tmp_path / "certificat.pdf"
    path.write_bytes(issue(document, demo_signer(), dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)))
    return path


def test_cabinet_verify_checks_the_chain_against_igc_sante_without_being_told(tmp_path, pdf):
    result = cabinet("verify", pdf)
    assert result.returncode == 0, result.stderr
    assert "ne provient d'aucune autorité de confiance configurée" in result.stdout
    assert "Chaîne de certification : non reconnue" in result.stdout
    anchor = tmp_path / "demo.der"
    anchor.write_bytes(demo_signer().certificate_der)
    trusted = cabinet("verify", pdf, "--trust", anchor)
    assert "certificat reconnu" in trusted.stdout


def fingerprints(anchors):
    return sorted(hashlib.sha256(a.dump()).hexdigest() for a in anchors)


def test_the_window_s_verification_checks_the_chain_against_igc_sante_without_a_folder(
        qtbot, pdf):
    from PySide6.QtWidgets import QWidget

    from cabinet.ui.exports.verify_dialog import verify_file

    window = QWidget()
    qtbot.addWidget(window)
    dialog = verify_file(window, pdf, trust_folder="")
    assert unescape(dialog.verdict.text()) == (
        "Document intact, signé par DEMO — sans valeur, mais le certificat ne provient "
        "d'aucune autorité de confiance configurée.")


def test_the_practice_trusts_igc_sante_and_what_its_trust_folder_adds(tmp_path):
    assert fingerprints(practice_anchors("")) == sorted(PINNED.values())
    (tmp_path / "demo.der").write_bytes(demo_signer().certificate_der)
    assert fingerprints(practice_anchors(str(tmp_path))) == sorted(
        [*PINNED.values(), hashlib.sha256(demo_signer().certificate_der).hexdigest()])
