"""The agenda and the waiting room: appointments, the day's and week's views, iCalendar.

Appointments are given, moved, shortened, cancelled, missed, arrived and seen. Every change
and every read of appointments is journaled, like the record: a view of the day or the week
lists patients' names, so opening it is one read event naming the patients shown
(docs/decisions/agenda-journal.md says why one event per view, not per row).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cabinet.domain.agenda import (
    STATUS_LABELS,
    AgendaError,
    AgendaSetup,
    Appointment,
    OverlapUnconfirmed,
    Request,
    Status,
    check_request,
    check_setup,
    check_status_change,
    closed_because,
    setup_from_dict,
    setup_to_dict,
    waiting_order,
    week_of,
)
from cabinet.domain.audit import Action
from cabinet.domain.holidays import holiday
from cabinet.domain.settings import HOLIDAY_ZONE
from cabinet.errors import InvalidInput, KnownError
from cabinet.exchange.ics import CalendarError, read_calendar, write_calendar
from cabinet.exchange.staging import CancelToken, write_file
from cabinet.services.agenda_ports import AgendaStore, AppointmentRow
from cabinet.services.auditing import AuditTrail, audited, not_audited
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import RecordStore
from cabinet.services.settings import SettingsService

if TYPE_CHECKING:
    from cabinet.documents.layout import Letterhead


class UnknownAppointment(KnownError):
    """The appointment does not exist in this vault."""

    def __init__(self) -> None:
        super().__init__("Ce rendez-vous n'existe pas dans l'agenda.")


class SlotTaken(InvalidInput):
    """The slot overlaps another appointment: given only once the physician confirms."""


@dataclass(frozen=True)
class DayView:
    """One day of the agenda: why it is closed (holiday, absence), and its appointments."""

    day: dt.date
    closed: str | None
    appointments: list[Appointment]


def _when(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _said(moment: dt.datetime) -> str:
    """« 03/12/2026 18 h 45 », as the journal window shows it."""
    return f"{moment:%d/%m/%Y} {moment.hour} h {moment.minute:02d}"


def _appointment(row: AppointmentRow) -> Appointment:
    return Appointment(row.id, row.patient_id, row.type_name, dt.datetime.fromisoformat(row.start),
                       row.minutes, row.reason, Status(row.status), row.arrived_at,
                       row.patient_name)


def _row(a: Appointment) -> AppointmentRow:
    return AppointmentRow(a.id, a.patient_id, a.type_name, _when(a.start),
                          a.minutes, a.reason, a.status.value, a.arrived_at, "")


def _shown(appointments: list[Appointment]) -> str:
    numbers = sorted({a.patient_id for a in appointments})
    return (f"{len(appointments)} rendez-vous"
            + (f" ; patients n° {', '.join(map(str, numbers))}" if numbers else ""))


class AgendaService:
    """Appointments in the vault, in the record store's transactions, always journaled."""

    def __init__(self, store: RecordStore, agenda: AgendaStore, trail: AuditTrail,
                 settings: SettingsService) -> None:
        self._store = store
        self._agenda = agenda
        self._trail = trail
        self._settings = settings

    # --- what the practice declared -------------------------------------------------------
    @not_audited("the practice's types, hours and absences: no patient data")
    def setup(self) -> AgendaSetup:
        """The agenda's setup, the defaults until the physician changes them."""
        stored = self._agenda.agenda_setup()
        try:
            return AgendaSetup() if stored is None else setup_from_dict(stored)
        except AgendaError as error:
            raise KnownError(str(error)) from None

    @audited
    def change_setup(self, setup: AgendaSetup) -> None:
        """Store a new setup (types, opening hours, absences, recurring blocks)."""
        try:
            checked = check_setup(setup)
        except AgendaError as error:
            raise InvalidInput(str(error)) from None
        self._agenda.put_agenda_setup(setup_to_dict(checked), self._trail.actor.name,
                                      self._trail.now())
        self._trail.record(Action.ADMIN, target="agenda setup", detail="paramétrage de l'agenda")

    @not_audited("whether the practice opens that day: no patient data")
    def closed(self, day: dt.date) -> str | None:
        """Why the practice is closed on `day` (holiday, absence, closed weekday), or None."""
        return closed_because(self.setup(), day, self._holiday(day))

    def _holiday(self, day: dt.date) -> str | None:
        return holiday(self._settings.value(HOLIDAY_ZONE), day)

    def _now(self) -> dt.datetime:
        """The practice's wall-clock time, to the minute."""
        return self._trail.clock.now().astimezone().replace(tzinfo=None, second=0,
                                                            microsecond=0)

    # --- changes --------------------------------------------------------------------------
    def _checked(self, request: Request, besides: int = 0) -> None:
        day = request.start.date()
        others = self._between(day, day + dt.timedelta(days=1))
        try:
            check_request(self.setup(), request, now=self._now(), holiday=self._holiday(day),
                          day_appointments=others, besides=besides)
        except OverlapUnconfirmed as error:
            raise SlotTaken(str(error)) from None
        except AgendaError as error:
            raise InvalidInput(str(error)) from None

    def _between(self, first: dt.date, end: dt.date) -> list[Appointment]:
        return [_appointment(r) for r in self._agenda.appointments_between(
            first.isoformat(), end.isoformat())]

    def _get(self, appointment_id: int) -> Appointment:
        row = self._agenda.appointment(appointment_id)
        if row is None:
            raise UnknownAppointment
        return _appointment(row)

    @audited
    def book(self, patient_id: int, request: Request) -> int:
        """Give an appointment; an overlap raises `InvalidInput` until confirmed."""
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        self._checked(request)
        appointment = Appointment(0, patient_id, request.type_name, request.start,
                                  request.minutes, request.reason.strip(), Status.PLANNED)
        number = self._agenda.add_appointment(_row(appointment), self._trail.actor.name,
                                              self._trail.now())
        self._trail.record(Action.CREATE, patient_id=patient_id, target=f"appointment:{number}",
                           detail=f"{request.type_name}, {_said(request.start)}"
                           + (" (chevauchement confirmé)" if request.overlap_confirmed else ""))
        return number

    def _change(self, before: Appointment, after: Appointment, said: str) -> None:
        self._agenda.update_appointment(_row(after), self._trail.now())
        self._trail.record(Action.CORRECT, patient_id=before.patient_id,
                           target=f"appointment:{before.id}", detail=said)

    @audited
    def move(self, appointment_id: int, start: dt.datetime, *,
             overlap_confirmed: bool = False) -> None:
        """Give the appointment another time, checked like a new one."""
        before = self._get(appointment_id)
        if before.status is not Status.PLANNED:
            raise InvalidInput("Seul un rendez-vous prévu se déplace.")
        self._checked(Request(before.type_name, start, before.minutes, "", overlap_confirmed),
                      besides=before.id)
        self._change(before, replace(before, start=start),
                     f"déplacé : {_said(before.start)} → {_said(start)}")

    @audited
    def shorten(self, appointment_id: int, minutes: int) -> None:
        """Make the appointment shorter (never longer: that would need a free slot)."""
        before = self._get(appointment_id)
        if not 5 <= minutes < before.minutes:
            raise InvalidInput(f"La nouvelle durée doit être d'au moins 5 minutes et plus "
                               f"courte que {before.minutes} minutes.")
        if before.status in (Status.CANCELLED, Status.ABSENT, Status.SEEN):
            raise InvalidInput("Ce rendez-vous est clos : sa durée ne change plus.")
        self._change(before, replace(before, minutes=minutes),
                     f"durée : {before.minutes} → {minutes} min")

    @audited
    def set_status(self, appointment_id: int, status: Status) -> None:
        """Cancel, mark « absent », « arrivé » (the arrival time noted), « vu », or back."""
        before = self._get(appointment_id)
        try:
            check_status_change(before.status, status)
        except AgendaError as error:
            raise InvalidInput(str(error)) from None
        arrived = self._trail.now() if status is Status.ARRIVED else (
            before.arrived_at if status is Status.SEEN else "")
        self._change(before, replace(before, status=status, arrived_at=arrived),
                     f"statut : {STATUS_LABELS[before.status]} → {STATUS_LABELS[status]}")

    # --- reads ----------------------------------------------------------------------------
    def _day(self, setup: AgendaSetup, day: dt.date, found: list[Appointment],
             zone: str) -> DayView:
        return DayView(day, closed_because(setup, day, holiday(zone, day)),
                       [a for a in found if a.start.date() == day])

    @audited
    def day(self, day: dt.date) -> DayView:
        """One day's appointments, journaled as one read naming the patients shown."""
        found = self._between(day, day + dt.timedelta(days=1))
        self._trail.record(Action.READ, target=f"agenda:day {day.isoformat()}",
                           detail=_shown(found))
        return self._day(self.setup(), day, found, self._settings.value(HOLIDAY_ZONE))

    @audited
    def week(self, day: dt.date) -> list[DayView]:
        """The Monday-to-Sunday week holding `day`, journaled as one read."""
        days = week_of(day)
        found = self._between(days[0], days[-1] + dt.timedelta(days=1))
        self._trail.record(Action.READ, target=f"agenda:week {days[0].isoformat()}",
                           detail=_shown(found))
        setup = self.setup()
        zone = self._settings.value(HOLIDAY_ZONE)  # read once for the seven days
        return [self._day(setup, d, found, zone) for d in days]

    @audited
    def waiting_room(self, day: dt.date) -> list[Appointment]:
        """Who is waiting (« arrivé »), first come first."""
        waiting = waiting_order(self._between(day, day + dt.timedelta(days=1)))
        self._trail.record(Action.READ, target=f"waiting room {day.isoformat()}",
                           detail=_shown(waiting))
        return waiting

    @audited
    def of_patient(self, patient_id: int) -> list[Appointment]:
        """One patient's appointments, past and to come."""
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        found = [_appointment(r) for r in self._agenda.patient_appointments(patient_id)]
        self._trail.record(Action.READ, patient_id=patient_id, target="appointments")
        return found

    @audited
    def print_day(self, day: dt.date, letterhead: "Letterhead", destination: Path) -> Path:
        """The day's list as a PDF in `destination` (the export folder); journaled."""
        from cabinet.documents.day_list import day_list_document
        from cabinet.documents.issue import unsigned

        found = self._between(day, day + dt.timedelta(days=1))
        listed = [a for a in found if a.status is not Status.CANCELLED]
        document = day_list_document(letterhead, day, self.closed(day),
                                     listed)
        written = write_file(destination, f"rendez-vous-{day.isoformat()}.pdf",
                             unsigned(document), CancelToken())
        self._trail.record(Action.EXPORT, target=f"agenda:day {day.isoformat()}",
                           detail=f"liste du jour imprimée : {_shown(listed)}")
        return destination / written.name

    # --- iCalendar ------------------------------------------------------------------------
    @not_audited("pages of the whole agenda for an export that journals itself")
    def everything(self) -> list[Appointment]:
        """Every appointment, in the order given (for the portability archive's writer)."""
        found: list[Appointment] = []
        while page := self._agenda.appointments_after(found[-1].id if found else 0, 5000):
            found += map(_appointment, page)
        return found

    @audited
    def export_calendar(self) -> bytes:
        """The whole agenda as iCalendar (RFC 5545), journaled as one export."""
        appointments = self.everything()
        self._trail.record(Action.EXPORT, target="agenda", detail=f"iCalendar : "
                           f"{_shown(appointments)}")
        return write_calendar(appointments, self._trail.clock.now())

    @audited
    def import_calendar(self, data: bytes,
                        patient_of: Callable[[int], int | None] | None = None) -> int:
        """Add the appointments of an iCalendar file Cabinet wrote; return how many.

        `patient_of` turns the file's patient numbers into this vault's (an archive's
        import), None for a patient not imported (a duplicate set aside: their appointments
        stay out); by default the numbers are this vault's own, and an unknown one refuses
        the file whole. An appointment already here (same patient, start, type) is skipped.
        """
        try:
            read = read_calendar(data)
        except CalendarError as error:
            raise InvalidInput(str(error)) from None
        mapped: dict[int, list[Appointment]] = {}
        for a in read:
            local = patient_of(a.patient_id) if patient_of else a.patient_id
            if local is None and patient_of is not None:
                continue
            if local is None or not self._store.patient_exists(local):
                raise InvalidInput(f"L'agenda cite le patient n° {a.patient_id}, absent du "
                                   "coffre : rien n'a été importé.")
            mapped.setdefault(local, []).append(replace(a, patient_id=local))
        added = 0
        for patient_id, appointments in mapped.items():
            known = {(a.start, a.type_name) for a in (
                _appointment(r) for r in self._agenda.patient_appointments(patient_id))}
            fresh = [a for a in appointments if (a.start, a.type_name) not in known]
            for a in fresh:
                self._agenda.add_appointment(_row(a), self._trail.actor.name, self._trail.now())
            self._trail.record(Action.CREATE, patient_id=patient_id, target="appointments",
                               detail=f"{len(fresh)} rendez-vous importé(s) (iCalendar)")
            added += len(fresh)
        if not mapped:
            self._trail.record(Action.CREATE, target="appointments",
                               detail="agenda iCalendar vide")
        return added

