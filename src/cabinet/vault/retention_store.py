"""The SQL side of retention: the `RetentionStore` over the record store's connection.

Sharing the connection puts archive moves, holds and a destruction with its certificate in
the services' transaction, with their audit events: a destruction commits whole or not at all.
"""

from collections.abc import Iterable

from cabinet.services.retention_ports import DestructionRow, Hold, RecordDates
from cabinet.vault.database import Connection

# One row per record, each column read through an index (entry_patient, the identity's
# (patient_id, version), legal_hold_patient): the daily pass stays linear in the patients.
_DATES = """
SELECT p.id, ix.birth_date,
  coalesce((SELECT max(e.effective_date) FROM entry e
            WHERE e.patient_id = p.id AND e.kind = 'encounter'), substr(p.created_at, 1, 10)),
  coalesce((SELECT json_extract(i.data, '$.death_date') FROM patient_identity i
            WHERE i.patient_id = p.id ORDER BY i.version DESC LIMIT 1), ''),
  coalesce((SELECT h.placed FROM legal_hold h WHERE h.patient_id = p.id
            ORDER BY h.id DESC LIMIT 1), 0),
  EXISTS (SELECT 1 FROM record_archive a WHERE a.patient_id = p.id)
FROM patient p JOIN patient_index ix ON ix.patient_id = p.id
WHERE NOT EXISTS (SELECT 1 FROM destroyed_record d WHERE d.patient_id = p.id)
"""


class SqlRetentionStore:
    """`RetentionStore` over one SQLCipher connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def record_dates(self, patient_ids: Iterable[int] | None = None, *,
                     archived_only: bool = False) -> list[RecordDates]:
        """The dates of every record not destroyed (or of the records named, or archived)."""
        if archived_only:
            rows = self._conn.execute(_DATES + " AND p.id IN (SELECT patient_id FROM "
                                      "record_archive) ORDER BY p.id").fetchall()
        elif patient_ids is None:
            rows = self._conn.execute(_DATES + " ORDER BY p.id").fetchall()
        else:
            ids = sorted(set(patient_ids))
            rows = self._conn.execute(
                _DATES + f" AND p.id IN ({', '.join('?' * len(ids))}) ORDER BY p.id",
                ids).fetchall()
        return [RecordDates(r[0], r[1], r[2][:10], r[3] or "", bool(r[4]), bool(r[5]))
                for r in rows]

    def archive(self, patient_ids: Iterable[int], day: str) -> None:
        """Put records in the intermediate archive."""
        self._conn.executemany(
            "INSERT OR IGNORE INTO record_archive (patient_id, archived_on) VALUES (?, ?)",
            [(p, day) for p in patient_ids])

    def archived_on(self, patient_id: int) -> str | None:
        """The day the record was archived, None when it is active."""
        row = self._conn.execute("SELECT archived_on FROM record_archive WHERE patient_id = ?",
                                 (patient_id,)).fetchone()
        return None if row is None else str(row[0])

    def reopen(self, patient_id: int) -> None:
        """Take a record out of the archive."""
        self._conn.execute("DELETE FROM record_archive WHERE patient_id = ?", (patient_id,))

    def add_hold(self, hold: Hold) -> None:
        """Append a hold placed or lifted."""
        self._conn.execute(
            "INSERT INTO legal_hold (patient_id, placed, reason, since, recorded_at, "
            "recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
            (hold.patient_id, int(hold.placed), hold.reason, hold.since, hold.recorded_at,
             hold.recorded_by))

    def holds(self, patient_id: int) -> list[Hold]:
        """A record's hold history, oldest first."""
        rows = self._conn.execute(
            "SELECT patient_id, placed, reason, since, recorded_at, recorded_by FROM legal_hold"
            " WHERE patient_id = ? ORDER BY id", (patient_id,))
        return [Hold(r[0], bool(r[1]), r[2], r[3], r[4], r[5]) for r in rows]

    def current_holds(self) -> list[Hold]:
        """The holds in force, one per record (its latest row placed it), by record."""
        rows = self._conn.execute(
            "SELECT patient_id, placed, reason, since, recorded_at, recorded_by FROM legal_hold"
            " h WHERE placed = 1 AND id = (SELECT max(id) FROM legal_hold l "
            "WHERE l.patient_id = h.patient_id) ORDER BY patient_id")
        return [Hold(r[0], bool(r[1]), r[2], r[3], r[4], r[5]) for r in rows]

    def last_pass_day(self) -> str:
        """The last day the pass ran ('' if never)."""
        return str(self._conn.execute(
            "SELECT coalesce(max(day), '') FROM retention_pass").fetchone()[0])

    def add_pass(self, day: str, archived: int, proposed: int, ran_at: str) -> None:
        """Record one pass."""
        self._conn.execute(
            "INSERT INTO retention_pass (day, archived, proposed, ran_at) VALUES (?, ?, ?, ?)",
            (day, archived, proposed, ran_at))

    def add_destruction(self, row: DestructionRow, patient_ids: Iterable[int]) -> int:
        """Keep a destruction and its certificate; mark its records destroyed."""
        cursor = self._conn.execute(
            "INSERT INTO destruction (records, certificate, certificate_sha256, destroyed_at, "
            "destroyed_by) VALUES (?, ?, ?, ?, ?)",
            (row.records, row.certificate, row.certificate_sha256, row.destroyed_at,
             row.destroyed_by))
        number = int(cursor.lastrowid or 0)
        self._conn.executemany(
            "INSERT INTO destroyed_record (patient_id, destruction) VALUES (?, ?)",
            [(p, number) for p in patient_ids])
        self._conn.executemany("DELETE FROM record_archive WHERE patient_id = ?",
                               [(p,) for p in patient_ids])
        return number

    def destructions(self) -> list[DestructionRow]:
        """Every destruction, newest first."""
        rows = self._conn.execute(
            "SELECT id, records, certificate, certificate_sha256, destroyed_at, destroyed_by "
            "FROM destruction ORDER BY id DESC")
        return [DestructionRow(r[0], r[1], bytes(r[2]), r[3], r[4], r[5]) for r in rows]

    def destroyed(self, patient_id: int) -> bool:
        """Whether the record's content was destroyed."""
        return self._conn.execute("SELECT 1 FROM destroyed_record WHERE patient_id = ?",
                                  (patient_id,)).fetchone() is not None
