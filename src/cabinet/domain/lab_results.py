"""Which record a laboratory's file belongs to, and the series the results tab draws.

A result filed in the wrong record is a medical error, so the rule is strict: the file is
attached only when exactly one record matches and nothing contradicts it. A NIR that matches
a record whose name or birth date differs, a record with the same identity but another NIR,
several records alike: the physician decides (« À classer »), never the software.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cabinet.domain.hprim import HprimHeader, LabValue
from cabinet.domain.identity import Identity
from cabinet.domain.record import body_mass_index, latest_vital
from cabinet.domain.text import fold, name_tokens

NO_RECORD = "Aucun dossier ne correspond à l'identité du fichier."
SEVERAL_RECORDS = "Plusieurs dossiers correspondent à l'identité du fichier."
NIR_BUT_NOT_NAME = "Le NIR correspond à un dossier dont le nom ou la date de naissance diffère."
NAME_BUT_NOT_NIR = "Un dossier a cette identité mais un autre NIR."
NO_IDENTITY = "Compte rendu sans identité structurée (PDF) : choisissez le dossier."
VITAL_CURVES = {"weight": ("Poids", "kg"), "bmi": ("IMC", "kg/m²"),
                "blood_pressure": ("Pression artérielle", "mmHg")}


@dataclass(frozen=True)
class Candidate:
    """A record that may be the file's patient: same NIR or same birth date."""

    patient_id: int
    identity: Identity


@dataclass(frozen=True)
class Match:
    """The record to attach to, or None with the reason the physician reads."""

    patient_id: int | None
    reason: str


@dataclass(frozen=True)
class DatedValue:
    """One stored result with its sample date."""

    sampled_on: dt.date
    value: LabValue


def _compact(name: str) -> str:
    return "".join(sorted(name_tokens(name)))


def same_person(header: HprimHeader, identity: Identity) -> bool:
    """Same birth date, last name (birth or used) and first name, accents and case aside."""
    if header.birth_date != identity.birth_date:
        return False
    last = _compact(header.last_name)
    if last not in {_compact(identity.birth_name), _compact(identity.used_name)}:
        return False
    first = fold(header.first_name).replace("-", " ").split()
    return bool(first) and first[0] in name_tokens(identity.first_names)


def choose_record(header: HprimHeader, candidates: Sequence[Candidate]) -> Match:
    """Decide the record, or say why the physician must (see the module's rule)."""
    nir = header.nir[:13]
    by_nir = [c for c in candidates if nir and c.identity.nir[:13] == nir]
    if by_nir:
        if len(by_nir) > 1:
            return Match(None, SEVERAL_RECORDS)
        if not same_person(header, by_nir[0].identity):
            return Match(None, NIR_BUT_NOT_NAME)
        return Match(by_nir[0].patient_id, "NIR et identité")
    alike = [c for c in candidates if same_person(header, c.identity)]
    if nir and any(c.identity.nir for c in alike):
        return Match(None, NAME_BUT_NOT_NIR)
    if not alike:
        return Match(None, NO_RECORD)
    if len(alike) > 1:
        return Match(None, SEVERAL_RECORDS)
    return Match(alike[0].patient_id, "nom, prénom et date de naissance")


def vital_series(encounters: Sequence[Mapping[str, Any]]) -> dict[str, list[tuple[dt.date,
                                                                               float]]]:
    """Weight, BMI, systolic and diastolic pressure over time, from encounters' payloads.

    The BMI uses the encounter's height, else the last height measured before it.
    """
    series: dict[str, list[tuple[dt.date, float]]] = {
        "weight": [], "bmi": [], "systolic": [], "diastolic": []}
    for encounter in sorted(encounters, key=lambda e: str(e["date"])):
        day = dt.date.fromisoformat(str(encounter["date"])[:10])
        values = {v["code"]: float(v["value"]) for v in encounter.get("vitals", [])}
        for code in ("weight", "systolic", "diastolic"):
            if code in values:
                series[code].append((day, values[code]))
        if "weight" in values:
            height = values.get("height") or latest_vital(encounters, "height",
                                                          str(encounter["date"]))
            bmi = body_mass_index([{"code": "weight", "value": values["weight"]},
                                   {"code": "height", "value": height or 0}])
            if bmi is not None:
                series["bmi"].append((day, bmi))
    return series


def normal_range(value: LabValue) -> str:
    """The normal bounds as a physician reads them (« 3,5 – 5,0 », « < 5 », « > 40 »)."""
    def shown(number: float) -> str:
        return f"{number:g}".replace(".", ",")

    if value.low is not None and value.high is not None:
        return f"{shown(value.low)} – {shown(value.high)}"
    if value.high is not None:
        return f"< {shown(value.high)}"
    if value.low is not None:
        return f"> {shown(value.low)}"
    return ""
