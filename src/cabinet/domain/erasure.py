"""Erasure (RIGHTS-3, RET-2): what is recorded of it, and how long backups still hold it.

An erasure destroys content that the append-only vault otherwise keeps for good, so what
stays of it names who, when, which request or rule and how many versions, never the content.
"""

import datetime as dt
from dataclasses import dataclass

PATIENT_REQUEST = "patient_request"
"""The rule of an erasure decided with the patient on their written request (RIGHTS-3)."""
WHOLE_RECORD = "record"
"""The kind recorded when a record's whole medical content is destroyed."""
CONFIRMATION_WORD = "EFFACER"
"""What the physician types to confirm an erasure on request."""


@dataclass(frozen=True)
class ErasureOrder:
    """One erasure to carry out: an entry (`lineage`) or a whole record (`lineage` None)."""

    patient_id: int
    lineage: int | None
    request: int | None
    rule: str
    reason: str
    erased_at: str
    erased_by: str


@dataclass(frozen=True)
class ErasureRow:
    """An erasure as the vault keeps it."""

    erasure_id: int
    patient_id: int
    lineage: int | None
    kind: str
    request: int | None
    rule: str
    reason: str
    versions: int
    erased_at: str
    erased_by: str


def _months_after(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def backup_exposure(created: dt.date, erased: dt.date, daily: int, weekly: int,
                    monthly: int) -> dt.date | None:
    """The day the last rotating backup holding the content leaves rotation; None: never.

    Assumes a verified backup each working day after the erasure, so each period's newest
    backup no longer holds it: only periods that ended before the erasure day and after the
    content was written keep a copy. A yearly backup is never rotated out: if the content
    was written before this year began, last year's holds it for good (None).
    """
    if created < dt.date(erased.year, 1, 1):
        return None
    leaving = [erased]
    if created < erased:
        leaving.append(erased - dt.timedelta(days=1) + dt.timedelta(days=daily))
    monday = erased - dt.timedelta(days=erased.weekday())
    if created < monday:
        leaving.append(monday + dt.timedelta(weeks=weekly - 1))
    first = erased.replace(day=1)
    if created < first:
        leaving.append(_months_after(first, monthly - 1))
    return max(leaving)


def backup_notice(created: dt.date, erased: dt.date, daily: int, weekly: int,
                  monthly: int) -> str:
    """What the physician is told of the copies that backups still hold, in French."""
    leaves = backup_exposure(created, erased, daily, weekly, monthly)
    rotation = (f"Les sauvegardes tournent ainsi : {daily} quotidiennes, {weekly} "
                f"hebdomadaires, {monthly} mensuelles, puis une par an conservée sans limite.")
    if leaves is None:
        return (f"Le contenu effacé reste dans les sauvegardes faites avant ce jour. {rotation} "
                f"La sauvegarde annuelle de {erased.year - 1} (et celles des années "
                "antérieures qui le contenaient) le garde tant qu'elle existe : effacez-la du "
                "support ou détruisez le support si la demande l'exige, et notez-le. Faites "
                "dès aujourd'hui une sauvegarde pour que les plus récentes ne le contiennent "
                "plus.")
    return (f"Le contenu effacé reste dans les sauvegardes faites avant ce jour. {rotation} "
            f"Si une sauvegarde est faite chaque jour ouvré, la dernière qui le contient sort "
            f"de la rotation le {leaves:%d/%m/%Y}. Faites dès aujourd'hui une sauvegarde pour "
            "que les plus récentes ne le contiennent plus.")
