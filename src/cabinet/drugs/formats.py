"""The seven BDPM files as the ANSM's format document (v4, 27/08/2025) describes them.

Each file is tab-separated, without header; each column has a check that returns what is
wrong with a value in French, or None. The official files end some lines with one more, empty
column: it is tolerated. Which files a release must have: the five that prescribing needs
(specialities, presentations, compositions, conditions, generic groups); the shortages and the
drugs of major therapeutic interest are read when present.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from cabinet.drugs.errors import quoted

Check = Callable[[str], str | None]

SPECIALITIES = "CIS_bdpm.txt"
PRESENTATIONS = "CIS_CIP_bdpm.txt"
COMPOSITIONS = "CIS_COMPO_bdpm.txt"
CONDITIONS = "CIS_CPD_bdpm.txt"
GENERICS = "CIS_GENER_bdpm.txt"
SHORTAGES = "CIS_CIP_Dispo_Spec.txt"
MAJOR_INTEREST = "CIS_MITM.txt"

_PRICE = re.compile(r"\d{1,3}(?:,\d{3})*,\d{2}|\d+,\d{2}")
_RATE = re.compile(r"\d{1,3} ?%(?: ?; ?\d{1,3} ?%)*")
_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_ATC = re.compile(r"[A-Z](?:\d\d(?:[A-Z](?:[A-Z](?:\d\d)?)?)?)?")


def _digits(label: str, count: int, prefix: str = "") -> Check:
    def check(value: str) -> str | None:
        if not (value.isascii() and value.isdigit() and len(value) == count):
            return f"le code {label} {quoted(value)} n'a pas {count} chiffres"
        if not value.startswith(prefix):
            return f"le code {label} {quoted(value)} ne commence pas par {prefix}"
        return None
    return check


def _optional(check: Check) -> Check:
    return lambda value: None if value == "" else check(value)


def _number(label: str) -> Check:
    return lambda value: None if value.isascii() and value.isdigit() else \
        f"{label} {quoted(value)} n'est pas un nombre entier"


def _one_of(label: str, allowed: tuple[str, ...]) -> Check:
    said = ", ".join(f"« {a} »" for a in allowed)
    return lambda value: None if value in allowed else \
        f"{label} {quoted(value)} n'est pas l'une des valeurs prévues ({said})"


def _filled(label: str) -> Check:
    return lambda value: None if value.strip() else f"{label} est vide"


def _anything(_: str) -> str | None:
    return None


def date_problem(value: str) -> str | None:
    """A dd/mm/yyyy date that exists."""
    match = _DATE.fullmatch(value)
    if match is None:
        return f"la date {quoted(value)} n'est pas au format JJ/MM/AAAA"
    day, month, year = (int(part) for part in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        return f"la date {quoted(value)} n'existe pas"
    return None


def _price(value: str) -> str | None:
    return None if _PRICE.fullmatch(value) else \
        f"le prix {quoted(value)} n'est pas un montant en euros à virgule décimale"


def _rate(value: str) -> str | None:
    return None if _RATE.fullmatch(value) else \
        f"le taux de remboursement {quoted(value)} n'a pas la forme « 65% »"


def _atc(value: str) -> str | None:
    return None if _ATC.fullmatch(value) else f"le code ATC {quoted(value)} est mal formé"


CIS = _digits("CIS", 8)
CIP7 = _digits("CIP7", 7)
CIP13 = _digits("CIP13", 13, "34009")
DATE = date_problem
OPTIONAL_DATE = _optional(date_problem)


@dataclass(frozen=True)
class FileFormat:
    """One BDPM file: its name, whether a release must have it, and its columns' checks."""

    name: str
    required: bool
    columns: tuple[Check, ...]
    cis_column: int  # the column naming the speciality (CIS) the line belongs to


FORMATS = (
    FileFormat(SPECIALITIES, True, (
        CIS, _filled("la dénomination"), _anything, _anything, _filled("le statut de l'AMM"),
        _anything, _one_of("l'état de commercialisation",
                           ("Commercialisée", "Non commercialisée")),
        DATE, _anything, _anything, _anything,
        _one_of("la surveillance renforcée", ("Oui", "Non"))), 0),
    FileFormat(PRESENTATIONS, True, (
        CIS, CIP7, _filled("le libellé de la présentation"), _anything, _anything,
        OPTIONAL_DATE, CIP13, _one_of("l'agrément aux collectivités", ("oui", "non", "inconnu")),
        _optional(_rate), _optional(_price), _optional(_price), _optional(_price),
        _anything), 0),
    FileFormat(COMPOSITIONS, True, (
        CIS, _anything, _number("le code de substance"), _filled("la dénomination de la substance"),
        _anything, _anything, _one_of("la nature du composant", ("SA", "FT")),
        _number("le numéro de liaison")), 0),
    FileFormat(CONDITIONS, True, (CIS, _filled("la condition de prescription")), 0),
    FileFormat(GENERICS, True, (
        _number("l'identifiant du groupe générique"), _filled("le libellé du groupe générique"),
        CIS, _one_of("le type de générique", ("0", "1", "2", "4")),
        _number("le numéro de tri")), 2),
    FileFormat(SHORTAGES, False, (
        CIS, _optional(CIP13), _one_of("le code de statut", ("1", "2", "3", "4")),
        _filled("le libellé du statut"), DATE, DATE, OPTIONAL_DATE, _anything), 0),
    FileFormat(MAJOR_INTEREST, False, (CIS, _atc, _anything, _anything), 0),
)
BY_NAME = {f.name: f for f in FORMATS}
