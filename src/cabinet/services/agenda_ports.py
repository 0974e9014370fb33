"""What the agenda service needs from storage, declared as a Protocol the vault implements."""

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class AppointmentRow:
    """One appointment as stored: times are the practice's wall clock (ISO, minutes)."""

    id: int
    patient_id: int
    type_name: str
    start: str
    minutes: int
    reason: str
    status: str
    arrived_at: str
    patient_name: str


class AgendaStore(Protocol):
    """The agenda's rows, on the record store's connection and inside its transactions."""

    def agenda_setup(self) -> dict[str, Any] | None:
        """The setup as stored, None when the defaults were never changed."""
        ...

    def put_agenda_setup(self, setup: dict[str, Any], author: str, updated_at: str) -> None:
        """Replace the setup."""
        ...

    def add_appointment(self, row: AppointmentRow, author: str, created_at: str) -> int:
        """Write a new appointment (its id and name ignored); return its number."""
        ...

    def appointment(self, appointment_id: int) -> AppointmentRow | None:
        """One appointment, with its patient's name."""
        ...

    def update_appointment(self, row: AppointmentRow, updated_at: str) -> None:
        """Store an appointment's new start, duration, status and arrival time."""
        ...

    def appointments_between(self, start: str, end: str) -> list[AppointmentRow]:
        """Appointments starting in [start, end), in time order, with their patients' names."""
        ...

    def patient_appointments(self, patient_id: int) -> list[AppointmentRow]:
        """One patient's appointments, in time order."""
        ...

    def appointments_after(self, after_id: int, limit: int) -> list[AppointmentRow]:
        """Every appointment after an id, in id order (a whole agenda a page at a time)."""
        ...
