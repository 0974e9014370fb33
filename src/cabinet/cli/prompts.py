"""What a command asks at the terminal: secrets unseen, lines and texts that a pipe can give.

Secrets are asked on the terminal, never taken from arguments or the environment, so they
never appear in a command line or a shell history. Prompts go to standard error: standard
output holds what the command reports.
"""

import getpass
import sys
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cabinet.keys.card import CardHolder


def ask_secret(prompt: str) -> str:
    """Read a secret from the terminal, or one line of standard input when it is a pipe."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return ask_line(prompt)


class TerminalPin:
    """The card's PIN typed at the terminal, after its notice; an empty line gives none.

    The card code calls `get_pin` only once the token's flags allow it (`PinHandler`).
    """

    def __init__(self, prompt: str = "Code PIN de la carte CPS : ") -> None:
        self.prompt = prompt

    def get_pin(self, notice: str) -> str | None:
        """The PIN typed after `notice` (tries running out), or None for an empty line."""
        if notice:
            print(notice, file=sys.stderr)
        return ask_secret(self.prompt) or None


def ask_line(prompt: str) -> str:
    """One line, typed or piped."""
    print(prompt, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().rstrip("\n")


def ask_text(prompt: str) -> str:
    """Several lines, up to an empty line (or the end of what is piped)."""
    print(f"{prompt} (terminez par une ligne vide)", file=sys.stderr, flush=True)
    lines = []
    while (line := sys.stdin.readline()) and line.strip():
        lines.append(line.rstrip("\n"))
    return "\n".join(lines)


def confirmed(prompt: str) -> bool:
    """Whether « OUI » was typed: nothing irreversible happens on a mere Entrée."""
    return ask_line(prompt).strip() == "OUI"


def confirm_outside_igc_sante(holder: "CardHolder") -> bool:
    """The typed « hors IGC-Santé » confirmation for a card no IGC-Santé authority vouches for."""
    print(f"La carte de {holder.name} (RPPS {holder.rpps}) n'est pas émise par l'IGC-Santé "
          "(carte de test, de développement ou étrangère) : elle ne prouve pas que son "
          "titulaire est un professionnel de santé.", file=sys.stderr)
    try:
        answer = input("Pour l'enregistrer quand même, tapez HORS IGC-SANTÉ : ")
    except EOFError:
        return False
    unaccented = unicodedata.normalize("NFKD", answer).encode("ascii", "ignore").decode()
    return " ".join(unaccented.upper().split()) == "HORS IGC-SANTE"
