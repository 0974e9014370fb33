"""The SQL side of the agenda: the `AgendaStore` over the record store's connection.

Sharing the connection puts every agenda write inside the record store's transaction, with
its audit event. Nothing here decides what is allowed: that is the agenda service's job.
"""

import json
from typing import Any

from cabinet.services.agenda_ports import AppointmentRow
from cabinet.vault.database import Connection

_SELECT = ("SELECT a.id, a.patient_id, a.type_name, a.start, a.minutes, a.reason, a.status, "
           "a.arrived_at, coalesce(p.display_name, '') FROM appointment a "
           "LEFT JOIN patient_index p ON p.patient_id = a.patient_id ")


class SqlAgendaStore:
    """`AgendaStore` over one SQLCipher connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def agenda_setup(self) -> dict[str, Any] | None:
        """The stored setup, None when never changed."""
        row = self._conn.execute("SELECT setup FROM agenda_setup WHERE id = 1").fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put_agenda_setup(self, setup: dict[str, Any], author: str, updated_at: str) -> None:
        """Replace the one setup row."""
        self._conn.execute(
            "INSERT OR REPLACE INTO agenda_setup (id, setup, updated_by, updated_at) "
            "VALUES (1, ?, ?, ?)", (json.dumps(setup, ensure_ascii=False), author, updated_at))

    def add_appointment(self, row: AppointmentRow, author: str, created_at: str) -> int:
        """Insert an appointment."""
        cursor = self._conn.execute(
            "INSERT INTO appointment (patient_id, type_name, start, minutes, reason, status, "
            "arrived_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.patient_id, row.type_name, row.start, row.minutes, row.reason, row.status,
             row.arrived_at, author, created_at, created_at))
        return int(cursor.lastrowid or 0)

    def appointment(self, appointment_id: int) -> AppointmentRow | None:
        """One appointment with its patient's name."""
        row = self._conn.execute(_SELECT + "WHERE a.id = ?", (appointment_id,)).fetchone()
        return None if row is None else AppointmentRow(*row)

    def update_appointment(self, row: AppointmentRow, updated_at: str) -> None:
        """Store what may change of an appointment."""
        self._conn.execute(
            "UPDATE appointment SET start = ?, minutes = ?, status = ?, arrived_at = ?, "
            "updated_at = ? WHERE id = ?",
            (row.start, row.minutes, row.status, row.arrived_at, updated_at, row.id))

    def appointments_between(self, start: str, end: str) -> list[AppointmentRow]:
        """A period's appointments by the start index."""
        rows = self._conn.execute(_SELECT + "WHERE a.start >= ? AND a.start < ? "
                                  "ORDER BY a.start, a.id", (start, end))
        return [AppointmentRow(*r) for r in rows]

    def patient_appointments(self, patient_id: int) -> list[AppointmentRow]:
        """One patient's appointments by the patient index."""
        rows = self._conn.execute(_SELECT + "WHERE a.patient_id = ? ORDER BY a.start, a.id",
                                  (patient_id,))
        return [AppointmentRow(*r) for r in rows]

    def appointments_after(self, after_id: int, limit: int) -> list[AppointmentRow]:
        """A page of the whole agenda."""
        rows = self._conn.execute(_SELECT + "WHERE a.id > ? ORDER BY a.id LIMIT ?",
                                  (after_id, limit))
        return [AppointmentRow(*r) for r in rows]
