"""The RPPS number: 11 digits whose last one is a Luhn check digit.

A signed document must name its prescriber by a number a pharmacist can check; a typo in one
digit, or two neighbouring digits swapped, breaks the Luhn key and is refused at once.
"""

import re

RPPS_LENGTH = 11


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits ends with its Luhn check digit."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def is_valid_rpps(value: str) -> bool:
    """Exactly 11 digits, the last being the Luhn key."""
    return re.fullmatch(rf"[0-9]{{{RPPS_LENGTH}}}", value) is not None and luhn_valid(value)
