"""Card slots: the enrolled card opens the vault, no other card or certificate does."""

import datetime as dt

import pytest

from cabinet.errors import WrongKey
from cabinet.keys.card import enrol_card, holder_of, revoke_card, unlock_with_card
from cabinet.keys.header import KeyHeader
from cabinet.keys.recovery import add_recovery_slot
from cabinet.keys.wrapping import new_data_key
from helpers.certificates import card_certificate, signer

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def enrolled():
    header = KeyHeader(vault_id="v", created_at="t", demo=False, audit_public_key="")
    data_key = new_data_key()
    add_recovery_slot(header, data_key, "t")
    key, certificate = card_certificate("MARTIN Jeanne", "10101010101")
    enrol_card(header, data_key, certificate, signer(key), "t")
    return header, data_key, key, certificate


def test_the_enrolled_card_opens_and_names_its_holder(enrolled):
    header, data_key, key, certificate = enrolled
    opened, holder = unlock_with_card(header, certificate, signer(key), NOW)
    assert opened == data_key
    assert (holder.name, holder.rpps) == ("MARTIN Jeanne", "10101010101")


def test_another_physicians_card_is_refused(enrolled):
    header, *_ = enrolled
    other_key, other_certificate = card_certificate("DURAND Paul", "10202020202")
    with pytest.raises(WrongKey, match="pas enregistrée"):
        unlock_with_card(header, other_certificate, signer(other_key), NOW)


def test_a_card_presenting_the_enrolled_certificate_with_another_key_is_refused(enrolled):
    header, _, _, certificate = enrolled
    impostor_key, _ = card_certificate("MARTIN Jeanne", "10101010101")
    with pytest.raises(WrongKey, match="signature attendue"):
        unlock_with_card(header, certificate, signer(impostor_key), NOW)


def test_a_replaced_certificate_in_the_slot_does_not_unwrap(enrolled):
    header, _, _, _ = enrolled
    forged_key, forged_certificate = card_certificate("MARTIN Jeanne", "10101010101")
    slot = header.slots_of("card")[0]
    from cabinet.keys.header import b64

    slot.params["certificate"] = b64(forged_certificate)
    slot.params["fingerprint"] = holder_of(forged_certificate).fingerprint
    with pytest.raises(WrongKey):
        unlock_with_card(header, forged_certificate, signer(forged_key), NOW)


def test_an_expired_enrolment_is_refused(enrolled):
    header, _, key, certificate = enrolled
    with pytest.raises(WrongKey, match="expiré"):
        unlock_with_card(header, certificate, signer(key), NOW + dt.timedelta(days=5 * 365))


def test_a_renewed_card_and_a_remplacant_each_get_their_slot(enrolled):
    header, data_key, _, _ = enrolled
    renewed_key, renewed = card_certificate("MARTIN Jeanne", "10101010101")
    substitute_key, substitute = card_certificate("LEROY Marc", "10303030303")
    enrol_card(header, data_key, renewed, signer(renewed_key), "t")
    enrol_card(header, data_key, substitute, signer(substitute_key), "t")
    assert unlock_with_card(header, substitute, signer(substitute_key), NOW)[1].name == "LEROY Marc"
    with pytest.raises(WrongKey, match="déjà enregistrée"):
        enrol_card(header, data_key, renewed, signer(renewed_key), "t")
    revoke_card(header, holder_of(substitute).fingerprint)
    with pytest.raises(WrongKey, match="pas enregistrée"):
        unlock_with_card(header, substitute, signer(substitute_key), NOW)


def test_enrolment_refuses_a_card_whose_key_does_not_match_its_certificate():
    header = KeyHeader(vault_id="v", created_at="t", demo=False, audit_public_key="")
    _, certificate = card_certificate("MARTIN Jeanne", "10101010101")
    other_key, _ = card_certificate("X", "1")
    with pytest.raises(WrongKey):
        enrol_card(header, new_data_key(), certificate, signer(other_key), "t")
    assert header.slots == []


def test_the_last_way_in_cannot_be_revoked():
    header = KeyHeader(vault_id="v", created_at="t", demo=False, audit_public_key="")
    key, certificate = card_certificate("MARTIN Jeanne", "10101010101")
    enrol_card(header, new_data_key(), certificate, signer(key), "t")
    with pytest.raises(WrongKey, match="dernier moyen"):
        revoke_card(header, holder_of(certificate).fingerprint)


@pytest.mark.parametrize(("common_name", "name", "rpps"), [
    ("810101010101/MARTIN Jeanne", "MARTIN Jeanne", "10101010101"),
    ("Dr Jeanne Martin", "Dr Jeanne Martin", ""),
])
def test_holder_identity_is_read_from_the_certificate(common_name, name, rpps):
    _, certificate = card_certificate("ignored", "0", common_name=common_name)
    holder = holder_of(certificate)
    assert (holder.name, holder.rpps) == (name, rpps)


def test_card_unlock_makes_the_holder_the_actor_of_every_event(vault_dir, clock):
    from cabinet.bootstrap import build_context
    from cabinet.vault.session import create_vault, unlock_with_card
    from helpers.vaults import OWNER, identity

    opened, _ = create_vault(vault_dir, OWNER, clock, "poste")
    substitute_key, substitute = card_certificate("LEROY Marc", "10303030303")
    opened.enrol_card(substitute, signer(substitute_key), clock,
                      confirm_outside=lambda holder: True)
    opened.lock(clock)
    stranger_key, stranger = card_certificate("DURAND Paul", "10202020202")
    with pytest.raises(WrongKey):
        unlock_with_card(vault_dir, stranger, signer(stranger_key), clock, "poste")
    ctx = build_context(unlock_with_card(vault_dir, substitute, signer(substitute_key), clock,
                                         "poste"), clock)
    patient = ctx.patients.create(identity())
    ctx.records.open_record(patient)
    events = ctx.vault.store.audit_rows(None, 5)
    assert {(e["actor"], e["actor_id"], e["mode"]) for e in events[:3]} == {
        ("LEROY Marc", "10303030303", "card")}
    assert any(e["action"] == "connect_failed" and e["mode"] == "card" for e in events)
    ctx.lock()


def test_the_holder_cannot_be_renamed_by_editing_the_slot(enrolled):
    """Same key, another name and a later expiry in the header: the slot no longer opens."""
    from cabinet.keys.header import b64

    header, _, key, _ = enrolled
    _, renamed = card_certificate("DUPONT Titulaire", "19999999999", key=key,
                                  valid_until=NOW + dt.timedelta(days=30 * 365))
    slot = header.slots_of("card")[0]
    slot.params.update(certificate=b64(renamed), fingerprint=holder_of(renamed).fingerprint,
                       holder="DUPONT Titulaire", rpps="19999999999")
    with pytest.raises(WrongKey):
        unlock_with_card(header, renamed, signer(key), NOW)


def test_a_slot_whose_fingerprint_was_changed_is_refused(enrolled):
    header, _, key, certificate = enrolled
    header.slots_of("card")[0].params["fingerprint"] = "0" * 64
    with pytest.raises(WrongKey):
        unlock_with_card(header, certificate, signer(key), NOW)
