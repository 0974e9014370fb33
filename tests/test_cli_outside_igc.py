"""The command line's typed « hors IGC-Santé » confirmation (issue 13, item 10)."""

import io

import pytest

from cabinet.cli.prompts import confirm_outside_igc_sante
from cabinet.keys.card import holder_of
from helpers.certificates import card_certificate

HOLDER = holder_of(card_certificate("LEROY Marc", "10303030303")[1])


@pytest.mark.parametrize(("typed", "confirmed"), [
    ("HORS IGC-SANTÉ\n", True), ("hors igc-sante\n", True), ("  Hors  IGC-Santé \n", True),
    ("OUI\n", False), ("\n", False), ("", False), ("HORS IGC\n", False),
])
def test_only_the_typed_phrase_confirms(monkeypatch, capsys, typed, confirmed):
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert confirm_outside_igc_sante(HOLDER) is confirmed
    assert "LEROY Marc (RPPS 10303030303) n'est pas émise par l'IGC-Santé" in \
        capsys.readouterr().err
