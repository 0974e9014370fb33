"""An archive encrypted to the successor's certificate opens with the successor's card (CONT-3),
through a real pcscd, a virtual card and a SoftHSM2 token; another card cannot open it."""

from pathlib import Path

import pytest

from cabinet.archive.container import Recipient, key_opener
from cabinet.archive.reader import ArchiveReader
from cabinet.bootstrap import VaultDoor
from cabinet.errors import KnownError
from helpers import archives
from helpers.records import marked_practice


def test_the_successors_card_opens_the_archive_and_another_card_does_not(
        ctx, tmp_path, physician_card, other_physician_card):
    marked_practice(ctx)
    certificate = physician_card.certificate
    path = archives.export(ctx, tmp_path / "media", Recipient(certificate=certificate))

    other_physician_card.insert()
    door = VaultDoor(tmp_path / "aucun", card_module=Path(other_physician_card.module_path))
    with door.archive_decrypter(other_physician_card.reader, other_physician_card.pin) as wrong, \
            pytest.raises(KnownError, match=r"autre carte|quelqu'un d'autre"):
        ArchiveReader.open(path, key_opener(decrypter=wrong))
    other_physician_card.remove()

    physician_card.insert()
    door = VaultDoor(tmp_path / "aucun", card_module=Path(physician_card.module_path))
    with door.archive_decrypter(physician_card.reader, physician_card.pin) as decrypt:
        reader = ArchiveReader.open(path, key_opener(decrypter=decrypt))
    assert reader.check().patients == 2
    reader.close()


def test_a_wrong_pin_is_refused_before_any_decryption(ctx, tmp_path, physician_card):
    physician_card.insert()
    door = VaultDoor(tmp_path / "aucun", card_module=Path(physician_card.module_path))
    with pytest.raises(KnownError, match="PIN"), door.archive_decrypter(physician_card.reader,
                                                                         "0000"):
        pass
