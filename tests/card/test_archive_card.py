"""An archive encrypted to the successor's certificate opens with the successor's card (CONT-3),
through a real pcscd, a virtual card and a SoftHSM2 token; another card is refused before its
PIN is asked."""

from pathlib import Path

import pytest
from cryptography import x509

from cabinet.archive.container import Recipient, key_opener
from cabinet.archive.reader import ArchiveReader
from cabinet.bootstrap import VaultDoor
from cabinet.card.token import CardError
from cabinet.errors import KnownError
from helpers import archives
from helpers.certificates import card_certificate
from helpers.records import marked_practice


def door_for(card, tmp_path) -> VaultDoor:
    card.insert()
    return VaultDoor(tmp_path / "aucun", card_module=Path(card.module_path))


def test_the_successors_card_opens_the_archive_and_another_card_is_never_asked_its_pin(
        ctx, tmp_path, physician_card, other_physician_card):
    marked_practice(ctx)
    certificate = physician_card.certificate
    path = archives.export(ctx, tmp_path / "media", Recipient(certificate=certificate))

    asked = []
    door = door_for(other_physician_card, tmp_path)
    with pytest.raises(CardError) as refused, door.archive_decrypter(
            other_physician_card.reader, certificate, asked.append):
        pass
    assert asked == []
    assert refused.value.message.startswith(
        "La carte insérée est celle de Dr Paul Durand ; son code PIN n'a pas été demandé. "
        "Cette archive n'est pas chiffrée pour la carte insérée")
    other_physician_card.remove()

    door = door_for(physician_card, tmp_path)
    with door.archive_decrypter(physician_card.reader, certificate,
                                lambda notice: asked.append(notice) or physician_card.pin
                                ) as decrypt:
        reader = ArchiveReader.open(path, key_opener(decrypter=decrypt))
    assert asked == [""]  # asked once, with no warning: the card has all its tries
    assert reader.check().patients == 2
    reader.close()


def test_an_archive_for_the_holders_previous_card_is_refused_before_the_pin(
        tmp_path, physician_card):
    _, previous = card_certificate(physician_card.holder, physician_card.rpps)
    door = door_for(physician_card, tmp_path)
    with pytest.raises(CardError, match="une autre carte de Dr Jeanne Martin"), \
            door.archive_decrypter(physician_card.reader, x509.load_der_x509_certificate(
                previous), lambda notice: pytest.fail("PIN asked")):
        pass


def test_a_wrong_pin_is_refused_before_any_decryption(tmp_path, physician_card):
    door = door_for(physician_card, tmp_path)
    with pytest.raises(KnownError, match="PIN"), door.archive_decrypter(
            physician_card.reader, physician_card.certificate, lambda notice: "0000"):
        pass


def test_a_cancelled_pin_opens_nothing(tmp_path, physician_card):
    door = door_for(physician_card, tmp_path)
    with door.archive_decrypter(physician_card.reader, physician_card.certificate,
                                lambda notice: None) as decrypt:
        assert decrypt is None
