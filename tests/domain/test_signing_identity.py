"""No signed document without its prescriber: a name and a valid RPPS in the settings."""

import pytest

from cabinet.domain.settings import signing_identity_missing

NAME, RPPS = "Dr Claire Martin", "10101010105"  # key 5, computed by hand (test_rpps.py)


def test_a_name_and_a_valid_rpps_allow_signing():
    assert signing_identity_missing(NAME, RPPS) is None


@pytest.mark.parametrize(("name", "rpps", "words"), [
    ("", "", "indiquez votre nom et votre numéro RPPS"),
    ("  ", RPPS, "indiquez votre nom dans"),
    (NAME, "", "indiquez votre numéro RPPS dans"),
    (NAME, "10101010101", "un numéro RPPS valide"),
])
def test_what_is_missing_is_said_with_where_to_set_it(name, rpps, words):
    message = signing_identity_missing(name, rpps)
    assert message is not None and words in message
    assert "Fichier › Paramètres du cabinet" in message
