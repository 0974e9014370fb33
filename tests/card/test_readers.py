"""A PKCS#11 slot is matched to the PC/SC reader in every form middlewares write its name."""

import pytest

from cabinet.card.readers import describes
from helpers.pcsc_stack import LONG_READER

READER = f"{LONG_READER} 00 00"  # 86 characters: more than a slot description holds


@pytest.mark.parametrize("description", [
    READER[:61] + "...",  # OpenSC: the start, then "..."
    READER[:30] + "..." + READER[-31:],  # Cryptolib CPS: both ends around "..."
    READER[:64],  # cut at 64 characters
])
def test_a_long_reader_name_cut_by_a_middleware_still_names_its_reader(description):
    assert describes(description, READER)


def test_a_short_name_matches_whole_even_blank_padded():
    assert describes("Virtual PCD 00 00".ljust(64), "Virtual PCD 00 00")
    assert not describes("Virtual PCD 00 00".ljust(64), "Virtual PCD 00 01")


def test_another_reader_or_a_mere_substring_does_not_match():
    other = f"{LONG_READER} 00 01"
    assert not describes(READER[:30] + "..." + READER[-31:], other)
    assert not describes("SoftHSM slot ID 0x1", READER)
    assert not describes("Virtual PCD 00 00 and more", "Virtual PCD 00 00")
