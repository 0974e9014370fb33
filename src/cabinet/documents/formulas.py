"""The customary formulas of a certificate and a letter, offered as text the physician edits.

They are never added behind the physician's back: the form starts with them, agreed with the
patient's recorded sex and the physician's civility, and what the physician leaves is exactly
what is printed and signed.
"""

from dataclasses import dataclass

from cabinet.domain.agreement import born_on, the_person, undersigned
from cabinet.domain.identity import Identity

LETTER_GREETING = "Cher confrère, chère consœur,"
LETTER_CLOSING = ("Je vous prie de croire, cher confrère, chère consœur, à l'assurance de mes "
                  "sentiments confraternels.")


@dataclass(frozen=True)
class Formula:
    """An opening and a closing, with an empty paragraph between them for the physician."""

    opening: str
    closing: str

    def text(self) -> str:
        """The starting text of the form."""
        return f"{self.opening}\n\n\n\n{self.closing}"

    def cursor(self) -> int:
        """Where typing starts: the empty paragraph in the middle."""
        return len(self.opening) + 2

    def untouched(self, typed: str) -> bool:
        """Whether `typed` is only the formula, nothing written between."""
        return " ".join(typed.split()) == " ".join(self.text().split())


def certificate(physician: str, physician_sex: str, identity: Identity) -> Formula:
    """« Je soussignée, Dr …, certifie avoir examiné ce jour …, née le … » and its closing."""
    return Formula(
        f"{undersigned(physician_sex, physician)} certifie avoir examiné ce jour "
        f"{identity.display_name()}, {born_on(identity.sex.value, identity.birth_date)}.",
        f"Certificat établi à la demande de {the_person(identity.sex.value)} et remis en main "
        "propre pour faire valoir ce que de droit.")


def letter() -> Formula:
    """The greeting and the closing of a letter to a colleague."""
    return Formula(LETTER_GREETING, LETTER_CLOSING)
