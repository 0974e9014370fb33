"""The RPPS rule: 11 digits, Luhn key last.

The valid numbers were computed by hand with the Luhn algorithm (double every second digit
from the right of the first ten, subtract 9 above 9, the key completes the sum to a multiple
of 10); e.g. 1010101010 → doubled zeros and five ones sum to 5, key 5.
"""

import pytest

from cabinet.domain.rpps import is_valid_rpps, luhn_valid

VALID = ["10101010105", "10000000009", "19999999998", "10023456782", "10001234565"]


@pytest.mark.parametrize("number", VALID)
def test_numbers_with_their_luhn_key_are_valid(number):
    assert is_valid_rpps(number)


@pytest.mark.parametrize("number", [
    "10101010101",  # wrong key
    "10101010106",  # key off by one
    "01101010105",  # two neighbouring digits swapped
    "10023456728",  # the key swapped with its neighbour
    "1010101010",  # 10 digits
    "101010101050",  # 12 digits
    "1010101010a",
    "10101 010105",
    "１０１０１０１０１０５",  # full-width digits look right but are not ASCII
    "",
])
def test_a_mistyped_or_malformed_number_is_refused(number):
    assert not is_valid_rpps(number)


def test_luhn_accepts_the_textbook_example_and_refuses_a_changed_digit():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("")
