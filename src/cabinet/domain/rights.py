"""Patients' rights over their record: copy requests (RIGHTS-4) and judicial seizure (RIGHTS-5).

Who may ask for a copy, how their identity was checked, and the legal dates (article
L. 1111-7 and R. 1111-1 of the code de la santé publique): not before 48 hours of reflection,
at the latest 8 days after the request, or 2 months when the information is more than five
years old. Cabinet reads "more than five years old" as: the most recent entry of the record
is older than five years; a record with any recent entry gets the 8-day limit.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from cabinet.domain.text import has_forbidden_control

REQUESTERS = {
    "patient": "Le patient lui-même",
    "heir": "Un ayant droit (patient décédé)",
    "parent": "Un titulaire de l'autorité parentale",
    "guardian": "Le tuteur (mesure de protection avec représentation)",
    "physician": "Un médecin désigné par le demandeur",
}
HEIR_PURPOSES = {
    "causes_of_death": "Connaître les causes de la mort",
    "memory": "Défendre la mémoire du défunt",
    "rights": "Faire valoir ses droits",
}
IDENTITY_CHECKS = {
    "id_presented": "Pièce d'identité présentée au cabinet",
    "id_copy": "Copie d'une pièce d'identité jointe à la demande",
    "standing_proof": "Justificatif de la qualité (livret de famille, acte de notoriété, "
                      "jugement de tutelle)",
    "known_person": "Personne connue du médecin",
}
REFLECTION = dt.timedelta(days=2)
SHORT_LIMIT = dt.timedelta(days=8)
OLD_INFORMATION_YEARS = 5


class RightsError(ValueError):
    """A request or a seizure is incomplete; the French message says what is missing."""


@dataclass(frozen=True)
class CopyRequest:
    """A request for a copy of the record, as the register keeps it."""

    requester: str
    name: str
    identity_checks: tuple[str, ...]
    received_on: dt.date
    purpose: str = ""
    note: str = ""


@dataclass(frozen=True)
class LegalDates:
    """When the copy may be given at the earliest and must be given at the latest."""

    earliest: dt.date
    latest: dt.date
    old_information: bool


def _short(value: str, label: str, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise RightsError(f"{label} est obligatoire.")
    if len(value) > 500 or has_forbidden_control(value):
        raise RightsError(f"{label} : texte trop long ou caractères non admis.")
    return value


def validate_request(request: CopyRequest, today: dt.date) -> CopyRequest:
    """Check a request before it goes into the register."""
    if request.requester not in REQUESTERS:
        raise RightsError("Indiquez qui fait la demande.")
    if request.requester == "heir" and request.purpose not in HEIR_PURPOSES:
        raise RightsError("Un ayant droit doit indiquer le motif prévu par la loi (causes de la "
                          "mort, mémoire du défunt, faire valoir ses droits).")
    if request.requester != "heir" and request.purpose:
        raise RightsError("Seul un ayant droit indique un motif.")
    if not request.identity_checks or not set(request.identity_checks) <= set(IDENTITY_CHECKS):
        raise RightsError("Indiquez comment l'identité du demandeur a été vérifiée.")
    if request.requester != "patient" and "standing_proof" not in request.identity_checks:
        raise RightsError("La qualité du demandeur doit être justifiée (livret de famille, acte "
                          "de notoriété, jugement de tutelle ou désignation du médecin).")
    if request.received_on > today:
        raise RightsError("La date de réception ne peut pas être dans le futur.")
    return CopyRequest(request.requester, _short(request.name, "Le nom du demandeur"),
                       tuple(sorted(set(request.identity_checks))), request.received_on,
                       request.purpose, _short(request.note, "La précision", required=False))


def legal_dates(received_on: dt.date, latest_information: dt.date | None) -> LegalDates:
    """The 48-hour reflection and the 8-day (or 2-month) limit of a request."""
    old = latest_information is not None and _years_before(received_on, latest_information)
    latest = _add_months(received_on, 2) if old else received_on + SHORT_LIMIT
    return LegalDates(received_on + REFLECTION, latest, old)


def _years_before(day: dt.date, information: dt.date) -> bool:
    try:
        limit = day.replace(year=day.year - OLD_INFORMATION_YEARS)
    except ValueError:  # 29 February
        limit = day.replace(year=day.year - OLD_INFORMATION_YEARS, day=28)
    return information < limit


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Seizure:
    """What the physician records before a judicial seizure (RIGHTS-5)."""

    magistrate: str
    decision_reference: str
    order_representative: str
    others_present: str = ""
    place: str = ""

    def validated(self) -> "Seizure":
        """The seizure with its fields checked: the three persons and the decision named."""
        return Seizure(_short(self.magistrate, "Le nom et la qualité du magistrat"),
                       _short(self.decision_reference, "La référence de la décision"),
                       _short(self.order_representative,
                              "Le nom du représentant du conseil de l'Ordre"),
                       _short(self.others_present, "Les autres personnes présentes",
                              required=False),
                       _short(self.place, "Le lieu", required=False))
