"""Real middleware on the real stack (issue 13): OpenSC reading an OpenPGP card, SoftHSM2 the
development card, both modules installed at once, and a reader whose name is longer than a
PKCS#11 slot description. No module is named to the door: the card decides.
"""

import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding

from cabinet.bootstrap import VaultDoor, build_context
from cabinet.card import development, token
from cabinet.domain.rights import Seizure
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.vault.header import read_header
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import create_vault
from helpers.card_fixtures import PhysicianCard
from helpers.records import marked_practice
from helpers.vaults import OWNER
from helpers.virtual_card import make_atr


def enrolled(vault_dir, clock, card) -> VaultDoor:
    """A vault whose first card is `card` (inserted), enrolled without naming a module."""
    vault, _ = create_vault(vault_dir, OWNER, clock, "poste")
    card.insert()
    door = VaultDoor(vault_dir, clock)
    door.enrol_card(build_context(vault, clock), card.reader, card.pin,
                    confirm_outside=lambda holder: True)  # a test card
    vault.lock(clock)
    return door


def slot_module(vault_dir) -> str:
    slot, = read_header(VaultLayout(vault_dir).header).slots_of("card")
    return str(slot.params["module"])


def test_opensc_reads_an_openpgp_card_in_a_long_named_reader_and_it_opens_the_vault(
        vault_dir, clock, openpgp_card):
    assert len(openpgp_card.reader) > 64
    door = enrolled(vault_dir, clock, openpgp_card)
    assert slot_module(vault_dir) == openpgp_card.module_path
    ctx = door.open_with_card(openpgp_card.reader, openpgp_card.pin)
    try:
        assert (ctx.vault.actor.name, ctx.vault.actor.identifier) == (
            "Dr Jeanne Martin", "10101010101")
        assert not ctx.development_card
    finally:
        ctx.lock()


def test_the_development_card_in_a_long_named_reader_is_served_by_its_own_module(
        vault_dir, clock, long_reader_card):
    door = enrolled(vault_dir, clock, long_reader_card)
    assert slot_module(vault_dir) == long_reader_card.module_path  # not OpenSC's, found first
    ctx = door.open_with_card(long_reader_card.reader, long_reader_card.pin)
    try:
        assert ctx.development_card
    finally:
        ctx.lock()


def test_a_wrong_pin_on_an_openpgp_card_is_a_wrong_pin_until_the_card_blocks(
        openpgp_card):
    openpgp_card.insert()
    module, card_token = token.locate(openpgp_card.reader)
    assert module == Path(openpgp_card.module_path)
    messages = []
    for _ in range(3):
        with pytest.raises(token.CardError) as refused, token.signer(card_token, "000000"):
            pass
        messages.append(refused.value.message)
    # CKR_USER_NOT_LOGGED_IN each time, and OpenSC's token flags never count down: the
    # physician is told the counter is unknown; the blocked card then answers CKR_PIN_LOCKED.
    assert all(m.startswith("Code PIN incorrect") and "n'indique pas les essais" in m
               for m in messages)
    with pytest.raises(token.CardError, match="Carte bloquée"), token.signer(
            card_token, openpgp_card.pin):
        pass


def test_the_openpgp_card_signs_with_its_certified_key(openpgp_card):
    openpgp_card.insert()
    _, card_token = token.locate(openpgp_card.reader)
    with token.signer(card_token, openpgp_card.pin, for_documents=True) as (_, sign):
        signature = sign(b"ordonnance")
    openpgp_card.certificate.public_key().verify(signature, b"ordonnance", padding.PKCS1v15(),
                                                 hashes.SHA256())


def test_documents_are_never_signed_with_a_key_that_may_only_decrypt(decrypt_only_key_card):
    decrypt_only_key_card.insert()
    _, card_token = token.locate(decrypt_only_key_card.reader,
                                 [Path(decrypt_only_key_card.module_path)])
    with token.signer(card_token, decrypt_only_key_card.pin, for_documents=True) as (
            certificate, sign):
        signature = sign(b"certificat")
    assert certificate == decrypt_only_key_card.certificate.public_bytes(Encoding.DER)
    decrypt_only_key_card.certificate.public_key().verify(
        signature, b"certificat", padding.PKCS1v15(), hashes.SHA256())


def test_a_signature_that_its_certificate_does_not_verify_writes_nothing(
        ctx, stale_certificate_card, tmp_path):
    practice = marked_practice(ctx)
    stale_certificate_card.insert()
    door = VaultDoor(tmp_path / "aucun-coffre",
                     card_module=Path(stale_certificate_card.module_path))
    destination = tmp_path / "cle-usb"
    destination.mkdir()
    with door.document_signer(stale_certificate_card.reader, stale_certificate_card.pin,
                              ctx) as signer, pytest.raises(token.CardError,
                                                            match="rien n'a été signé"):
        ctx.exports.seize(practice.patient, Seizure("Mme Juge", "Ordonnance 12", "Dr Ordre"),
                          Output(signer, destination, CancelToken()))
    assert list(destination.iterdir()) == []
    assert [e for e in ctx.vault.store.audit_rows(None, 100) if e["action"] == "export"] == []


def test_a_card_naming_another_holder_than_the_vault_s_signs_nothing(
        ctx, other_physician_card, tmp_path):
    other_physician_card.insert()
    door = VaultDoor(tmp_path / "aucun-coffre",
                     card_module=Path(other_physician_card.module_path))
    with pytest.raises(token.CardError, match="pas le titulaire"), door.document_signer(
            other_physician_card.reader, other_physician_card.pin, ctx):
        pass


def test_only_a_card_that_says_it_is_the_development_card_receives_its_select(
        card_reader, physician_tokens):
    card = PhysicianCard(card_reader, next(iter(physician_tokens.values())),
                         atr=make_atr(b"CPS3-FR-TEST"))
    card.insert()
    try:
        assert development.card_serial(card.reader) is None
        assert card.emulator.apdus == []
    finally:
        card.remove()


def test_a_release_build_never_talks_to_the_development_card(physician_card, monkeypatch):
    physician_card.insert()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert development.card_serial(physician_card.reader) is None
    assert physician_card.emulator.apdus == []
