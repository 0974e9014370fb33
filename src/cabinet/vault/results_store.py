"""The SQL side of lab results: only INSERTs and reads, on the record store's connection.

A received file, its filing and its values commit with the document entry and the journal
event in the record store's transaction; the schema's triggers refuse UPDATE and DELETE.
"""

import dataclasses
import datetime as dt

from cabinet.domain.hprim import LabValue
from cabinet.domain.lab_results import DatedValue
from cabinet.services.results_ports import Decision, ReceivedFile
from cabinet.vault.database import Connection

_VALUE_COLUMNS = ("sampled_on, label, code, kind, value, number, unit, low, high, flag, "
                  "status, comment")


class SqlResultStore:
    """`ResultStore` over one SQLCipher connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def received(self, sha256: str) -> bool:
        """Whether a file with these bytes was already received."""
        return self._conn.execute("SELECT 1 FROM result_file WHERE sha256 = ?",
                                  (sha256,)).fetchone() is not None

    def add_file(self, received: ReceivedFile, received_by: str) -> int:
        """Keep a received file's description; return its id."""
        cursor = self._conn.execute(
            "INSERT INTO result_file (sha256, filename, format, reason, received_at, "
            "received_by) VALUES (?, ?, ?, ?, ?, ?)",
            (received.sha256, received.filename, received.format, received.reason,
             received.received_at, received_by))
        return int(cursor.lastrowid or 0)

    def decide(self, decision: Decision) -> None:
        """Record the one decision on a file (a second is refused by the primary key)."""
        self._conn.execute(
            "INSERT INTO result_decision (file_id, patient_id, document, how, decided_at, "
            "decided_by) VALUES (?, ?, ?, ?, ?, ?)", dataclasses.astuple(decision))

    def pending(self) -> list[ReceivedFile]:
        """Files without a decision, oldest first."""
        return [ReceivedFile(*row) for row in self._conn.execute(
            "SELECT id, sha256, filename, format, reason, received_at FROM result_file f "
            "WHERE NOT EXISTS (SELECT 1 FROM result_decision d WHERE d.file_id = f.id) "
            "ORDER BY id")]

    def add_values(self, patient_id: int, file_id: int, values: list[DatedValue]) -> None:
        """Store a filed file's values."""
        self._conn.executemany(
            f"INSERT INTO lab_value (patient_id, file_id, {_VALUE_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(patient_id, file_id, d.sampled_on.isoformat(), v.label, v.code, v.kind, v.value,
              v.number, v.unit, v.low, v.high, v.flag, v.status, v.comment)
             for d in values for v in (d.value,)])

    def values(self, patient_id: int) -> list[DatedValue]:
        """A patient's results, oldest first."""
        return [DatedValue(dt.date.fromisoformat(r[0]), LabValue(
            label=r[1], code=r[2], kind=r[3], value=r[4], number=r[5], unit=r[6], low=r[7],
            high=r[8], flag=r[9], status=r[10], comment=r[11]))
            for r in self._conn.execute(
                f"SELECT {_VALUE_COLUMNS} FROM lab_value WHERE patient_id = ? "
                "ORDER BY sampled_on, id", (patient_id,))]
