"""Append to and verify the hash-chained journal stored in the vault (TRACE-1, TRACE-2).

Appending happens inside the caller's transaction, so an action and its audit event are
committed together or not at all. Triggers in the schema refuse UPDATE and DELETE.
"""

from dataclasses import astuple, fields
from sqlite3 import Connection  # the vault's connection type; the journal sits below the vault

from cabinet.domain.audit import (
    GENESIS_HASH,
    AuditEvent,
    ChainReport,
    ChainWalker,
    JournalRow,
    chain_hash,
)

_COLUMNS = [f.name for f in fields(AuditEvent)]


def last_hash(conn: Connection) -> str:
    """The hash of the newest event, or the genesis hash for an empty journal."""
    row = conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return str(row[0]) if row else GENESIS_HASH


def append(conn: Connection, event: AuditEvent) -> int:
    """Chain `event` after the newest one; must run inside a transaction."""
    if not conn.in_transaction:
        raise RuntimeError("audit events are written inside the action's transaction")
    previous = last_hash(conn)
    placeholders = ", ".join("?" for _ in range(len(_COLUMNS) + 2))
    cursor = conn.execute(
        f"INSERT INTO audit ({', '.join(_COLUMNS)}, prev_hash, hash) VALUES ({placeholders})",
        (*astuple(event), previous, chain_hash(previous, event)),
    )
    return int(cursor.lastrowid or 0)


CHUNK = 5000


def rows_after(conn: Connection, after_id: int, limit: int = CHUNK) -> list[JournalRow]:
    """Stored journal rows after an id, in order, for the chain check."""
    cursor = conn.execute(
        f"SELECT id, {', '.join(_COLUMNS)}, prev_hash, hash FROM audit WHERE id > ? "
        "ORDER BY id LIMIT ?", (after_id, limit))
    return [(row[0], AuditEvent(*row[1:-2]), row[-2], row[-1]) for row in cursor]


def verify(conn: Connection) -> ChainReport:
    """Walk the whole journal in order, a chunk at a time, and check every link."""
    walker = ChainWalker()
    while chunk := rows_after(conn, walker.last_id):
        if not walker.feed(chunk):
            break
    return walker.report()
