"""The SQL side of the templates and the address book (migration 0011).

It shares the record store's connection: each change commits with its journal event in the
record store's transaction.
"""

from typing import Any

from cabinet.domain.correspondents import Correspondent
from cabinet.vault.database import Connection

_COLUMNS = "id, name, specialty, rpps, address, phone, mssante, certificate"
_PERSON = f"SELECT {_COLUMNS} FROM correspondent"


def _person(row: tuple[Any, ...]) -> Correspondent:
    return Correspondent(id=row[0], name=row[1], specialty=row[2], rpps=row[3], address=row[4],
                         phone=row[5], mssante=row[6], certificate=bytes(row[7]))


class SqlWritingStore:
    """`TemplateStore` and `CorrespondentStore` over one SQLCipher connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def edited_templates(self) -> dict[str, str]:
        """The physician's text of each template they changed."""
        return dict(self._conn.execute("SELECT key, body FROM document_template").fetchall())

    def put_template(self, key: str, body: str, saved_at: str, saved_by: str) -> None:
        """Keep the physician's text of a template, replacing an earlier one."""
        self._conn.execute(
            "INSERT INTO document_template (key, body, saved_at, saved_by) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at,"
            " saved_by = excluded.saved_by", (key, body, saved_at, saved_by))

    def drop_template(self, key: str) -> bool:
        """Forget the physician's text; False if there was none."""
        return self._conn.execute("DELETE FROM document_template WHERE key = ?",
                                  (key,)).rowcount > 0

    def correspondents(self) -> list[Correspondent]:
        """Every correspondent, by name."""
        return [_person(r) for r in self._conn.execute(f"{_PERSON} ORDER BY name, id")]

    def correspondent(self, correspondent_id: int) -> Correspondent | None:
        """One correspondent, None if there is no such number."""
        row = self._conn.execute(f"{_PERSON} WHERE id = ?", (correspondent_id,)).fetchone()
        return None if row is None else _person(row)

    def correspondent_by_rpps(self, rpps: str) -> Correspondent | None:
        """The correspondent holding this RPPS number, if any."""
        row = self._conn.execute(f"{_PERSON} WHERE rpps = ? AND rpps != ''", (rpps,)).fetchone()
        return None if row is None else _person(row)

    def put_correspondent(self, person: Correspondent, changed_at: str) -> int:
        """Add (`id` 0) or replace a correspondent; return its number."""
        values = (person.name, person.specialty, person.rpps, person.address, person.phone,
                  person.mssante, person.certificate, changed_at)
        if person.id:
            self._conn.execute(
                "UPDATE correspondent SET name = ?, specialty = ?, rpps = ?, address = ?, "
                "phone = ?, mssante = ?, certificate = ?, changed_at = ? WHERE id = ?",
                (*values, person.id))
            return person.id
        cursor = self._conn.execute(
            "INSERT INTO correspondent (name, specialty, rpps, address, phone, mssante, "
            "certificate, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
        return int(cursor.lastrowid or 0)

    def drop_correspondent(self, correspondent_id: int) -> None:
        """Remove a correspondent and its links to patients."""
        self._conn.execute("DELETE FROM patient_correspondent WHERE correspondent_id = ?",
                           (correspondent_id,))
        self._conn.execute("DELETE FROM correspondent WHERE id = ?", (correspondent_id,))

    def link(self, patient_id: int, correspondent_id: int, role: str) -> None:
        """Link a correspondent to a patient (`treating` replaces the previous one)."""
        if role == "treating":
            self._conn.execute("UPDATE patient_correspondent SET role = 'usual' "
                               "WHERE patient_id = ? AND role = 'treating'", (patient_id,))
        self._conn.execute(
            "INSERT INTO patient_correspondent (patient_id, correspondent_id, role) "
            "VALUES (?, ?, ?) ON CONFLICT (patient_id, correspondent_id) "
            "DO UPDATE SET role = excluded.role", (patient_id, correspondent_id, role))

    def unlink(self, patient_id: int, correspondent_id: int) -> None:
        """Remove a correspondent from a patient's."""
        self._conn.execute("DELETE FROM patient_correspondent WHERE patient_id = ? "
                           "AND correspondent_id = ?", (patient_id, correspondent_id))

    def linked(self, patient_id: int) -> list[tuple[Correspondent, str]]:
        """A patient's correspondents with their role, the médecin traitant first."""
        rows = self._conn.execute(
            f"SELECT {', '.join('c.' + c for c in _COLUMNS.split(', '))}, l.role "
            "FROM patient_correspondent l JOIN correspondent c ON c.id = l.correspondent_id "
            "WHERE l.patient_id = ? ORDER BY l.role = 'usual', c.name", (patient_id,))
        return [(_person(r[:8]), r[8]) for r in rows]
