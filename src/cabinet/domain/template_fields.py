"""The values of the template fields, read from the record when a document is made.

What the record does not hold is said (« non renseignées »), never left blank, so a filled
letter cannot be read as a negative answer; an explicit « aucune allergie connue » stays
distinct from allergies never asked about.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cabinet.domain.agreement import born_on, civility, the_person, undersigned
from cabinet.domain.identity import Identity
from cabinet.domain.prescribing import is_structured, printed_lines
from cabinet.domain.record import EntryKind
from cabinet.domain.templates import TO_COMPLETE
from cabinet.domain.treatments import current_treatments
from cabinet.domain.wording import Entry, age_text, french_date, summary_line, vitals_text

NOT_ENTERED = "non renseignés"


@dataclass(frozen=True)
class Physician:
    """Who writes the document, from the practice settings."""

    name: str
    specialty: str = ""
    rpps: str = ""
    address: str = ""
    phone: str = ""
    sex: str = ""


def _payloads(entries: Sequence[Entry], kind: EntryKind) -> list[Mapping[str, Any]]:
    return [e.payload for e in entries if e.kind == kind.value]


def _lines(entries: Sequence[Entry], kind: EntryKind) -> list[str]:
    return [summary_line(e) for e in entries if e.kind == kind.value]


def allergies(entries: Sequence[Entry]) -> str:
    """The allergies listed, « aucune allergie connue », or « non renseignées »."""
    found = [e for e in entries if e.kind == EntryKind.ALLERGY.value]
    if not found:
        return "non renseignées"
    present = [summary_line(e) for e in found if e.payload["status"] == "present"]
    return " ; ".join(present) if present else "aucune allergie connue"


def treatments(entries: Sequence[Entry], today: dt.date) -> str:
    """The running treatments as the ordonnances prescribed them, or « aucun »."""
    running = current_treatments(_payloads(entries, EntryKind.PRESCRIPTION),
                                 _payloads(entries, EntryKind.TREATMENT), today)
    said = [" ".join(printed_lines(t.line)) if is_structured(t.line)
            else f"{t.line['drug']} — {t.line['dosage']}" for t in running]
    recorded = [summary_line(e) for e in entries if e.kind == EntryKind.TREATMENT.value
                and not e.payload.get("stopped")]
    return " ; ".join(said + [r for r in recorded if r not in said]) or "aucun"


def last_vitals(encounters: Sequence[Mapping[str, Any]]) -> str:
    """The measures of the latest encounter that has some, with its date."""
    measured = [e for e in encounters if e.get("vitals")]
    if not measured:
        return "non renseignées"
    last = max(measured, key=lambda e: str(e["date"]))
    return f"{vitals_text(list(last['vitals']))} (le {french_date(str(last['date']))})"


def last_conclusion(encounters: Sequence[Mapping[str, Any]]) -> str:
    """The conclusion of the latest encounter, or « non renseignée »."""
    if not encounters:
        return "non renseignée"
    last = max(encounters, key=lambda e: str(e["date"]))
    return str(last.get("conclusion") or "") or "non renseignée"


def designation(identity: Identity) -> str:
    """« Madame DUPONT Marie », or the name alone when the sex is unknown."""
    word = civility(identity.sex.value)
    return identity.display_name() if "," in word else f"{word} {identity.display_name()}"


def field_values(identity: Identity, entries: Sequence[Entry], physician: Physician,
                 today: dt.date, recipient: str = "") -> dict[str, str]:
    """Every field of `cabinet.domain.templates.FIELDS`, worded in French."""
    sex = identity.sex.value
    encounters = _payloads(entries, EntryKind.ENCOUNTER)
    address = " ".join(p for p in (identity.address, identity.postal_code, identity.city) if p)
    return {
        "patient.civilite": civility(sex),
        "patient.designation": designation(identity),
        "patient.nom": identity.display_name(),
        "patient.nom_naissance": identity.birth_name.upper(),
        "patient.ne_le": born_on(sex, identity.birth_date),
        "patient.date_naissance": f"{identity.birth_date:%d/%m/%Y}",
        "patient.age": age_text(identity.birth_date.isoformat(), today),
        "patient.interesse": the_person(sex),
        "patient.adresse": address or "non renseignée",
        "dossier.allergies": allergies(entries),
        "dossier.traitements": treatments(entries, today),
        "dossier.antecedents": " ; ".join(_lines(entries, EntryKind.HISTORY)) or NOT_ENTERED,
        "dossier.constantes": last_vitals(encounters),
        "dossier.conclusion": last_conclusion(encounters),
        "medecin.soussigne": undersigned(physician.sex, physician.name),
        "medecin.nom": physician.name,
        "medecin.specialite": physician.specialty,
        "medecin.rpps": physician.rpps,
        "medecin.adresse": physician.address,
        "medecin.telephone": physician.phone,
        "destinataire.nom": recipient.split("\n", 1)[0] or TO_COMPLETE,
        "date.jour": f"{today:%d/%m/%Y}",
    }
