"""Enrolment checks the card against the IGC-Santé authorities (issue 13, item 10)."""

import datetime as dt

import pytest

from cabinet.errors import WrongKey
from cabinet.keys.card import OUTSIDE_IGC_SANTE, OutsideIgcSante, vouched_for
from cabinet.trust.anchors import Anchors
from cabinet.vault.session import create_vault, unlock_with_card
from helpers.certificates import authority, issued_card_certificate, signer
from helpers.vaults import OWNER

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def test_authority():
    return authority("AC DE TEST CABINET")


def test_a_card_from_a_test_authority_needs_the_outside_confirmation(vault_dir, clock,
                                                                     test_authority):
    opened, _ = create_vault(vault_dir, OWNER, clock, "poste")
    key, certificate = issued_card_certificate(test_authority, "LEROY Marc", "10303030303")
    asked = []
    with pytest.raises(OutsideIgcSante, match="hors IGC-Santé"):
        opened.enrol_card(certificate, signer(key), clock)
    with pytest.raises(OutsideIgcSante):
        opened.enrol_card(certificate, signer(key), clock,
                          confirm_outside=lambda holder: asked.append(holder) or False)
    assert [h.rpps for h in asked] == ["10303030303"]
    assert not opened.header.slots_of("card")

    opened.enrol_card(certificate, signer(key), clock, confirm_outside=lambda holder: True)
    [slot] = opened.header.slots_of("card")
    assert slot.params["trust"] == OUTSIDE_IGC_SANTE
    [event] = [e for e in opened.store.audit_rows(None, 10)
               if "carte enregistrée" in e["detail"]]
    assert event["detail"] == ("carte enregistrée : LEROY Marc (RPPS 10303030303), "
                               "hors IGC-Santé (confirmé à l'enregistrement)")
    opened.lock(clock)
    assert unlock_with_card(vault_dir, certificate, signer(key), clock, "poste").actor.name \
        == "LEROY Marc"


def test_an_expired_card_is_refused_even_if_the_user_would_confirm(vault_dir, clock,
                                                                   test_authority):
    opened, _ = create_vault(vault_dir, OWNER, clock, "poste")
    key, certificate = issued_card_certificate(test_authority, "LEROY Marc", "10303030303",
                                               valid_until=dt.datetime(2026, 6, 30,
                                                                       tzinfo=dt.UTC))
    with pytest.raises(WrongKey, match="a expiré") as refusal:
        opened.enrol_card(certificate, signer(key), clock, confirm_outside=lambda holder: True)
    assert not isinstance(refusal.value, OutsideIgcSante)
    assert not opened.header.slots_of("card")


def test_whether_a_card_is_vouched_for_follows_the_anchors_and_its_validity(test_authority):
    _, certificate = issued_card_certificate(test_authority, "LEROY Marc", "10303030303")
    assert vouched_for(certificate, NOW, Anchors.of([test_authority[1]]))
    assert not vouched_for(certificate, NOW)  # the default anchors are IGC-Santé's
    with pytest.raises(WrongKey, match="pas encore valable"):
        vouched_for(certificate, dt.datetime(2025, 12, 1, tzinfo=dt.UTC))
