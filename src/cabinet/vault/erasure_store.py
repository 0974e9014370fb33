"""Erasure in the vault: the one way past the append-only triggers (RIGHTS-3, RET-2).

`erase_entry` and `erase_record` run inside the caller's transaction: they write the
erasure row, open a grant the triggers check, delete the versions, their full-text rows,
drafts, the laboratory files filed with them and their values, and the stored files no entry
names any more, then close the grant. The connection
runs with `secure_delete` on (see `database.connect`), so freed cells and pages are zeroed;
the full-text index is merged into new segments so no old segment keeps the words. Once the
transaction is committed, `scrub_wal` empties the write-ahead log, which held the pages as
they were. The content never reaches a message, a log or the erasure row.
"""

from typing import Any

from cabinet.domain.erasure import WHOLE_RECORD, ErasureOrder, ErasureRow
from cabinet.errors import KnownError
from cabinet.vault.database import Connection

_COLUMNS = ("id, patient_id, lineage, kind, request, rule, reason, versions, erased_at, "
            "erased_by")


class NothingToErase(KnownError):
    """The entry named has no version left in the vault."""

    def __init__(self) -> None:
        super().__init__("Cette entrée n'existe pas ou a déjà été effacée : rien n'a été "
                         "effacé.")


def erase_entry(conn: Connection, order: ErasureOrder, *, merge_index: bool = True) -> int:
    """Destroy every version of the entry `order.lineage`; return the erasure's number.

    `merge_index=False` leaves the full-text merge to the caller (`merge_full_text`), once
    for a batch: it rewrites the whole index, about a second at « large ».
    """
    rows = conn.execute("SELECT id, kind FROM entry WHERE lineage = ? AND patient_id = ?",
                        (order.lineage, order.patient_id)).fetchall()
    if not rows or order.lineage is None:
        raise NothingToErase
    return _erase(conn, order, rows[0][1], "lineage = ?", order.lineage,
                  merge_index=merge_index)


def erase_record(conn: Connection, order: ErasureOrder, *, merge_index: bool = True) -> int:
    """Destroy the whole medical content of a record; the patient and identity stay."""
    if order.lineage is not None:
        raise ValueError("a whole record's erasure names no entry")
    return _erase(conn, order, WHOLE_RECORD, "patient_id = ?", order.patient_id,
                  merge_index=merge_index)


def merge_full_text(conn: Connection) -> None:
    """Rewrite the full-text index whole, so no old segment keeps a deleted row's words."""
    conn.execute("INSERT INTO entry_text (entry_text) VALUES ('optimize')")


def _erase(conn: Connection, order: ErasureOrder, kind: str, where: str, value: int, *,
           merge_index: bool) -> int:
    scope = f"SELECT id FROM entry WHERE {where}"
    versions, top_id = conn.execute(f"SELECT count(*), coalesce(max(id), 0) FROM entry "
                                    f"WHERE {where}", (value,)).fetchone()
    erasure = int(conn.execute(
        "INSERT INTO erasure (patient_id, lineage, kind, request, rule, reason, versions, "
        "top_id, erased_at, erased_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (order.patient_id, order.lineage, kind, order.request, order.rule, order.reason,
         versions, top_id, order.erased_at, order.erased_by)).lastrowid or 0)
    conn.execute("INSERT INTO erasure_grant (erasure, patient_id, lineage) VALUES (?, ?, ?)",
                  (erasure, order.patient_id, order.lineage))
    files = {row[0] for row in conn.execute(
        f"SELECT json_extract(payload, '$.sha256') FROM entry WHERE {where} "
        "AND kind = 'document'", (value,))}
    conn.execute(f"DELETE FROM entry_text WHERE rowid IN ({scope})", (value,))
    drafts = [order.patient_id] + ([] if order.lineage is None else [order.lineage])
    conn.execute("DELETE FROM draft WHERE patient_id = ?"
                 + ("" if order.lineage is None else " AND lineage = ?"), drafts)
    _erase_results(conn, order)
    conn.execute(f"DELETE FROM entry WHERE {where}", (value,))
    for sha256 in files:
        if not _named(conn, sha256):
            conn.execute("DELETE FROM blob WHERE sha256 = ?", (sha256,))
    conn.execute("DELETE FROM erasure_grant WHERE erasure = ?", (erasure,))
    if merge_index:
        merge_full_text(conn)
    return erasure


def _erase_results(conn: Connection, order: ErasureOrder) -> None:
    """The laboratory files filed with the erased document (or in the record), and values."""
    files = [row[0] for row in conn.execute(
        "SELECT file_id FROM result_decision WHERE patient_id = ?"
        + ("" if order.lineage is None else " AND document = ?"),
        [order.patient_id] + ([] if order.lineage is None else [order.lineage]))]
    for table, column in (("lab_value", "file_id"), ("result_decision", "file_id"),
                          ("result_file", "id")):
        conn.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(f,) for f in files])


def _named(conn: Connection, sha256: str) -> bool:
    return conn.execute("SELECT 1 FROM entry WHERE kind = 'document' AND "
                        "json_extract(payload, '$.sha256') = ?", (sha256,)).fetchone() is not None


def scrub_wal(conn: Connection) -> bool:
    """After the commit: copy the log into the file and truncate it; False if a reader held it."""
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return not busy


def _row(row: tuple[Any, ...]) -> ErasureRow:
    return ErasureRow(*row)


class SqlErasureStore:
    """`ErasureStore` over the record store's connection (its transactions)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def erase_entry(self, order: ErasureOrder) -> int:
        """See `erase_entry`."""
        return erase_entry(self._conn, order)

    def erase_record(self, order: ErasureOrder) -> int:
        """See `erase_record`; the caller merges the full-text index once for its batch."""
        return erase_record(self._conn, order, merge_index=False)

    def merge_full_text(self) -> None:
        """See `merge_full_text`."""
        merge_full_text(self._conn)

    def scrub(self) -> bool:
        """See `scrub_wal`."""
        return scrub_wal(self._conn)

    def erasures(self, patient_id: int) -> list[ErasureRow]:
        """A record's erasures, oldest first."""
        return [_row(r) for r in self._conn.execute(
            f"SELECT {_COLUMNS} FROM erasure WHERE patient_id = ? ORDER BY id", (patient_id,))]
