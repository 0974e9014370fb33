"""The drug base's refusals, in French for the physician, never quoting more than one value.

A release folder is the physician's download: what is wrong with it is said with the file, the
line and the offending value, so the physician can tell a bad download from a changed format.
"""

from cabinet.domain.record import french_number
from cabinet.errors import KnownError

VALUE_SHOWN = 40  # characters of an offending value quoted in a message, at most


class ReleaseRefused(KnownError):
    """A BDPM release that cannot be imported whole; the base in place is kept."""


class DrugBaseUnusable(KnownError):
    """The drug base on disk is missing or damaged; the shipped release replaces it."""


def quoted(value: str) -> str:
    """« value », cut to a few dozen characters: a message never carries a file's content."""
    shown = value if len(value) <= VALUE_SHOWN else value[:VALUE_SHOWN] + "…"
    return f"« {shown} »"


def refused(file: str, line: int | None, problem: str) -> ReleaseRefused:
    """« CIS_CIP_bdpm.txt, ligne 1 203 : le code CIP13 … n'a pas 13 chiffres. »."""
    where = file if line is None else f"{file}, ligne {french_number(line)}"
    return ReleaseRefused(f"{where} : {problem}.")
