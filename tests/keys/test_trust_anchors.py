"""The IGC-Santé authorities shipped as Cabinet's default trust anchors, and paths to them."""

import datetime as dt
import hashlib
import shutil
from importlib import resources
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from cabinet.errors import KnownError
from cabinet.trust.anchors import PINNED, Anchors, chains_to, igc_sante, load
from helpers.certificates import authority, issued_card_certificate

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
SHIPPED = resources.files("cabinet.trust") / "igc_sante"


def documented_fingerprints() -> dict[str, str]:
    """Subject common name -> SHA-256, as FINGERPRINTS.txt (copied with the files) lists them."""
    documented = {}
    for line in (SHIPPED / "FINGERPRINTS.txt").read_text("utf-8").splitlines():
        subject, _, fingerprint = line.partition(" sha256 Fingerprint=")
        common_name = subject.rsplit("CN = ", 1)[1]
        documented[common_name] = fingerprint.strip().replace(":", "").lower()
    return documented


def test_the_shipped_anchors_load_and_match_their_documented_fingerprints():
    anchors = igc_sante()
    assert len(anchors.roots) == 3 and len(anchors.intermediates) == 6
    loaded = {c.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value:
              hashlib.sha256(c.public_bytes(Encoding.DER)).hexdigest()
              for c in anchors.all()}
    assert loaded == documented_fingerprints()
    assert sorted(loaded.values()) == sorted(PINNED.values())
    assert all("IGC-SANTE" in name for name in loaded)


def test_a_changed_anchor_file_is_refused(tmp_path):
    copy = tmp_path / "igc_sante"
    shutil.copytree(Path(str(SHIPPED)), copy)
    changed = copy / "AC_FORT_PERSONNES_20130625.cer"
    data = bytearray(changed.read_bytes())
    data[-1] ^= 1
    changed.write_bytes(bytes(data))
    with pytest.raises(KnownError, match=r"AC_FORT_PERSONNES_20130625\.cer"):
        load(copy)
    (copy / "ACR_FORT_20130625.cer").unlink()
    with pytest.raises(KnownError, match=r"ACR_FORT_20130625\.cer.*réinstallez"):
        load(copy)


def test_the_igc_sante_authorities_chain_to_their_roots_under_the_policy_used():
    anchors = igc_sante()
    for intermediate in anchors.intermediates:
        assert chains_to(intermediate, anchors, NOW)
    assert not chains_to(anchors.intermediates[0], anchors,
                         dt.datetime(2034, 1, 1, tzinfo=dt.UTC))


def test_a_card_chains_through_an_intermediate_only_to_its_own_roots():
    root = authority("RACINE DE TEST")
    intermediate = authority("AC DE TEST PERSONNES", issuer=root)
    _, der = issued_card_certificate(intermediate, "MARTIN Jeanne", "10101010101")
    card = x509.load_der_x509_certificate(der)
    assert chains_to(card, Anchors.of([root[1], intermediate[1]]), NOW)
    assert not chains_to(card, Anchors.of([root[1]]), NOW)  # the intermediate is missing
    assert not chains_to(card, igc_sante(), NOW)
