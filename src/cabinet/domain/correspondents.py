"""The address book of correspondents, and the directory extraction it can be filled from.

A correspondent is a colleague or a service a letter goes to: name, specialty, RPPS, postal
address, phone and secure-messaging (MSSanté) address, and the certificate a transmission to
them is encrypted for. The public directory of health
professionals (« Annuaire Santé », RPPS extraction) is read as a CSV whose columns are named
in its header; every row is checked before anything is kept, and a file with a bad row is
refused whole, each bad row named with its line number.
"""

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from cabinet.domain.rpps import is_valid_rpps

MSSANTE = re.compile(r"^[^@\s]+@([a-z0-9-]+\.)*mssante\.fr$", re.IGNORECASE)
PHONE = re.compile(r"^\+?[0-9 .]{6,20}$")
MAX_FIELD = 300
MAX_ROWS = 200_000
MAX_SHOWN_PROBLEMS = 20

# The directory's column names (as in the RPPS « PS_LibreAcces_Personne_activite » extraction)
REQUIRED_COLUMNS = ("Identifiant PP", "Nom d'exercice")
COLUMNS = {
    "rpps": "Identifiant PP",
    "title": "Libellé civilité d'exercice",
    "last_name": "Nom d'exercice",
    "first_name": "Prénom d'exercice",
    "profession": "Libellé profession",
    "specialty": "Libellé savoir-faire",
    "number": "Numéro Voie (coord. structure)",
    "repeat": "Indice répétition voie (coord. structure)",
    "way_type": "Libellé type de voie (coord. structure)",
    "way": "Libellé Voie (coord. structure)",
    "extra": "Mention distribution (coord. structure)",
    "postal_code": "Code postal (coord. structure)",
    "city": "Libellé commune (coord. structure)",
    "phone": "Téléphone (coord. structure)",
    "mssante": "Adresse BAL MSSanté",
}


class CorrespondentError(ValueError):
    """A correspondent or a directory row cannot be kept; the message is French."""


@dataclass(frozen=True)
class Correspondent:
    """One entry of the address book (`id` 0 until stored)."""

    name: str
    specialty: str = ""
    rpps: str = ""
    address: str = ""
    phone: str = ""
    mssante: str = ""
    id: int = 0
    certificate: bytes = b""  # their encryption certificate (PEM or DER), for a transmission

    def address_block(self) -> str:
        """The lines a letter's recipient block prints: name, specialty, address."""
        return "\n".join(p for p in (self.name, self.specialty, self.address) if p)

    def label(self) -> str:
        """One line for lists: name, specialty, town."""
        town = self.address.rsplit("\n", 1)[-1] if self.address else ""
        return " — ".join(p for p in (self.name, self.specialty, town) if p)


def checked(person: Correspondent) -> Correspondent:
    """The correspondent with its fields trimmed, or `CorrespondentError` naming every mistake."""
    def tidy(value: str) -> str:
        return " ".join(value.split())

    person = replace(person, name=tidy(person.name), specialty=tidy(person.specialty),
                     rpps=tidy(person.rpps), phone=tidy(person.phone),
                     mssante=tidy(person.mssante),
                     address="\n".join(tidy(line) for line in person.address.splitlines()
                                       if line.strip()))
    problems: list[str] = []
    if not person.name:
        problems.append("Le nom du correspondant est obligatoire.")
    if person.rpps and not is_valid_rpps(person.rpps):
        problems.append("Le numéro RPPS doit compter 11 chiffres dont une clé valide.")
    if person.phone and not PHONE.match(person.phone):
        problems.append("Le téléphone ne doit contenir que des chiffres.")
    if person.mssante and not MSSANTE.match(person.mssante):
        problems.append("L'adresse MSSanté doit être une adresse de messagerie sécurisée de "
                        "santé (…@….mssante.fr).")
    if any(len(getattr(person, f)) > MAX_FIELD for f in ("name", "specialty", "address")):
        problems.append(f"Un champ dépasse {MAX_FIELD} caractères.")
    if problems:
        raise CorrespondentError(" ".join(problems))
    return person


def _row_to_correspondent(row: Mapping[str, str]) -> Correspondent:
    value = {key: " ".join((row.get(column) or "").split()) for key, column in COLUMNS.items()}
    name = " ".join(p for p in (value["title"], value["first_name"], value["last_name"]) if p)
    street = " ".join(p for p in (value["number"], value["repeat"], value["way_type"],
                                  value["way"]) if p)
    town = " ".join(p for p in (value["postal_code"], value["city"]) if p)
    return Correspondent(name=name, specialty=value["specialty"] or value["profession"],
                         rpps=value["rpps"], phone=value["phone"], mssante=value["mssante"],
                         address="\n".join(p for p in (street, value["extra"], town) if p))


def _rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorrespondentError("Le fichier n'est pas en UTF-8 : exportez l'extraction de "
                                 "l'Annuaire Santé telle quelle.") from None
    first = text.split("\n", 1)[0]
    delimiter = "|" if first.count("|") >= first.count(";") else ";"
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CorrespondentError("Colonnes absentes de l'en-tête : " + ", ".join(
            f"« {c} »" for c in missing) + ". Ce n'est pas une extraction de l'Annuaire Santé.")
    for row in reader:
        yield reader.line_num, row


def read_directory(data: bytes) -> list[Correspondent]:
    """The correspondents of a directory extraction, first activity of each RPPS kept.

    Refused whole (French, each bad row's line named) if any row is wrong.
    """
    found: dict[str, Correspondent] = {}
    problems: list[str] = []
    for line, row in _rows(data):
        if len(found) + len(problems) >= MAX_ROWS:
            raise CorrespondentError(f"Le fichier dépasse {MAX_ROWS} lignes : importez une "
                                     "extraction limitée à votre région.")
        if None in row or any(v is None for v in row.values()):
            problems.append(f"ligne {line} : nombre de colonnes incorrect")
            continue
        try:
            person = checked(_row_to_correspondent(row))
        except CorrespondentError as error:
            problems.append(f"ligne {line} : {error}")
            continue
        if not person.rpps:
            problems.append(f"ligne {line} : numéro RPPS absent")
            continue
        found.setdefault(person.rpps, person)
    if problems:
        shown = problems[:MAX_SHOWN_PROBLEMS]
        more = len(problems) - len(shown)
        raise CorrespondentError(
            "Import refusé, rien n'a été enregistré :\n" + "\n".join(shown)
            + (f"\n… et {more} autre(s) ligne(s) en erreur." if more else ""))
    if not found:
        raise CorrespondentError("Le fichier ne contient aucun professionnel.")
    return list(found.values())
