"""`cabinet verify` trusts the IGC-Santé authorities by default (issue 13, item 10)."""

import datetime as dt
import hashlib

from cabinet.documents.content import certificate
from cabinet.documents.demo_certificate import demo_signer
from cabinet.documents.issue import issue
from cabinet.documents.layout import Letterhead
from cabinet.documents.verification import default_anchors
from cabinet.trust.anchors import PINNED
from helpers.vaults import identity
from test_cli import cabinet

LETTERHEAD = Letterhead("Dr Jeanne Martin", "Médecine générale", "10101010101",
                        "3 rue des Lilas 75011 Paris", "01 23 45 67 89")


def test_the_default_anchors_are_the_shipped_igc_sante_authorities():
    anchors = default_anchors()
    assert sorted(hashlib.sha256(a.dump()).hexdigest() for a in anchors) == \
        sorted(PINNED.values())


def test_cabinet_verify_checks_the_chain_against_igc_sante_without_being_told(tmp_path):
    document = certificate(LETTERHEAD, identity(), "Apte au sport.", dt.date(2026, 11, 2))
    pdf = tmp_path / "certificat.pdf"
    pdf.write_bytes(issue(document, demo_signer(), dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)))
    result = cabinet("verify", pdf)
    assert result.returncode == 0, result.stderr
    assert "ne provient d'aucune autorité de confiance configurée" in result.stdout
    assert "Chaîne de certification : non reconnue" in result.stdout
    anchor = tmp_path / "demo.der"
    anchor.write_bytes(demo_signer().certificate_der)
    trusted = cabinet("verify", pdf, "--trust", anchor)
    assert "certificat reconnu" in trusted.stdout
