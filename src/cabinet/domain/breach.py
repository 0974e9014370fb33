"""The data-breach register (GDPR article 33.5) and the 72-hour notification to the CNIL.

Every breach is written in the register, notified or not; one likely to harm the people
concerned is notified to the CNIL within 72 hours of its discovery (article 33), and the
people are told when the risk is high (article 34). A correction is a new row: the register
keeps what was written at each time.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from cabinet.domain.compliance import PracticeFacts, Section
from cabinet.domain.text import has_forbidden_control

NOTIFICATION_DELAY = dt.timedelta(hours=72)
YES_NO = {"yes": "oui", "no": "non"}
FIELDS = {
    "occurred_on": "Date de la violation",
    "discovered_on": "Date de sa découverte",
    "nature": "Nature de la violation",
    "data": "Données concernées",
    "people": "Personnes concernées (catégories, nombre approximatif)",
    "consequences": "Conséquences probables",
    "measures": "Mesures prises ou envisagées",
    "cnil_notified": "Notifiée à la CNIL",
    "cnil_notified_on": "Date de la notification à la CNIL",
    "people_informed": "Personnes concernées informées",
    "why_not": "Pourquoi elle n'a pas été notifiée ou les personnes pas informées",
}
_TEXTS = ("nature", "data", "people", "consequences", "measures")
MAX_TEXT = 2000


@dataclass(frozen=True)
class BreachRow:
    """A line of the register as written: `corrects` names the line it replaces."""

    breach_id: int
    corrects: int | None
    line: dict[str, str]
    recorded_at: str
    recorded_by: str


class BreachError(ValueError):
    """A register line refused; the French message names every problem."""


def _date(value: str, label: str, problems: list[str], today: dt.date) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"Indiquez la {label.lower()} (JJ/MM/AAAA).")
        return None
    if day > today:
        problems.append(f"La {label.lower()} ne peut pas être dans le futur.")
    return day


def check_breach(raw: Mapping[str, str], today: dt.date) -> dict[str, str]:
    """The line to write, or `BreachError` listing in French everything to complete."""
    problems: list[str] = []
    line = {key: str(raw.get(key, "")).strip() for key in FIELDS}
    occurred = _date(line["occurred_on"], FIELDS["occurred_on"], problems, today)
    line["discovered_on"] = line["discovered_on"] or line["occurred_on"]
    discovered = _date(line["discovered_on"], FIELDS["discovered_on"], problems, today)
    if occurred and discovered and discovered < occurred:
        problems.append("La date de découverte précède la date de la violation.")
    for key in _TEXTS:
        if not line[key]:
            problems.append(f"Renseignez : {FIELDS[key].lower()}.")
    for key in ("cnil_notified", "people_informed"):
        if line[key] not in YES_NO:
            problems.append(f"Répondez oui ou non : {FIELDS[key].lower()}.")
    if line["cnil_notified"] == "yes":
        _date(line["cnil_notified_on"], FIELDS["cnil_notified_on"], problems, today)
    else:
        line["cnil_notified_on"] = ""
    if "no" in (line["cnil_notified"], line["people_informed"]) and not line["why_not"]:
        problems.append("Expliquez pourquoi la violation n'a pas été notifiée ou les "
                        "personnes pas informées (le registre doit le dire).")
    if any(has_forbidden_control(v) or len(v) > MAX_TEXT for v in line.values()):
        problems.append("Un champ contient des caractères non admis ou est trop long.")
    if problems:
        raise BreachError("\n".join(problems))
    return line


def notification_deadline(line: Mapping[str, str]) -> dt.date:
    """The last day to notify the CNIL: 72 hours after the discovery."""
    return dt.date.fromisoformat(line["discovered_on"]) + NOTIFICATION_DELAY


def _french(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d/%m/%Y}" if iso else ""


def register_line(number: int, line: Mapping[str, str]) -> list[str]:
    """One breach as the register prints it, field by field."""
    shown = {**line, **{k: YES_NO.get(line[k], line[k]) for k in ("cnil_notified",
                                                                   "people_informed")}}
    shown.update({k: _french(line[k]) for k in ("occurred_on", "discovered_on",
                                                 "cnil_notified_on")})
    return [f"Violation n° {number}"] + [f"{label} : {shown[key]}" for key, label in
                                          FIELDS.items() if shown.get(key)]


def cnil_notification(facts: PracticeFacts, number: int, line: Mapping[str, str],
                      today: dt.date) -> list[Section]:
    """The answers the CNIL's online notification form asks, filled from a register line."""
    deadline = notification_deadline(line)
    late = today > deadline
    return [
        ("Organisme", [f"Responsable du traitement : {facts.physician}, {facts.specialty}, "
                       f"{facts.address}", f"Contact : {facts.contact()}",
                       f"Violation n° {number} du registre du cabinet."]),
        ("Chronologie", [
            f"Violation survenue le {_french(line['occurred_on'])}, découverte le "
            f"{_french(line['discovered_on'])}.",
            f"Notification à faire au plus tard le {deadline:%d/%m/%Y} (72 heures après la "
            "découverte)." + (" Ce délai est dépassé : joignez les motifs du retard "
                              "(article 33.1 du RGPD)." if late else "")]),
        ("Nature de la violation", [line["nature"]]),
        ("Données et personnes concernées", [f"Données : {line['data']}",
                                             f"Personnes : {line['people']}"]),
        ("Conséquences probables", [line["consequences"]]),
        ("Mesures prises ou envisagées", [line["measures"]]),
        ("Information des personnes concernées", [
            f"Personnes informées : {YES_NO[line['people_informed']]}."
            + (f" Motif : {line['why_not']}" if line["people_informed"] == "no" else "")]),
        ("À faire", ["Notifiez en ligne sur le site de la CNIL (notifications.cnil.fr) en "
                     "reprenant ces réponses ; gardez ce document avec le registre. Une "
                     "notification peut être complétée ensuite (notification en plusieurs "
                     "temps)."]),
    ]
