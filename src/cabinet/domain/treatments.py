"""Current treatments, as the record's prescriptions say (issue 16, item 6).

A line prescribed for a duration is current until its end (its renewals included); a
long-term line (« traitement de fond ») stays current until stopped. A later prescription
of the same DCI takes its place. A stop is the record's existing one: a treatment entry
(« Traitements au long cours ») with its date of stop, naming the drug by its CIS or by the
same name. A free-text line of old is current while its typed duration (« 7 jours »,
« 3 mois ») runs; one whose duration cannot be read is left out.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cabinet.domain.prescribing import duration_days, is_structured
from cabinet.domain.text import fold

_TYPED = re.compile(r"^\s*(\d+)\s*(jours?|j|semaines?|mois)\s*$")
_TYPED_DAYS = {"j": 1, "jour": 1, "jours": 1, "semaine": 7, "semaines": 7, "mois": 30}
_RECHECKED = ("allergy_alerts", "allergy_override")


@dataclass(frozen=True)
class CurrentTreatment:
    """A prescribed line still running, with the date it was prescribed and its end."""

    line: Mapping[str, Any]
    prescribed: dt.date
    until: dt.date | None  # None: long-term, until stopped

    @property
    def long_term(self) -> bool:
        """A treatment de fond, as the physician marked it."""
        return self.until is None


def _name(line: Mapping[str, Any]) -> str:
    return fold(str(line.get("dci") or line.get("drug", ""))).strip()


def _days(line: Mapping[str, Any]) -> int | None:
    if is_structured(line):
        return duration_days(line["posology"])
    typed = _TYPED.match(fold(str(line.get("duration", ""))))
    return int(typed.group(1)) * _TYPED_DAYS[typed.group(2)] if typed else None


def _stopped(line: Mapping[str, Any], since: dt.date, stops: Sequence[Mapping[str, Any]],
             today: dt.date) -> bool:
    for stop in stops:
        same = (line.get("cis") and stop.get("cis") == line["cis"]) \
            or fold(str(stop.get("drug", ""))).strip() == _name(line)
        if same and since <= dt.date.fromisoformat(stop["stopped"]) <= today:
            return True
    return False


def current_treatments(prescriptions: Iterable[Mapping[str, Any]],
                       treatments: Iterable[Mapping[str, Any]],
                       today: dt.date) -> list[CurrentTreatment]:
    """The running lines of the record's prescriptions (payloads), long-term ones first.

    `treatments` are the record's treatment entries (payloads): those with a date of stop
    end the line of the same drug prescribed before it.
    """
    latest: dict[str, tuple[dt.date, Mapping[str, Any]]] = {}
    ordered = sorted(prescriptions, key=lambda p: str(p["date"]))
    for prescription in ordered:
        day = dt.date.fromisoformat(prescription["date"])
        if day <= today:
            for line in prescription["lines"]:
                latest[_name(line)] = (day, line)
    stops = [t for t in treatments if t.get("stopped")]
    found = []
    for day, line in latest.values():
        if _stopped(line, day, stops, today):
            continue
        if line.get("long_term"):
            found.append(CurrentTreatment(line, day, None))
            continue
        days = _days(line)
        if days is not None:
            until = day + dt.timedelta(days=days * (int(line.get("renewals", 0)) + 1))
            if today < until:
                found.append(CurrentTreatment(line, day, until))
    return sorted(found, key=lambda t: (not t.long_term, t.prescribed))


def renewal_lines(current: Sequence[CurrentTreatment], *,
                  long_term_only: bool = True) -> list[dict[str, Any]]:
    """The lines a renewal starts from: the treatments de fond (or every current one).

    The allergy alerts and their override are left out: a renewal is checked again.
    """
    return [{k: v for k, v in t.line.items() if k not in _RECHECKED}
            for t in current if t.long_term or not long_term_only]
