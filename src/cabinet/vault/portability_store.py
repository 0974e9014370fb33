"""The SQL side of the portability archive: read a practice in order, write an import.

It shares the record store's connection, so an import runs inside the record store's
transaction, with its audit events: all of it commits, or none.
"""

import json
from collections.abc import Iterable
from typing import Any

from cabinet.domain.audit import AuditEvent, JournalRow
from cabinet.services.ports import ImportedArchive, StoredVersion, SuccessorChoice
from cabinet.vault.database import Connection
from cabinet.vault.store import ENTRY_COLUMNS, entry_from_row


class SqlPortabilityStore:
    """`PortabilityStore` over one SQLCipher connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def patient_ids(self, after: int, limit: int) -> list[int]:
        """Patient numbers after `after`, in order, a page at a time."""
        return [r[0] for r in self._conn.execute(
            "SELECT id FROM patient WHERE id > ? ORDER BY id LIMIT ?", (after, limit))]

    def patients_seen(self, since: str, until: str) -> list[int]:
        """Patients with an entry dated within [since, until]."""
        return [r[0] for r in self._conn.execute(
            "SELECT DISTINCT patient_id FROM entry WHERE effective_date BETWEEN ? AND ? "
            "ORDER BY patient_id", (since, until))]

    def patient_created(self, patient_id: int) -> tuple[str, str]:
        """When and by whom the patient was created."""
        row = self._conn.execute("SELECT created_at, created_by FROM patient WHERE id = ?",
                                 (patient_id,)).fetchone()
        return str(row[0]), str(row[1])

    def all_entries(self, patient_id: int) -> list[StoredVersion]:
        """Every version of every entry of a patient, in the order they were written."""
        rows = self._conn.execute(
            f"SELECT {ENTRY_COLUMNS} FROM entry WHERE patient_id = ? ORDER BY id", (patient_id,))
        return [entry_from_row(r) for r in rows]

    def add_patient_as(self, created_at: str, created_by: str) -> int:
        """A patient row keeping its original creation time and author."""
        cursor = self._conn.execute(
            "INSERT INTO patient (created_at, created_by) VALUES (?, ?)", (created_at, created_by))
        return int(cursor.lastrowid or 0)

    def add_archive(self, archive: ImportedArchive) -> int:
        """Keep the imported archive's manifest and signature as received."""
        cursor = self._conn.execute(
            "INSERT INTO imported_archive (export_id, manifest, signature, exporter, "
            "exporter_rpps, certificate_sha256, extract_time, imported_at, imported_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (archive.export_id, archive.manifest, archive.signature, archive.exporter,
             archive.exporter_rpps, archive.certificate_sha256, archive.extract_time,
             archive.imported_at, archive.imported_by))
        return int(cursor.lastrowid or 0)

    def archives_numbered(self, export_id: str) -> list[ImportedArchive]:
        """The archives imported under this export number (a forgery may reuse one)."""
        return self._archives("WHERE export_id = ?", (export_id,))

    def imported_archives(self) -> list[ImportedArchive]:
        """Every imported archive, oldest first."""
        return self._archives("", ())

    def _archives(self, where: str, parameters: tuple[str, ...]) -> list[ImportedArchive]:
        rows = self._conn.execute(
            "SELECT id, export_id, manifest, signature, exporter, exporter_rpps, "
            f"certificate_sha256, extract_time, imported_at, imported_by FROM imported_archive "
            f"{where} ORDER BY id", parameters)
        return [ImportedArchive(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[0])
                for r in rows]

    def add_provenance(self, archive: int, kind: str,
                       pairs: Iterable[tuple[int, int]]) -> None:
        """Record (local id, source id) pairs of one kind of imported row."""
        self._conn.executemany(
            "INSERT INTO provenance (kind, local_id, archive, source_id) VALUES (?, ?, ?, ?)",
            [(kind, local, archive, source) for local, source in pairs])

    def provenance(self, kind: str, local_id: int) -> tuple[int, int] | None:
        """(archive, source id) of an imported row, None for a row written here."""
        row = self._conn.execute(
            "SELECT archive, source_id FROM provenance WHERE kind = ? AND local_id = ?",
            (kind, local_id)).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def add_predecessor_events(self, archive: int,
                               rows: Iterable[JournalRow]) -> None:
        """Keep the predecessor's journal rows, links included, read-only."""
        self._conn.executemany(
            "INSERT INTO predecessor_journal (archive, source_id, event, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?)",
            [(archive, source_id, json.dumps(event.__dict__, ensure_ascii=False), prev, digest)
             for source_id, event, prev, digest in rows])

    def predecessor_events(self, archive: int, after: int,
                           limit: int) -> list[JournalRow]:
        """The predecessor's journal rows after a source id, in order."""
        rows = self._conn.execute(
            "SELECT source_id, event, prev_hash, hash FROM predecessor_journal "
            "WHERE archive = ? AND source_id > ? ORDER BY source_id LIMIT ?",
            (archive, after, limit))
        return [(r[0], AuditEvent(**json.loads(r[1])), r[2], r[3]) for r in rows]

    def add_choice(self, choice: SuccessorChoice) -> None:
        """Record a patient's choice of successor (the latest one counts)."""
        self._conn.execute(
            "INSERT INTO successor_choice (patient_id, choice, physician, decided_on, "
            "recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
            (choice.patient_id, choice.choice, choice.physician, choice.decided_on,
             choice.recorded_at, choice.recorded_by))

    def latest_choices(self) -> dict[int, SuccessorChoice]:
        """Each patient's latest choice."""
        rows = self._conn.execute(
            "SELECT patient_id, choice, physician, decided_on, recorded_at, recorded_by "
            "FROM successor_choice c WHERE id = (SELECT max(id) FROM successor_choice d "
            "WHERE d.patient_id = c.patient_id)")
        return {r[0]: SuccessorChoice(*r) for r in rows}

    def find_duplicates(self, nir: str, birth_date: str) -> list[tuple[int, dict[str, Any]]]:
        """Patients here with this NIR or born that day, with their current identity."""
        rows = self._conn.execute(
            "SELECT i.patient_id, i.data FROM patient_index p JOIN patient_identity i "
            "ON i.patient_id = p.patient_id AND i.version = (SELECT max(version) FROM "
            "patient_identity v WHERE v.patient_id = p.patient_id) "
            "WHERE (p.nir = ? AND p.nir != '') OR p.birth_date = ?", (nir, birth_date))
        return [(r[0], json.loads(r[1])) for r in rows]
