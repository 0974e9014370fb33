"""The SQL side of the record: the `RecordStore` the services use, over one open vault.

Nothing here decides what is allowed: validation and audit are the services' job. This
module only reads and appends rows; corrections are new versions, never UPDATEs.
"""

import contextlib
import json
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from cabinet.audit import journal
from cabinet.domain.audit import AuditEvent, ChainReport, JournalRow
from cabinet.services.ports import (
    CopyRequestRow,
    DraftKey,
    JournalFilter,
    NewEntry,
    PatientRow,
    StoredVersion,
)
from cabinet.vault.database import Connection

ENTRY_COLUMNS = ("id, lineage, version, patient_id, kind, effective_date, payload, "
                  "non_communicable, author, created_at, reason")
_PATIENT_COLUMNS = "patient_id, display_name, birth_date, sex, nir"
_NOT_ARCHIVED = ("AND NOT EXISTS (SELECT 1 FROM record_archive a "
                 "WHERE a.patient_id = p.patient_id) ")


def entry_from_row(row: tuple[Any, ...]) -> StoredVersion:
    """A stored version from a row of `ENTRY_COLUMNS`."""
    return StoredVersion(id=row[0], lineage=row[1], version=row[2], patient_id=row[3],
                         kind=row[4], effective_date=row[5], payload=json.loads(row[6]),
                         non_communicable=bool(row[7]), author=row[8], created_at=row[9],
                         reason=row[10])


def _patient(row: tuple[Any, ...]) -> PatientRow:
    return PatientRow(*row)


def _dump(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


class SqlRecordStore:
    """`RecordStore` over one SQLCipher connection, serialised by a lock."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self._depth = 0
        self._audit_count = 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Re-entrant unit of work: the outermost level begins and commits.

        An inner level is a savepoint, so a failed inner call undoes its own writes even when
        its caller catches the error and goes on.
        """
        with self._lock:
            savepoint = f"level{self._depth}"
            self._conn.execute("BEGIN IMMEDIATE" if self._depth == 0
                               else f"SAVEPOINT {savepoint}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._conn.in_transaction:  # SQLite may already have rolled back (I/O)
                    self._conn.execute("ROLLBACK" if self._depth == 0
                                       else f"ROLLBACK TO {savepoint}")
                    if self._depth:
                        self._conn.execute(f"RELEASE {savepoint}")
                raise
            self._depth -= 1
            self._conn.execute("COMMIT" if self._depth == 0 else f"RELEASE {savepoint}")

    def append_audit(self, event: AuditEvent) -> None:
        """Chain one audit event inside the current transaction."""
        journal.append(self._conn, event)
        self._audit_count += 1

    def audit_events_written(self) -> int:
        """Audit events appended through this store."""
        return self._audit_count

    def add_patient(self, created_at: str, created_by: str) -> int:
        """Create a patient row."""
        cursor = self._conn.execute(
            "INSERT INTO patient (created_at, created_by) VALUES (?, ?)", (created_at, created_by))
        return int(cursor.lastrowid or 0)

    def patient_exists(self, patient_id: int) -> bool:
        """Tell whether the patient exists."""
        return self._conn.execute(
            "SELECT 1 FROM patient WHERE id = ?", (patient_id,)).fetchone() is not None

    def add_identity_version(self, patient_id: int, data: dict[str, Any], author: str,
                             created_at: str, reason: str) -> int:
        """Append the next identity version."""
        version = 1 + self._conn.execute(
            "SELECT coalesce(max(version), 0) FROM patient_identity WHERE patient_id = ?",
            (patient_id,)).fetchone()[0]
        self._conn.execute(
            "INSERT INTO patient_identity (patient_id, version, data, author, created_at, reason)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (patient_id, version, _dump(data), author, created_at, reason))
        return int(version)

    def identity_versions(self, patient_id: int) -> list[StoredVersion]:
        """Every identity version of a patient, oldest first."""
        rows = self._conn.execute(
            "SELECT id, patient_id, version, patient_id, 'identity', created_at, data, 0, "
            "author, created_at, reason FROM patient_identity WHERE patient_id = ? "
            "ORDER BY version", (patient_id,))
        return [entry_from_row(r) for r in rows]

    def reindex_patient(self, row: PatientRow, sort_name: str, tokens: Iterable[str]) -> None:
        """Replace the derived index rows of one patient."""
        self._conn.execute("DELETE FROM patient_name_token WHERE patient_id = ?",
                           (row.patient_id,))
        self._conn.executemany(
            "INSERT INTO patient_name_token (token, patient_id) VALUES (?, ?)",
            [(t, row.patient_id) for t in sorted(set(tokens))])
        self._conn.execute(
            "INSERT OR REPLACE INTO patient_index (patient_id, display_name, sort_name, "
            "birth_date, sex, nir) VALUES (?, ?, ?, ?, ?, ?)",
            (row.patient_id, row.display_name, sort_name, row.birth_date, row.sex, row.nir))

    def patients_by_tokens(self, prefixes: list[str], limit: int, *,
                           include_archived: bool = False) -> list[PatientRow]:
        """Patients whose names have a token starting with each prefix."""
        clauses = " ".join(
            "AND EXISTS (SELECT 1 FROM patient_name_token t WHERE t.patient_id = p.patient_id "
            "AND t.token >= ? AND t.token < ?)" for _ in prefixes[1:])
        params: list[Any] = [prefixes[0], prefixes[0] + "\uffff"]
        for prefix in prefixes[1:]:
            params += [prefix, prefix + "\uffff"]
        rows = self._conn.execute(
            f"SELECT DISTINCT {', '.join('p.' + c for c in _PATIENT_COLUMNS.split(', '))}, "
            "p.sort_name FROM patient_name_token f JOIN patient_index p "
            "ON p.patient_id = f.patient_id WHERE f.token >= ? AND f.token < ? "
            f"{clauses} {'' if include_archived else _NOT_ARCHIVED}ORDER BY p.sort_name LIMIT ?",
            (*params, limit))
        return [_patient(r[:5]) for r in rows]

    def patients_by_birth_date(self, iso_date: str, limit: int, *,
                               include_archived: bool = False) -> list[PatientRow]:
        """Patients born that day, by name."""
        rows = self._conn.execute(
            f"SELECT {_PATIENT_COLUMNS} FROM patient_index p WHERE birth_date = ? "
            f"{'' if include_archived else _NOT_ARCHIVED}ORDER BY sort_name LIMIT ?",
            (iso_date, limit))
        return [_patient(r) for r in rows]

    def patients_by_nir_prefix(self, prefix: str, limit: int, *,
                               include_archived: bool = False) -> list[PatientRow]:
        """Patients whose NIR starts with the digits typed."""
        rows = self._conn.execute(
            f"SELECT {_PATIENT_COLUMNS} FROM patient_index p WHERE nir >= ? AND nir < ? "
            f"{'' if include_archived else _NOT_ARCHIVED}ORDER BY nir LIMIT ?",
            (prefix, prefix + "\uffff", limit))
        return [_patient(r) for r in rows]

    def add_entry(self, entry: NewEntry) -> int:
        """Append one entry version; the full-text index follows the newest version.

        A first version is its own lineage: its id is chosen before the insert (the write
        lock of the transaction makes that safe), so no row is ever updated afterwards; an
        erased entry's numbers are never given again.
        """
        entry_id = 1 + self._conn.execute(
            "SELECT max(coalesce((SELECT max(id) FROM entry), 0), "
            "coalesce((SELECT max(top_id) FROM erasure), 0))").fetchone()[0]
        lineage = entry_id if entry.lineage is None else entry.lineage
        self._conn.execute(
            "INSERT INTO entry (id, patient_id, kind, lineage, version, effective_date, "
            "payload, non_communicable, author, created_at, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry_id, entry.patient_id, entry.kind, lineage, entry.version,
             entry.effective_date, _dump(entry.payload), int(entry.non_communicable),
             entry.author, entry.created_at, entry.reason))
        if entry.lineage is not None:
            self._conn.execute(
                "DELETE FROM entry_text WHERE rowid IN (SELECT id FROM entry WHERE lineage = ? "
                "AND id != ?)", (lineage, entry_id))
        if entry.text:
            self._conn.execute("INSERT INTO entry_text (rowid, body) VALUES (?, ?)",
                               (entry_id, entry.text))
        return int(entry_id)

    def current_entries(self, patient_id: int) -> list[StoredVersion]:
        """The newest version of each entry of a patient."""
        rows = self._conn.execute(
            f"SELECT {ENTRY_COLUMNS} FROM entry e WHERE patient_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM entry n WHERE n.lineage = e.lineage AND n.version > e.version) "
            "ORDER BY effective_date DESC, id DESC", (patient_id,))
        return [entry_from_row(r) for r in rows]

    def entry_versions(self, lineage: int) -> list[StoredVersion]:
        """Every version of one entry."""
        rows = self._conn.execute(
            f"SELECT {ENTRY_COLUMNS} FROM entry WHERE lineage = ? ORDER BY version", (lineage,))
        return [entry_from_row(r) for r in rows]

    def put_blob(self, sha256: str, content: bytes) -> None:
        """Store a file once per content."""
        self._conn.execute("INSERT OR IGNORE INTO blob (sha256, size, content) VALUES (?, ?, ?)",
                           (sha256, len(content), content))

    def get_blob(self, sha256: str) -> bytes:
        """Read a stored file."""
        row = self._conn.execute("SELECT content FROM blob WHERE sha256 = ?",
                                 (sha256,)).fetchone()
        if row is None:
            raise KeyError(sha256)
        return bytes(row[0])

    def full_text(self, match: str, limit: int) -> list[StoredVersion]:
        """Newest matching entries first; FTS5 walks its doclist backwards and stops early."""
        rows = self._conn.execute(
            f"SELECT {', '.join('e.' + c for c in ENTRY_COLUMNS.split(', '))} FROM "
            "(SELECT rowid FROM entry_text WHERE entry_text MATCH ? ORDER BY rowid DESC "
            "LIMIT ?) hit JOIN entry e ON e.id = hit.rowid ORDER BY e.id DESC", (match, limit))
        return [entry_from_row(r) for r in rows]

    def put_draft(self, key: DraftKey, author_id: str, payload: dict[str, Any], author: str,
                  updated_at: str) -> None:
        """Create or replace a draft (drafts are working state, replaced as typing goes)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO draft (patient_id, kind, lineage, author_id, payload, "
            "author, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key.patient_id, key.kind, key.lineage, author_id, _dump(payload), author,
             updated_at))

    def get_draft(self, key: DraftKey, author_id: str) -> tuple[dict[str, Any], str] | None:
        """One author's draft and when it was saved."""
        row = self._conn.execute(
            "SELECT payload, updated_at FROM draft WHERE patient_id = ? AND kind = ? "
            "AND lineage = ? AND author_id = ?",
            (key.patient_id, key.kind, key.lineage, author_id)).fetchone()
        return (json.loads(row[0]), str(row[1])) if row else None

    def delete_draft(self, key: DraftKey, author_id: str) -> bool:
        """Remove one author's draft."""
        cursor = self._conn.execute(
            "DELETE FROM draft WHERE patient_id = ? AND kind = ? AND lineage = ? "
            "AND author_id = ?", (key.patient_id, key.kind, key.lineage, author_id))
        return cursor.rowcount > 0

    def settings(self) -> dict[str, str]:
        """The settings chosen so far."""
        return dict(self._conn.execute("SELECT key, value FROM setting").fetchall())

    def put_setting(self, key: str, value: str, author: str, updated_at: str) -> None:
        """Store one setting's value."""
        self._conn.execute(
            "INSERT OR REPLACE INTO setting (key, value, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?)", (key, value, author, updated_at))

    def audit_rows(self, patient_id: int | None, limit: int,
                   journal_filter: JournalFilter | None = None) -> list[dict[str, Any]]:
        """Journal events, newest first, narrowed by patient and by `journal_filter`."""
        clauses: list[str] = []
        params: list[Any] = []
        if patient_id is not None:
            clauses.append("patient_id = ?")
            params.append(patient_id)
        for column, operator, value in (journal_filter or JournalFilter()).conditions():
            clauses.append(f"{column} {operator} ?")
            params.append(value)
        scope = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        cursor = self._conn.execute(
            "SELECT id, at, actor, actor_id, mode, workstation, action, patient_id, target, "
            f"detail FROM audit {scope} ORDER BY id DESC LIMIT ?", (*params, limit))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def verify_journal(self) -> ChainReport:
        """Check the whole hash chain."""
        return journal.verify(self._conn)

    def journal_rows_after(self, after_id: int, limit: int) -> list[JournalRow]:
        """Stored journal rows after an id, in order."""
        return journal.rows_after(self._conn, after_id, limit)

    def add_copy_request(self, patient_id: int, request: dict[str, Any], received_on: str,
                         created_by: str, created_at: str) -> int:
        """Register a copy request; return its number."""
        cursor = self._conn.execute(
            "INSERT INTO copy_request (patient_id, request, received_on, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (patient_id, json.dumps(request, ensure_ascii=False), received_on, created_by,
             created_at))
        return int(cursor.lastrowid or 0)

    def copy_requests(self, patient_id: int | None) -> list[CopyRequestRow]:
        """The register, newest first: one patient's requests, or every undelivered one."""
        where, params = (("patient_id = ?", (patient_id,)) if patient_id is not None
                         else ("delivered_at IS NULL", ()))
        rows = self._conn.execute(
            "SELECT id, patient_id, request, received_on, created_by, created_at, delivered_at, "
            f"delivery FROM copy_request WHERE {where} ORDER BY id DESC", params).fetchall()
        return [CopyRequestRow(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5], r[6],
                               json.loads(r[7]) if r[7] else None) for r in rows]

    def mark_copy_delivered(self, request_id: int, delivered_at: str,
                            delivery: dict[str, Any]) -> None:
        """Record, once, that a request was answered and with what."""
        self._conn.execute("UPDATE copy_request SET delivered_at = ?, delivery = ? WHERE id = ?",
                           (delivered_at, json.dumps(delivery, ensure_ascii=False), request_id))

    def counts(self) -> dict[str, int]:
        """Sizes of the vault's content."""
        counts = {
            "patients": self._conn.execute("SELECT count(*) FROM patient").fetchone()[0],
            "files": self._conn.execute("SELECT count(*) FROM blob").fetchone()[0],
            "audit_events": self._conn.execute("SELECT count(*) FROM audit").fetchone()[0],
        }
        for kind, number in self._conn.execute(
                "SELECT kind, count(DISTINCT lineage) FROM entry GROUP BY kind"):
            counts[f"entries.{kind}"] = number
        return counts
