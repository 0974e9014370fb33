"""The SQL side of the patients' information and the data-breach register: INSERTs and reads.

Both tables are append-only (migration 0013): a correction of the register is a new row.
"""

import json

from cabinet.domain.breach import BreachRow
from cabinet.domain.compliance import InformationGiven
from cabinet.vault.database import Connection


class SqlComplianceStore:
    """`ComplianceStore` over the record store's connection (its transactions)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_information(self, given: InformationGiven) -> None:
        """Record that a patient was informed, when and how."""
        self._conn.execute(
            "INSERT INTO information_given (patient_id, given_on, means, recorded_at, "
            "recorded_by) VALUES (?, ?, ?, ?, ?)",
            (given.patient_id, given.given_on, given.means, given.recorded_at,
             given.recorded_by))

    def information(self, patient_id: int) -> list[InformationGiven]:
        """A patient's information, oldest first."""
        return [InformationGiven(*row) for row in self._conn.execute(
            "SELECT patient_id, given_on, means, recorded_at, recorded_by FROM "
            "information_given WHERE patient_id = ? ORDER BY given_on, id", (patient_id,))]

    def add_breach(self, corrects: int | None, line: dict[str, str], recorded_at: str,
                   recorded_by: str) -> int:
        """Write a register line; return its number."""
        cursor = self._conn.execute(
            "INSERT INTO breach (corrects, data, recorded_at, recorded_by) VALUES (?, ?, ?, ?)",
            (corrects, json.dumps(line, ensure_ascii=False), recorded_at, recorded_by))
        return int(cursor.lastrowid or 0)

    def breaches(self) -> list[BreachRow]:
        """Every line ever written, oldest first."""
        return [BreachRow(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in self._conn.execute(
            "SELECT id, corrects, data, recorded_at, recorded_by FROM breach ORDER BY id")]
