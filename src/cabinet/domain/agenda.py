"""The agenda's rules: types, opening hours, absences, blocks, and what an appointment may be.

Times are the practice's wall-clock time (naive local datetimes): an appointment at 9:00
stays at 9:00 whatever the season. Nothing here reads a clock or a calendar: the caller gives
the current time and the day's public holiday, so the rules stay testable and pure.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cabinet.domain.text import has_forbidden_control

MAX_REASON = 200
MIN_MINUTES, MAX_MINUTES = 5, 240
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class AgendaError(ValueError):
    """An appointment or the agenda's setup is refused; the message is French."""


class OverlapUnconfirmed(AgendaError):
    """The slot is taken: allowed only once the physician confirms."""


class Status(StrEnum):
    """Where an appointment stands."""

    PLANNED = "prevu"
    ARRIVED = "arrive"
    SEEN = "vu"
    ABSENT = "absent"
    CANCELLED = "annule"


STATUS_LABELS = {Status.PLANNED: "prévu", Status.ARRIVED: "arrivé", Status.SEEN: "vu",
                 Status.ABSENT: "absent", Status.CANCELLED: "annulé"}
_NEXT: dict[Status, frozenset[Status]] = {
    Status.PLANNED: frozenset({Status.ARRIVED, Status.ABSENT, Status.CANCELLED}),
    Status.ARRIVED: frozenset({Status.SEEN, Status.PLANNED, Status.CANCELLED}),
    Status.ABSENT: frozenset({Status.PLANNED}),
    Status.SEEN: frozenset(),
    Status.CANCELLED: frozenset(),
}
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def french_day(day: dt.date) -> str:
    """« mardi 3 novembre 2026 »."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class AppointmentType:
    """A kind of appointment, with its usual duration and its colour in the grid."""

    name: str
    minutes: int
    colour: str


@dataclass(frozen=True)
class TimeRange:
    """A span of one day, from `start` included to `end` excluded."""

    start: dt.time
    end: dt.time

    def holds(self, start: dt.time, end: dt.time) -> bool:
        """Whether [start, end) lies inside this span."""
        return self.start <= start and end <= self.end


@dataclass(frozen=True)
class Absence:
    """Days off, from `first` to `last` included (holidays away, training)."""

    first: dt.date
    last: dt.date
    label: str


@dataclass(frozen=True)
class RecurringBlock:
    """A span kept free each week (home visits, paperwork): no appointment is given in it."""

    weekday: int
    start: dt.time
    end: dt.time
    label: str


def _hours(*spans: tuple[str, str]) -> tuple[TimeRange, ...]:
    return tuple(TimeRange(dt.time.fromisoformat(a), dt.time.fromisoformat(b))
                 for a, b in spans)


_WEEKDAY_HOURS = _hours(("08:30", "12:30"), ("14:00", "19:00"))


@dataclass(frozen=True)
class AgendaSetup:
    """The practice's agenda: its types, opening hours per weekday, absences and blocks."""

    types: tuple[AppointmentType, ...] = (
        AppointmentType("Consultation", 20, "#4f86c6"),
        AppointmentType("Consultation longue", 40, "#7b5ea7"),
        AppointmentType("Visite à domicile", 30, "#3a9d5d"),
        AppointmentType("Suivi court", 15, "#d08c2f"))
    hours: tuple[tuple[TimeRange, ...], ...] = (
        _WEEKDAY_HOURS, _WEEKDAY_HOURS, _WEEKDAY_HOURS, _WEEKDAY_HOURS, _WEEKDAY_HOURS,
        _hours(("09:00", "12:00")), ())
    absences: tuple[Absence, ...] = ()
    blocks: tuple[RecurringBlock, ...] = ()
    slot_minutes: int = 15

    def type_named(self, name: str) -> AppointmentType | None:
        """The type of that name, if the practice has it."""
        return next((t for t in self.types if t.name == name), None)

    def absence_on(self, day: dt.date) -> Absence | None:
        """The absence covering `day`, if any."""
        return next((a for a in self.absences if a.first <= day <= a.last), None)

    def opening(self, day: dt.date) -> tuple[dt.time, dt.time] | None:
        """The first opening and the last closing of `day`'s weekday, None when closed."""
        spans = self.hours[day.weekday()]
        return (min(s.start for s in spans), max(s.end for s in spans)) if spans else None


def parse_time(text: str, what: str) -> dt.time:
    """« 8:30 », « 08h30 » or « 14 » as a time; `AgendaError` naming `what` otherwise."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?\s*", text)
    try:
        if match is None:
            raise ValueError(text)
        return dt.time(int(match[1]), int(match[2] or 0))
    except ValueError:
        raise AgendaError(f"{what} : « {text.strip()[:20]} » n'est pas une heure "
                          "(écrivez 08:30).") from None


def parse_hours(text: str, day: str) -> tuple[TimeRange, ...]:
    """« 08:30-12:30, 14:00-19:00 » as spans (empty: closed); `AgendaError` otherwise."""
    spans = []
    for part in (p for p in re.split(r"[,;]", text) if p.strip()):
        ends = re.split(r"\s*(?:-|–|à)\s*", part.strip())
        if len(ends) != 2:
            raise AgendaError(f"Horaires du {day} : écrivez par exemple « 08:30-12:30, "
                              "14:00-19:00 ».")
        spans.append(TimeRange(parse_time(ends[0], f"Horaires du {day}"),
                               parse_time(ends[1], f"Horaires du {day}")))
    return tuple(spans)


def hours_text(spans: tuple[TimeRange, ...]) -> str:
    """Spans as the physician types them."""
    return ", ".join(f"{_hm(s.start)}-{_hm(s.end)}" for s in spans)


def check_setup(setup: AgendaSetup) -> AgendaSetup:
    """The setup as given, or `AgendaError` in French."""
    if not setup.types:
        raise AgendaError("Déclarez au moins un type de rendez-vous.")
    names = [t.name.strip() for t in setup.types]
    if len(set(names)) != len(names) or not all(names):
        raise AgendaError("Chaque type de rendez-vous porte un nom, différent des autres.")
    for kind in setup.types:
        _check_minutes(kind.minutes)
        if not _COLOUR.match(kind.colour):
            raise AgendaError(f"La couleur du type « {kind.name} » s'écrit #RRVVBB.")
    if len(setup.hours) != 7:
        raise AgendaError("Les horaires d'ouverture se donnent pour les sept jours.")
    for day, spans in zip(WEEKDAYS, setup.hours, strict=True):
        if any(s.start >= s.end for s in spans):
            raise AgendaError(f"Horaires du {day} : la fin doit suivre le début.")
    for absence in setup.absences:
        if absence.last < absence.first:
            raise AgendaError("Une absence finit après son premier jour.")
    for block in setup.blocks:
        if block.start >= block.end or not 0 <= block.weekday <= 6:
            raise AgendaError(f"La plage réservée « {block.label} » est mal bornée.")
    if setup.slot_minutes not in (5, 10, 15, 20, 30):
        raise AgendaError("Les créneaux durent 5, 10, 15, 20 ou 30 minutes.")
    return setup


def _check_minutes(minutes: int) -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise AgendaError(f"Un rendez-vous dure de {MIN_MINUTES} à {MAX_MINUTES} minutes.")


@dataclass(frozen=True)
class Appointment:
    """One appointment as stored."""

    id: int
    patient_id: int
    type_name: str
    start: dt.datetime
    minutes: int
    reason: str
    status: Status
    arrived_at: str = ""
    patient_name: str = ""

    @property
    def end(self) -> dt.datetime:
        """When the appointment ends."""
        return self.start + dt.timedelta(minutes=self.minutes)

    @property
    def holds_slot(self) -> bool:
        """Whether it still takes its time (neither cancelled nor missed)."""
        return self.status not in (Status.CANCELLED, Status.ABSENT)


@dataclass(frozen=True)
class Request:
    """An appointment asked for: the rules check it against the day before it is written."""

    type_name: str
    start: dt.datetime
    minutes: int
    reason: str = ""
    overlap_confirmed: bool = False


def closed_because(setup: AgendaSetup, day: dt.date, holiday: str | None) -> str | None:
    """Why the practice is closed on `day` (French), None when it opens."""
    if holiday:
        return f"Jour férié : {holiday}"
    if absence := setup.absence_on(day):
        return f"Absence : {absence.label}"
    if not setup.hours[day.weekday()]:
        return "Cabinet fermé"
    return None


def overlapping(appointments: Iterable[Appointment], start: dt.datetime, end: dt.datetime,
                *, besides: int = 0) -> list[Appointment]:
    """The appointments still holding a slot that meet [start, end), `besides` excepted."""
    return [a for a in appointments if a.id != besides and a.holds_slot
            and a.start < end and start < a.end]


def check_request(setup: AgendaSetup, request: Request, *, now: dt.datetime,
                  holiday: str | None, day_appointments: Iterable[Appointment],
                  besides: int = 0) -> AppointmentType:
    """The request's type, or `AgendaError` in French saying what is wrong.

    The slot must be to come, inside one opening span of an open day and outside every
    recurring block; a taken slot raises `OverlapUnconfirmed` unless the overlap is confirmed.
    """
    kind = setup.type_named(request.type_name)
    if kind is None:
        raise AgendaError("Ce type de rendez-vous n'existe pas : choisissez-en un de la liste.")
    _check_minutes(request.minutes)
    check_reason(request.reason)
    start, end = request.start, request.start + dt.timedelta(minutes=request.minutes)
    if start < now:
        raise AgendaError("Ce créneau est déjà passé : choisissez une heure à venir.")
    if why := closed_because(setup, start.date(), holiday):
        raise AgendaError(f"Pas de rendez-vous ce jour-là ({why[0].lower()}{why[1:]}).")
    if end.date() != start.date() or not any(
            s.holds(start.time(), end.time()) for s in setup.hours[start.weekday()]):
        raise AgendaError("Ce rendez-vous sort des horaires d'ouverture du cabinet.")
    for block in setup.blocks:
        if block.weekday == start.weekday() and block.start < end.time() \
                and start.time() < block.end:
            raise AgendaError(f"Ce créneau est réservé : {block.label}.")
    taken = overlapping(day_appointments, start, end, besides=besides)
    if taken and not request.overlap_confirmed:
        raise OverlapUnconfirmed(
            f"Ce créneau chevauche {len(taken)} rendez-vous déjà donné(s) : confirmez pour "
            "l'ajouter quand même.")
    return kind


def check_reason(reason: str) -> str:
    """A short reason, or `AgendaError`."""
    if len(reason) > MAX_REASON or has_forbidden_control(reason):
        raise AgendaError(f"Le motif tient en {MAX_REASON} caractères, sans caractère de "
                          "contrôle.")
    return reason


def check_status_change(current: Status, wanted: Status) -> None:
    """`AgendaError` when an appointment cannot go from `current` to `wanted`."""
    if wanted not in _NEXT[current]:
        raise AgendaError(f"Un rendez-vous {STATUS_LABELS[current]} ne peut pas devenir "
                          f"{STATUS_LABELS[wanted]}.")


def week_of(day: dt.date) -> list[dt.date]:
    """The Monday-to-Sunday week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=n) for n in range(7)]


def slot_times(setup: AgendaSetup, first: dt.time, last: dt.time) -> list[dt.time]:
    """The grid's rows: every slot from `first` to `last` excluded."""
    step = dt.timedelta(minutes=setup.slot_minutes)
    moment, end = dt.datetime.combine(dt.date.min, first), dt.datetime.combine(dt.date.min, last)
    rows = []
    while moment < end:
        rows.append(moment.time())
        moment += step
    return rows


def waiting_order(appointments: Iterable[Appointment]) -> list[Appointment]:
    """The waiting room: those « arrivé », first come first."""
    return sorted((a for a in appointments if a.status is Status.ARRIVED),
                  key=lambda a: (a.arrived_at, a.start))


def _hm(moment: dt.time) -> str:
    return moment.isoformat(timespec="minutes")


def setup_to_dict(setup: AgendaSetup) -> dict[str, Any]:
    """The setup as stored (JSON)."""
    return {
        "types": [[t.name, t.minutes, t.colour] for t in setup.types],
        "hours": [[[_hm(s.start), _hm(s.end)] for s in day]
                  for day in setup.hours],
        "absences": [[a.first.isoformat(), a.last.isoformat(), a.label]
                     for a in setup.absences],
        "blocks": [[b.weekday, _hm(b.start), _hm(b.end),
                    b.label] for b in setup.blocks],
        "slot_minutes": setup.slot_minutes,
    }


def setup_from_dict(data: Mapping[str, Any]) -> AgendaSetup:
    """Read a stored setup back; `AgendaError` when it does not hold together."""
    time = dt.time.fromisoformat
    try:
        return check_setup(AgendaSetup(
            types=tuple(AppointmentType(str(n), int(m), str(c)) for n, m, c in data["types"]),
            hours=tuple(tuple(TimeRange(time(a), time(b)) for a, b in day)
                        for day in data["hours"]),
            absences=tuple(Absence(dt.date.fromisoformat(a), dt.date.fromisoformat(b), str(t))
                           for a, b, t in data["absences"]),
            blocks=tuple(RecurringBlock(int(w), time(a), time(b), str(t))
                         for w, a, b, t in data["blocks"]),
            slot_minutes=int(data["slot_minutes"])))
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, AgendaError):
            raise
        raise AgendaError("Le paramétrage de l'agenda est illisible.") from None
