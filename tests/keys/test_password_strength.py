"""The degraded-mode password: judged on its patterns, typed in any Unicode form (AUTH-3)."""

import pytest

from cabinet.domain.password import REQUIRED_BITS, assess
from cabinet.errors import InvalidInput
from cabinet.keys.header import KeyHeader
from cabinet.keys.password import set_password_slot
from cabinet.keys.strength import pattern_bits
from cabinet.keys.wrapping import new_data_key
from helpers.secret_store import MemorySecretStore


@pytest.mark.parametrize("password", [
    "aZ9!aZ9!aZ9!aZ9!",          # one random block repeated: 106 bits by the alphabet alone
    "Kx7!pQ2#Kx7!pQ2#",          # a strong block, repeated
    "abcdefghijklmnop12345678",  # two sequences
    "azertyuiop!!qsdfghjklm",    # keyboard rows
    "Football2024Baseball1999",  # dictionary words and years
])
def test_patterns_are_not_counted_as_random_characters(password: str) -> None:
    strength = assess(password, estimate=pattern_bits)
    assert not strength.acceptable
    assert strength.bits < REQUIRED_BITS
    assert "motifs prévisibles" in strength.explanation()


def test_the_reported_repetition_scores_what_one_block_and_its_count_are_worth() -> None:
    # 4 characters from the 99-character alphabet (26.5 bits), repeated 4 times (2 bits).
    assert round(pattern_bits("aZ9!aZ9!aZ9!aZ9!")) == 29


@pytest.mark.parametrize(("password", "bits"), [
    ("qH0*ajn?ez0L", 80),     # CNIL's 12 characters of four kinds
    ("Kx7pQ2mRw9TbZ4", 83),   # CNIL's 14 characters of three kinds
])
def test_random_passwords_keep_the_cnil_table_figures(password: str, bits: int) -> None:
    strength = assess(password, estimate=pattern_bits)
    assert strength.acceptable and strength.bits == bits


def test_a_long_passphrase_with_words_is_accepted() -> None:
    assert assess("Vx9#Tarte-aux-Quetsches!Brq27", estimate=pattern_bits).acceptable


def test_the_slot_refuses_a_repeated_block() -> None:
    header = KeyHeader(vault_id="v-1", created_at="t", demo=False, audit_public_key="")
    store = MemorySecretStore()
    with pytest.raises(InvalidInput, match="motifs prévisibles"):
        set_password_slot(header, new_data_key(), "aZ9!aZ9!aZ9!aZ9!", created_at="t",
                          store=store)
    assert header.slots == []


def test_a_short_chance_keyboard_walk_costs_a_random_password_a_few_bits() -> None:
    # "Q2#" neighbours on a keyboard: patterns shorter than 4 characters are ignored.
    assert round(pattern_bits("Kx7!pQ2#mRw9")) == 80
