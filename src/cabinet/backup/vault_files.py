"""The vault's files taken consistently, and checked once restored.

The copy is taken on a second connection holding the write lock after a checkpoint: no commit
can slip between the database, its WAL and the header, and the last committed entry is in.
The files are copied as they are on disk, still SQLCipher-encrypted: unchanged pages keep
their bytes, so the next backup finds their chunks already on the medium.
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
        conn = database.connect(layout.database, data_key)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with database.transaction(conn):
                facts = vault_facts(conn)
                files = {}
                for source in files_of(layout):
                    if source.exists():
                        files[source.name] = scratch / source.name
                        shutil.copyfile(source, files[source.name])
                header = layout.header.read_bytes()
        finally:
            conn.close()
        yield Capture(files, header, facts)


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
