"""The card test stack itself works: real pcscd + vpcd + card emulator, real SoftHSM2 token.

These tests prove the infrastructure the smart-card tests rely on (DESIGN.md §3): nothing
here tests the app. Run alone with `uv run pytest tests/card -q`.
"""

import time

import pkcs11
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from smartcard.System import readers

from helpers.pcsc_stack import watch_cards
from helpers.softhsm_token import sha256_digest_info, sign
from helpers.virtual_card import APPLICATION_AID, EF_HOLDER, VirtualCard

DETECTION_BUDGET = 1.0  # seconds: removing the card must lock the app within one second


def transmit(reader_name, apdu):
    """Send one APDU through pyscard; return (data, sw1 << 8 | sw2)."""
    reader = next(reader for reader in readers() if str(reader) == reader_name)
    connection = reader.createConnection()
    connection.connect()
    try:
        data, sw1, sw2 = connection.transmit(list(apdu))
        return bytes(data), sw1 << 8 | sw2
    finally:
        connection.disconnect()


def select(aid):
    return bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid


def test_pyscard_lists_the_vpcd_readers(card_reader):
    names = [str(reader) for reader in readers()]
    assert set(card_reader.reader_names) <= set(names)


def test_insertion_and_removal_are_seen_by_a_card_monitor_within_a_second(physician_card):
    with watch_cards() as events:
        started = time.monotonic()
        physician_card.insert(wait=False)
        inserted = events.wait_for("inserted", physician_card.reader, after=started)
        insert_delay = inserted.at - started

        started = time.monotonic()
        physician_card.remove(wait=False)
        removed = events.wait_for("removed", physician_card.reader, after=started)
        remove_delay = removed.at - started

    print(f"card monitor: insertion seen after {insert_delay:.3f} s, "
          f"removal after {remove_delay:.3f} s")
    assert insert_delay < DETECTION_BUDGET
    assert remove_delay < DETECTION_BUDGET
    assert inserted.atr == physician_card.atr


def test_the_atr_read_through_pyscard_is_the_emulators(physician_card):
    physician_card.insert()
    reader = next(reader for reader in readers() if str(reader) == physician_card.reader)
    connection = reader.createConnection()
    connection.connect()
    try:
        assert bytes(connection.getATR()) == physician_card.atr
    finally:
        connection.disconnect()


def test_apdus_through_pyscard_get_the_emulators_answers(physician_card):
    physician_card.insert()
    assert transmit(physician_card.reader, select(b"\xa0\x00\x00\x00\x00")) == (b"", 0x6A82)
    data, status = transmit(physician_card.reader, select(APPLICATION_AID))
    assert status == 0x9000
    assert APPLICATION_AID in data

    # One connection per APDU above; the selection lasts within one connection only.
    reader = next(reader for reader in readers() if str(reader) == physician_card.reader)
    connection = reader.createConnection()
    connection.connect()
    try:
        def send(apdu):
            data, sw1, sw2 = connection.transmit(list(apdu))
            return bytes(data), sw1 << 8 | sw2

        assert send(b"\x80\x10\x00\x00\x00")[1] == 0x6985  # identify before SELECT
        assert send(select(APPLICATION_AID))[1] == 0x9000
        assert send(b"\x00\xca\x00\x5a\x00") == (physician_card.serial.encode(), 0x9000)
        assert send(b"\x00\xa4\x02\x0c\x02" + EF_HOLDER.to_bytes(2, "big"))[1] == 0x9000
        assert send(b"\x00\xb0\x00\x00\x00") == (physician_card.holder.encode("utf-8"), 0x9000)
        identity, status = send(b"\x80\x10\x00\x00\x00")
        assert status == 0x9000
        assert physician_card.rpps.encode() in identity
        assert send(b"\x00\x2a\x9e\x9a\x00")[1] == 0x6D00  # no crypto on the emulator
    finally:
        connection.disconnect()


def test_emulator_answers_without_a_reader():
    card = VirtualCard(port=0, serial="42")
    assert card.respond(b"\x00\xb0\x00\x00\x00") == b"\x69\x86"
    assert card.respond(b"\x00\xa4") == b"\x67\x00"
    assert card.respond(b"\x10\xa4\x04\x00\x01\x00") == b"\x6e\x00"


def test_the_token_signs_a_digest_info_that_the_certificate_verifies(physician_card):
    challenge = b"defi du coffre"
    with physician_card.open_session() as session:
        signature = sign(session, challenge)
        again = sign(session, challenge)
    assert signature == again  # PKCS#1 v1.5 is deterministic: the key-slot design needs it
    public_key = physician_card.certificate.public_key()
    public_key.verify(signature, challenge, padding.PKCS1v15(), hashes.SHA256())
    assert len(sha256_digest_info(challenge)) == 51
    subject = physician_card.certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Dr Jeanne Martin"
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "10101010101"


def test_the_certificate_and_key_are_on_the_token(physician_card):
    with physician_card.open_session() as session:
        stored = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label="auth")
        assert stored[pkcs11.Attribute.SENSITIVE] is True
        assert stored[pkcs11.Attribute.EXTRACTABLE] is False
        certificate = next(session.get_objects({
            pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
            pkcs11.Attribute.LABEL: "auth"}))
        assert certificate[pkcs11.Attribute.VALUE] == (
            physician_card.certificate.public_bytes(Encoding.DER))
    token = pkcs11.lib(physician_card.module_path).get_token(
        token_label=physician_card.token_label)
    assert token.serial.decode().strip() == physician_card.serial


def test_a_wrong_pin_is_refused_by_the_token(physician_card):
    with pytest.raises(pkcs11.exceptions.PinIncorrect):
        physician_card.open_session(pin="0000")
    with physician_card.open_session() as session:  # the right PIN still works afterwards
        assert sign(session, b"x")


def test_another_physicians_card_has_its_own_certificate(physician_card, other_physician_card):
    assert other_physician_card.certificate != physician_card.certificate
    assert other_physician_card.certificate.public_key().public_numbers() != (
        physician_card.certificate.public_key().public_numbers())
    assert other_physician_card.serial != physician_card.serial
    assert other_physician_card.rpps != physician_card.rpps

    physician_card.insert()
    with pytest.raises(RuntimeError, match="already holds a card"):
        other_physician_card.insert()
    physician_card.remove()
    other_physician_card.insert()
    assert transmit(other_physician_card.reader, select(APPLICATION_AID))[1] == 0x9000
    with other_physician_card.open_session() as session:
        signature = sign(session, b"challenge")
    with pytest.raises(InvalidSignature):
        physician_card.certificate.public_key().verify(
            signature, b"challenge", padding.PKCS1v15(), hashes.SHA256())


def test_pcscd_can_be_stopped_and_started_again(card_reader, physician_card):
    """For the "pcscd stopped while unlocked" tests: same readers and ports afterwards."""
    from smartcard.pcsc.PCSCExceptions import EstablishContextException

    physician_card.insert()
    card_reader.stop()
    with pytest.raises(EstablishContextException):
        readers()
    physician_card.remove(wait=False)
    card_reader.start()
    assert set(card_reader.reader_names) <= {str(reader) for reader in readers()}
    physician_card.insert()
    assert transmit(physician_card.reader, select(APPLICATION_AID))[1] == 0x9000
