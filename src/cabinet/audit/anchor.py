"""An anchor for the journal outside the database (TRACE-2).

The hash chain shows any change inside the journal, but not its newest events cut off, nor an
older copy of the database put back. At each lock the id and hash of the newest event are
written into the key-slot header with a MAC under a key derived from the data key; at the next
unlock the anchored event must still be in the journal with the same hash. A broken anchor is
journaled as an alert that stays raised (in `vault check`, `audit verify`, the journal viewer,
at each unlock) until the titular physician acknowledges it with a reason; it never locks the
physician out of the records.
"""

import hashlib
import hmac
from sqlite3 import Connection  # the vault's connection type; the journal sits below the vault

from cabinet.keys.header import KeyHeader
from cabinet.keys.wrapping import derive_key


def _mac(data_key: bytes, vault_id: str, event_id: str, event_hash: str) -> str:
    key = derive_key(data_key, salt=vault_id.encode(), purpose="journal-anchor")
    return hmac.new(key, f"{event_id}|{event_hash}".encode(), hashlib.sha256).hexdigest()


def anchor(conn: Connection, header: KeyHeader, data_key: bytes) -> None:
    """Record the journal's newest event in the header (the caller writes the header)."""
    row = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return
    event_id, event_hash = str(row[0]), str(row[1])
    header.journal_anchor = {"id": event_id, "hash": event_hash,
                             "mac": _mac(data_key, header.vault_id, event_id, event_hash)}


def anchor_problem(conn: Connection, header: KeyHeader, data_key: bytes) -> str:
    """'' when the anchored event is still in the journal; else a French explanation."""
    found = header.journal_anchor
    if not found:
        return ""
    expected = _mac(data_key, header.vault_id, found.get("id", ""), found.get("hash", ""))
    if not hmac.compare_digest(expected, found.get("mac", "")):
        return "l'ancre du journal dans le fichier de clés a été modifiée"
    row = conn.execute("SELECT hash FROM audit WHERE id = ?", (int(found["id"]),)).fetchone()
    if row is None or row[0] != found["hash"]:
        return (f"l'évènement n° {found['id']} enregistré au dernier verrouillage manque : "
                "journal tronqué ou coffre restauré depuis une copie plus ancienne")
    return ""



