"""The CNIL strength rule for the degraded-mode password (AUTH-3).

CNIL's recommendation (délibération 2022-100) asks for at least 80 bits of entropy when a
password alone protects access: for instance 12 characters mixing lower case, upper case,
digits and special characters, or 14 characters without special characters. A random
character is worth log2(size of the alphabet in use), as in CNIL's own table; the estimator
that finds patterns (repeats, sequences, keyboard rows, words, dates) is given by the caller,
so the domain stays free of third-party code. Passwords made of one or two repeated
characters or holding a known weak word are refused whatever the estimate.
"""

import math
import string
from collections.abc import Callable
from dataclasses import dataclass

REQUIRED_BITS = 80
_CLASSES: tuple[tuple[str, int, str], ...] = (
    ("lower", 26, "des minuscules"),
    ("upper", 26, "des majuscules"),
    ("digit", 10, "des chiffres"),
    ("special", 37, "des caractères spéciaux (au moins 37 possibles)"),
)
_WEAK_WORDS = ("motdepasse", "password", "azerty", "qwerty", "123456", "cabinet", "medecin")


@dataclass(frozen=True)
class Strength:
    """The verdict on a password: its estimated entropy and, if too weak, why in French."""

    bits: int
    problems: tuple[str, ...]

    @property
    def acceptable(self) -> bool:
        """True when the password meets the CNIL rule."""
        return not self.problems

    def explanation(self) -> str:
        """One French paragraph telling what is missing, or that all is well."""
        if self.acceptable:
            return f"Mot de passe conforme à la recommandation de la CNIL ({self.bits} bits)."
        return " ".join(self.problems)


def _class_of(char: str) -> str:
    if char in string.ascii_lowercase or (char.isalpha() and char.islower()):
        return "lower"
    if char in string.ascii_uppercase or (char.isalpha() and char.isupper()):
        return "upper"
    if char.isdigit():
        return "digit"
    return "special"


def bits_per_character(password: str) -> float:
    """What one random character is worth: log2 of the CNIL alphabet `password` uses."""
    pool = sum(size for name, size, _ in _CLASSES if name in {_class_of(c) for c in password})
    return math.log2(pool) if pool else 0.0


def alphabet_bits(password: str) -> float:
    """CNIL's table: length × log2(alphabet), as if every character were drawn at random."""
    return len(password) * bits_per_character(password)


def assess(password: str, *, estimate: Callable[[str], float]) -> Strength:
    """Judge `password` by the bits `estimate` gives it; explain in French what it lacks."""
    used = {_class_of(c) for c in password}
    estimated = estimate(password)
    bits = round(estimated)
    problems: list[str] = []
    lowered = password.casefold()
    if password and len(set(password)) <= 2:
        problems.append("Le mot de passe répète un ou deux caractères seulement.")
    if any(word in lowered for word in _WEAK_WORDS):
        problems.append("Le mot de passe contient un mot trop courant.")
    if bits < REQUIRED_BITS and bits < round(alphabet_bits(password)):
        problems.append("Le mot de passe contient des motifs prévisibles (répétitions, suites, "
                        "rangées du clavier, mots ou dates courants) : ils comptent peu.")
    if bits < REQUIRED_BITS:
        missing = [label for name, _, label in _CLASSES if name not in used]
        per_char = bits_per_character(password) or math.log2(26)
        extra = math.ceil((REQUIRED_BITS - 0.5 - estimated) / per_char)
        advice = f"ajoutez au moins {max(extra, 1)} caractère(s)"
        if missing:
            advice += " ou ajoutez " + ", ".join(missing)
        problems.append(
            f"Force estimée : {bits} bits sur les {REQUIRED_BITS} demandés par la CNIL ; "
            f"{advice}. Par exemple : 12 caractères avec minuscules, majuscules, chiffres "
            "et caractères spéciaux, ou 14 caractères sans caractère spécial."
        )
    return Strength(bits=bits, problems=tuple(problems))
