"""Structured prescription lines: DCI, posology, boxes, non-substitution, renewals (issue 16).

A line is built from the drug base (`line_from`), completed by the physician, and checked by
`check_line` before it is stored. It also carries the readable `drug`, `dosage` and
`duration` texts that every line has always had, derived here: a reader that knows nothing
of structure (summary, FHIR export, search) reads an old line and a new one alike, and the
free-text lines written before stay valid and are never rewritten.
"""

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from num2words import num2words

from cabinet.domain.drugs import Presentation, Speciality
from cabinet.domain.fields import (
    MAX_SHORT_TEXT,
    RecordError,
    choice_field,
    code_field,
    date_field,
    text_field,
    whole_number,
)
from cabinet.domain.text import fold

# The 2020 rules (arrêté du 12 novembre 2019): « non substituable » needs one of these.
NON_SUBSTITUTION = {
    "MTE": "marge thérapeutique étroite",
    "EFG": "enfant de moins de 6 ans, aucun générique n'ayant une forme galénique adaptée",
    "CIF": "contre-indication formelle et démontrée à un excipient à effet notoire",
}
DURATION_UNITS = {"days": "jours", "weeks": "semaines", "months": "mois"}
_DAYS = {"days": 1, "weeks": 7, "months": 30}  # calendar days: rules and end dates
_DISPENSED_DAYS = {"days": 1, "weeks": 7, "months": 28}  # a month's box holds 28 or 30
_SINGULAR = {"jours": "jour", "semaines": "semaine", "mois": "mois"}
_FEMININE = frozenset({"gelule", "goutte", "bouffee", "application", "dose", "cuillere",
                       "cuillere-mesure", "ampoule", "pulverisation", "capsule", "pastille",
                       "dosette", "seringue", "pipette", "unite", "fois", "semaine", "boite",
                       "injection", "inhalation", "instillation", "perfusion", "poche"})
# A dose in these units is not counted in a box's units: no quantity is computed.
_MEASURES = frozenset({"ml", "l", "mg", "g", "µg", "mcg", "ui", "goutte", "gouttes"})
_HYDRATION = re.compile(r"\s+(anhydre|\w*hydratée?)\b", re.IGNORECASE)
_BRAND_END = re.compile(r"\s\d")
_STRENGTH = re.compile(r"(\d+(?:,\d+)?) (mg|g|µg|ml|mL)\b")
_UNIT_WORDS = {"mg": "milligramme", "g": "gramme", "µg": "microgramme", "ml": "millilitre",
               "mL": "millilitre"}
MAX_RENEWALS = 11  # twelve dispensings of a month at most: an ordonnance lasts a year
MAX_PER_DAY = 24
MAX_DURATION = 999


def dci_name(substance: str) -> str:
    """The DCI as a prescription writes it: lower case, without the hydration state."""
    return _HYDRATION.sub("", substance).strip().lower()


def strength(dosage: str) -> str:
    """« 1000,00 mg » → « 1 g », « 500 mg » → « 500 mg »; other forms kept as written."""
    match = re.fullmatch(r"(\d+)(?:,(\d+))?\s*mg", dosage.strip())
    if match is None:
        return dosage.strip()
    whole, decimals = match.group(1), (match.group(2) or "").rstrip("0")
    if not decimals and int(whole) >= 1000 and int(whole) % 1000 == 0:
        return f"{int(whole) // 1000} g"
    return f"{int(whole)},{decimals} mg" if decimals else f"{int(whole)} mg"


def dci_text(speciality: Speciality) -> str:
    """« amoxicilline 1 g »; the substances of a combination joined by « + »."""
    return " + ".join(f"{dci_name(c.substance)} {strength(c.dosage)}".strip()
                      for c in speciality.substances())


def brand_of(speciality: Speciality) -> str:
    """« CLAMOXYL » from « CLAMOXYL 1 g, comprimé dispersible »."""
    name = speciality.name.split(",")[0]
    return _BRAND_END.split(name, maxsplit=1)[0].strip()


def secure_prescription(speciality: Speciality) -> bool:
    """Whether the conditions ask for a secure ordonnance with doses in words."""
    folded = [fold(c) for c in speciality.conditions]
    return any(c.startswith("stupefiant") or "ordonnance securisee" in c for c in folded)


def line_from(speciality: Speciality, presentation: Presentation | None,
              release: dt.date, *, keep_brand: bool = False) -> dict[str, Any]:
    """The part of a line the drug base gives; the physician adds posology and flags."""
    return {
        "dci": dci_text(speciality), "brand": brand_of(speciality) if keep_brand else "",
        "form": speciality.form, "cis": speciality.cis,
        "cip13": presentation.cip13 if presentation else "",
        "units_per_box": presentation.units if presentation else None,
        "release": release.isoformat(), "secure": secure_prescription(speciality),
    }


def is_structured(line: Mapping[str, Any]) -> bool:
    """A line of the drug base (with a DCI), as opposed to a free-text line of old."""
    return "dci" in line


def _plural(word: str, count: float) -> str:
    if count < 2 or not word.isalpha() or len(word) <= 2 or word[-1] in "sxz":
        return word
    return word + "s"


def number_words(number: float, noun: str = "") -> str:
    """A number in French words, agreeing with a feminine noun (« une gélule »)."""
    words = num2words(int(number) if float(number).is_integer() else number, lang="fr")
    if words.endswith("un") and fold(noun.split(" ", maxsplit=1)[0]) in _FEMININE:
        words += "e"
    return str(words)


def _counted(number: float, noun: str, in_words: bool) -> str:
    shown = number_words(number, noun) if in_words else _figure(number)
    return f"{shown} {_plural(noun, number)}"


def _figure(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}".replace(".", ",")


def duration_days(posology: Mapping[str, Any]) -> int | None:
    """The duration in calendar days (a month counts 30), None when not structured."""
    if not posology.get("duration"):
        return None
    return int(posology["duration"]) * _DAYS[posology["duration_unit"]]


def duration_text(posology: Mapping[str, Any], in_words: bool = False) -> str:
    """« 7 jours », « 3 mois », « sept jours » for a secure ordonnance."""
    plural = DURATION_UNITS[posology["duration_unit"]]
    count = int(posology["duration"])
    noun = plural if count > 1 else _SINGULAR[plural]
    return f"{number_words(count, noun) if in_words else count} {noun}"


def posology_text(posology: Mapping[str, Any], in_words: bool = False) -> str:
    """« 1 comprimé 3 fois par jour », then the physician's free text."""
    parts = []
    if posology.get("dose") is not None:
        parts.append(_counted(posology["dose"], posology["unit"], in_words))
    if posology.get("per_day"):
        parts.append(f"{_counted(posology['per_day'], 'fois', in_words)} par jour")
    said = " ".join(parts)
    free = str(posology.get("text", "")).strip()
    return f"{said}, {free}" if said and free else said or free


def boxes(posology: Mapping[str, Any], units_per_box: int | None) -> int | None:
    """Boxes for the whole duration: ceil of the units taken over the units of one box.

    None when the box's content is unknown, when a dose is a measure (mL, mg, gouttes)
    rather than units of the box, or when dose, frequency or duration is not structured.
    """
    dose, per_day = posology.get("dose"), posology.get("per_day")
    if not units_per_box or dose is None or not per_day or not posology.get("duration"):
        return None
    if fold(str(posology.get("unit", ""))) in _MEASURES:
        return None
    days = int(posology["duration"]) * _DISPENSED_DAYS[posology["duration_unit"]]
    return math.ceil(float(dose) * int(per_day) * days / units_per_box)


def quantity_text(count: int, in_words: bool = False) -> str:
    """« Qté : 2 boîtes », « Qté : deux boîtes » on a secure ordonnance."""
    return f"Qté : {_counted(count, 'boîte', in_words)}"


def drug_text(line: Mapping[str, Any]) -> str:
    """« amoxicilline 1 g (CLAMOXYL) »: the DCI, the brand only when the physician kept it."""
    return f"{line['dci']} ({line['brand']})" if line.get("brand") else str(line["dci"])


def strength_in_words(dci: str) -> str:
    """« sulfate de morphine 10 mg (dix milligrammes) »: a secure ordonnance's dosage."""
    def said(match: re.Match[str]) -> str:
        number = float(match.group(1).replace(",", "."))
        unit = _UNIT_WORDS[match.group(2)]
        return f"{match.group(0)} ({number_words(number)} {_plural(unit, number)})"
    return _STRENGTH.sub(said, dci)


def printed_lines(line: Mapping[str, Any]) -> list[str]:
    """How a structured line reads on the ordonnance, a pharmacist's way, line by line.

    « non substituable (MTE) » comes before the name, as the rule asks; a secure
    ordonnance has its dosage, doses and quantity in words.
    """
    posology, secure = line["posology"], bool(line.get("secure"))
    name = drug_text(line)
    name = strength_in_words(name) if secure else name
    if line.get("form"):
        name += f", {line['form']}"
    if line.get("non_substitutable"):
        name = f"non substituable ({line['non_substitutable']}) — {name}"
    said = posology_text({**posology, "text": ""}, secure)
    how = f"{said} pendant {duration_text(posology, secure)}" if said else \
        f"Pendant {duration_text(posology, secure)}"
    if posology.get("text"):
        how += f", {posology['text']}"
    extra = [quantity_text(line["boxes"], secure)] if line.get("boxes") else []
    if line.get("renewals"):
        extra.append(f"à renouveler {line['renewals']} fois")
    return [name, how, *([" — ".join(extra)] if extra else [])]


def _dose(posology: Mapping[str, Any]) -> float | None:
    value = posology.get("dose")
    if value is None or value == "":
        return None
    try:
        dose = float(str(value).replace(",", "."))
    except ValueError:
        dose = 0.0
    if not 0 < dose <= 1000:
        raise RecordError("La dose par prise doit être un nombre positif.")
    return int(dose) if dose.is_integer() else dose


def check_posology(raw: Any) -> dict[str, Any]:
    """Dose and its unit, times a day, duration and its unit, and free text."""
    if not isinstance(raw, Mapping):
        raise RecordError("La posologie est mal formée.")
    dose = _dose(raw)
    unit = text_field(raw, "unit", "L'unité de la dose", required=dose is not None, limit=50)
    free = text_field(raw, "text", "La posologie en clair", required=dose is None,
                      limit=MAX_SHORT_TEXT)
    return {
        "dose": dose, "unit": unit if dose is not None else "",
        "per_day": whole_number(raw, "per_day", "Le nombre de prises par jour", 1, MAX_PER_DAY,
                                required=False),
        "duration": whole_number(raw, "duration", "La durée du traitement", 1, MAX_DURATION),
        "duration_unit": choice_field(raw, "duration_unit", "L'unité de la durée",
                                      DURATION_UNITS),
        "text": free,
    }


def _non_substitutable(line: Mapping[str, Any], brand: str) -> str:
    value = line.get("non_substitutable") or ""
    if value not in ("", *NON_SUBSTITUTION):
        raise RecordError("« Non substituable » doit être justifié par l'une des mentions "
                          "MTE, EFG ou CIF.")
    if value and not brand.strip():
        raise RecordError("« Non substituable » désigne une spécialité : gardez son nom de "
                          "marque sur la ligne.")
    return str(value)


def _alerts(line: Mapping[str, Any]) -> tuple[list[str], str]:
    alerts = line.get("allergy_alerts", [])
    if not isinstance(alerts, list):
        raise RecordError("Les alertes d'allergie sont mal formées.")
    shown = [text_field({"a": a}, "a", "Une alerte d'allergie", required=True,
                        limit=MAX_SHORT_TEXT) for a in alerts]
    override = text_field(line, "allergy_override", "Le motif du maintien malgré l'allergie",
                          limit=MAX_SHORT_TEXT).strip()
    if shown and not override:
        raise RecordError("Une allergie du patient a été signalée pour ce médicament : "
                          "indiquez le motif pour lequel vous le prescrivez malgré tout.")
    return shown, override


def _checked_line(line: Mapping[str, Any]) -> dict[str, Any]:
    posology = check_posology(line.get("posology"))
    units = whole_number(line, "units_per_box", "Le nombre d'unités par boîte", 1, 100_000,
                         required=False)
    alerts, override = _alerts(line)
    secure = bool(line.get("secure", False))
    brand = text_field(line, "brand", "Le nom de marque", limit=MAX_SHORT_TEXT)
    checked = {
        "dci": text_field(line, "dci", "La DCI", required=True, limit=MAX_SHORT_TEXT),
        "brand": brand,
        "form": text_field(line, "form", "La forme", limit=MAX_SHORT_TEXT),
        "cis": code_field(line, "cis", "Le code CIS", 8, required=True),
        "cip13": code_field(line, "cip13", "Le code CIP13", 13),
        "units_per_box": units,
        "release": date_field(line, "release", "La date de la base des médicaments"),
        "secure": secure,
        "posology": posology,
        "boxes": boxes(posology, units),
        "non_substitutable": _non_substitutable(line, brand),
        "ald": bool(line.get("ald", False)),
        "long_term": bool(line.get("long_term", False)),
        "renewals": whole_number(line, "renewals", "Le nombre de renouvellements", 0,
                                 MAX_RENEWALS, required=False) or 0,
        "allergy_alerts": alerts,
        "allergy_override": override,
    }
    return {**checked, "drug": drug_text(checked), "dosage": posology_text(posology, secure),
            "duration": duration_text(posology, secure)}


def check_line(line: Mapping[str, Any], number: int) -> dict[str, Any]:
    """The canonical structured line, or `RecordError` naming the line (« Ligne 2 : … »)."""
    try:
        return _checked_line(line)
    except RecordError as error:
        message = str(error)
        raise RecordError(f"Ligne {number} : {message[0].lower()}{message[1:]}") from None
