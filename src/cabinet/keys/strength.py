"""A pattern-aware estimate of the degraded-mode password's entropy (CNIL 80-bit rule).

zxcvbn finds what an attacker tries first: repeated blocks, sequences (abcd, 1234), keyboard
rows, dates, l33t and words from its dictionaries, each with the guesses it costs. The
password is worth its cheapest reading as such patterns and random characters, a random
character counting as in CNIL's table (log2 of the alphabet in use). A password without
patterns therefore scores what the table says; a repeated block scores one block.
"""

import math
from typing import TYPE_CHECKING

from zxcvbn import matching, scoring

from cabinet.domain.password import bits_per_character

if TYPE_CHECKING:
    from zxcvbn.matching import _Match

MIN_PATTERN_LENGTH = 4


def pattern_bits(password: str) -> float:
    """Bits of the cheapest reading of `password` as patterns and random characters."""
    per_character = bits_per_character(password)
    ending_at: dict[int, list[tuple[int, float]]] = {}
    for match in matching.omnimatch(password):
        if match["j"] - match["i"] + 1 < MIN_PATTERN_LENGTH:
            continue
        ending_at.setdefault(match["j"], []).append((match["i"], _match_bits(match, password)))
    best = [0.0]
    for end in range(len(password)):
        cheapest = best[end] + per_character
        for start, bits in ending_at.get(end, []):
            cheapest = min(cheapest, best[start] + bits)
        best.append(cheapest)
    return best[-1]


def _match_bits(match: "_Match", password: str) -> float:
    """A repeated block is worth the block and its count; other patterns zxcvbn's guesses."""
    if match["pattern"] == "repeat":
        return pattern_bits(match["base_token"]) + math.log2(match["repeat_count"])
    return math.log2(scoring.estimate_guesses(match, password))
