"""Append to and verify the hash-chained journal stored in the vault (TRACE-1, TRACE-2).

Appending happens inside the caller's transaction, so an action and its audit event are
committed together or not at all. Triggers in the schema refuse UPDATE and DELETE.
"""

from dataclasses import astuple, dataclass, fields

from cabinet.domain.audit import GENESIS_HASH, AuditEvent, chain_hash
from cabinet.vault.database import Connection

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


@dataclass(frozen=True)
class ChainReport:
    """The verdict on the journal: how many events were checked and the first broken one."""

    checked: int
    first_broken_id: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        """True when every event links to the one before it."""
        return self.first_broken_id is None

    def summary(self) -> str:
        """A French sentence for the physician."""
        if self.intact:
            return f"Journal intègre : {self.checked} évènement(s) vérifié(s)."
        return (f"Journal altéré à partir de l'évènement n° {self.first_broken_id} : "
                f"{self.reason}.")


def verify(conn: Connection) -> ChainReport:
    """Walk the whole journal in order and check every link."""
    previous = GENESIS_HASH
    checked = 0
    rows = conn.execute(f"SELECT id, {', '.join(_COLUMNS)}, prev_hash, hash FROM audit ORDER BY id")
    for row in rows:
        event_id, *values, prev_hash, stored_hash = row
        event = AuditEvent(*values)
        if prev_hash != previous:
            return ChainReport(checked, event_id, "le lien avec l'évènement précédent est rompu")
        if chain_hash(previous, event) != stored_hash:
            return ChainReport(checked, event_id, "le contenu a été modifié après écriture")
        previous = stored_hash
        checked += 1
    return ChainReport(checked)
