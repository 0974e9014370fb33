"""The vault's files taken consistently, and checked once restored.

The files are taken as they are on disk, still SQLCipher-encrypted: unchanged pages keep their
bytes, so the next backup finds their chunks already on the medium. Two ways, both on a second
connection after a checkpoint, so that the last committed entry is in:

- `captured` copies them under the write lock (no commit can slip between the database, its
  WAL and the header): the lock takes it, since the copy must outlive the data key;
- `read_in_place` leaves the database where it lies and reads it under a read transaction
  begun on an empty WAL. Such a reader reads the database file alone, and SQLite's
  checkpointer must take that reader's lock (WAL_READ_LOCK(0)) before it writes any page back
  into the file: the file cannot change until the backup ends, while the physician's commits
  go on into the WAL. A full backup then reads the vault once instead of copying it first.
"""

import contextlib
import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cabinet.audit import journal
from cabinet.backup.scratch import scratch_folder
from cabinet.domain.audit import AuditEvent
from cabinet.errors import KnownError
from cabinet.vault import database
from cabinet.vault.layout import VaultLayout


@dataclass(frozen=True)
class Capture:
    """A consistent copy of the vault's files in a private scratch folder."""

    files: dict[str, Path]
    header: bytes
    facts: dict[str, Any]


def files_of(layout: VaultLayout) -> list[Path]:
    """What a backup holds besides the header: the database, its WAL, the pending log."""
    return [layout.database, layout.sidecar_files()[0], layout.pending_log]


@contextlib.contextmanager
def captured(layout: VaultLayout, data_key: bytes) -> Iterator[Capture]:
    """Copy the vault's files under its write lock; the copy is removed afterwards."""
    with scratch_folder("backup") as scratch:
        with _checkpointed(layout, data_key) as conn, database.transaction(conn):
            capture = _taken(layout, conn, scratch, files_of(layout))
        yield capture


@contextlib.contextmanager
def read_in_place(layout: VaultLayout, data_key: bytes) -> Iterator[Capture]:
    """The database read where it lies, under a read snapshot no checkpoint can overwrite.

    Falls back to `captured` when commits keep refilling the WAL before the snapshot begins.
    """
    wal = layout.sidecar_files()[0]
    with scratch_folder("backup") as scratch, _checkpointed(layout, data_key) as conn:
        for _ in range(SNAPSHOT_ATTEMPTS):
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM meta").fetchone()  # the snapshot begins here
            if not wal.exists() or wal.stat().st_size == 0:
                try:
                    capture = _taken(layout, conn, scratch, [layout.pending_log])
                    yield Capture({layout.database.name: layout.database, **capture.files},
                                  capture.header, capture.facts)
                finally:
                    conn.execute("ROLLBACK")
                return
            conn.execute("ROLLBACK")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with captured(layout, data_key) as capture:
        yield capture


SNAPSHOT_ATTEMPTS = 5


@contextlib.contextmanager
def _checkpointed(layout: VaultLayout, data_key: bytes) -> Iterator[database.Connection]:
    """A second connection on the vault, its WAL written back into the database first."""
    conn = database.connect(layout.database, data_key)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield conn
    finally:
        conn.close()


def _taken(layout: VaultLayout, conn: database.Connection, scratch: Path,
           sources: list[Path]) -> Capture:
    """The facts of the snapshot `conn` reads, and `sources` copied into `scratch`."""
    facts = vault_facts(conn)
    files = {}
    for source in sources:
        if source.exists():
            files[source.name] = scratch / source.name
            shutil.copyfile(source, files[source.name])
    return Capture(files, layout.header.read_bytes(), facts)


def vault_facts(conn: database.Connection) -> dict[str, Any]:
    """What a restored copy must show again: schema, patients, documents, journal's end."""
    last = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return {
        "schema_version": int(conn.execute("PRAGMA user_version").fetchone()[0]),
        "patients": int(conn.execute("SELECT count(*) FROM patient").fetchone()[0]),
        "documents": int(conn.execute("SELECT count(*) FROM blob").fetchone()[0]),
        "journal_last_id": int(last[0]) if last else 0,
        "journal_last_hash": str(last[1]) if last else "",
    }


def check_restored(folder: Path, data_key: bytes, expected: dict[str, Any]) -> list[str]:
    """Problems of a restored vault, in French: pages, schema, journal, documents, counts."""
    try:
        conn = database.connect(VaultLayout(folder).database, data_key)
    except KnownError as error:
        return [error.message]
    try:
        problems = [f"page {page} : contenu altéré" for page in database.damaged_pages(conn)]
        if problems:
            return problems
        problems += database.structure_problems(conn)
        if conn.execute("PRAGMA user_version").fetchone()[0] != database.latest_schema_version():
            problems.append("version du schéma inattendue")
        report = journal.verify(conn)
        if not report.intact:
            problems.append(report.summary())
        problems += [f"document {sha[:12]}… : empreinte différente" for sha, content in
                     conn.execute("SELECT sha256, content FROM blob")
                     if hashlib.sha256(content).hexdigest() != sha]
        found = vault_facts(conn)
        problems += [f"{name} : {found[name]} au lieu de {expected.get(name)}"
                     for name in ("patients", "documents", "journal_last_id",
                                  "journal_last_hash") if found[name] != expected.get(name)]
        return problems
    finally:
        conn.close()


def journal_restore(folder: Path, data_key: bytes, event: AuditEvent) -> None:
    """Write the restore's own event into the restored vault's journal."""
    conn = database.connect(VaultLayout(folder).database, data_key)
    try:
        with database.transaction(conn):
            journal.append(conn, event)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def owner_of(folder: Path, data_key: bytes) -> tuple[str, str]:
    """The restored vault's titular physician (name, RPPS), who restores with its key."""
    conn = database.connect(VaultLayout(folder).database, data_key)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN "
                                 "('owner_name', 'owner_id')").fetchall())
    finally:
        conn.close()
    return str(meta.get("owner_name", "")), str(meta.get("owner_id", ""))
