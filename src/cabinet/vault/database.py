"""Open, create and migrate the SQLCipher database with a raw 256-bit data key.

The data key comes from a key slot; opening costs no KDF. This module must never log or
raise with the key in any message, and never load SQLite extensions.
"""

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Protocol, cast

import sqlcipher3

from cabinet.errors import VaultError

Connection = sqlite3.Connection
DatabaseError = sqlcipher3.DatabaseError
IntegrityError = sqlcipher3.IntegrityError
REQUIRED_CIPHER_MAJOR = "4."
CACHE_SIZE_KIB = 65536
HEX_DIGITS = b"0123456789abcdef"


class SqlcipherConnection(Protocol):
    """What SQLCipher's connection adds to sqlite3's: `sqlite3_key` on a buffer."""

    def set_key(self, key: bytearray, /) -> None:
        """Key the connection; x'…' of 64 hex digits is taken as the raw key, no KDF."""


class DamagedVault(VaultError):
    """Pages of the vault file fail SQLCipher's authentication: the file changed on disk."""

    def __init__(self, pages: list[int]) -> None:
        super().__init__(
            f"Le coffre est endommagé : {len(pages)} page(s) du coffre ne passent plus le "
            "contrôle d'authenticité (erreur ou panne du disque, copie interrompue, fichier "
            "modifié hors de Cabinet). N'écrivez plus rien dans ce coffre : restaurez la "
            "dernière sauvegarde du dossier du coffre, puis relancez « cabinet vault check ». "
            "Sans sauvegarde intacte, gardez une copie du dossier en l'état et contactez le "
            "support : les pages intactes peuvent encore être relues.")
        self.pages = pages


def migrations() -> list[tuple[int, str]]:
    """The numbered schema migrations shipped with the application, in order."""
    folder = resources.files("cabinet.vault") / "migrations"
    found = [
        (int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8"))
        for item in folder.iterdir()
        if item.name.endswith(".sql")
    ]
    return sorted(found)


def latest_schema_version() -> int:
    """The schema version this build of Cabinet writes."""
    return migrations()[-1][0]


def connect(path: Path, data_key: bytes, *, create: bool = False) -> Connection:
    """Open the vault database with `data_key`; create it only when asked.

    Raises `VaultError` in French for a missing file, a file that is not this vault, or a
    vault from a newer version of Cabinet.
    """
    if len(data_key) != 32:
        raise ValueError("the data key must be 256 bits")
    if not create and not path.exists():
        raise VaultError("Le fichier du coffre est introuvable : vérifiez l'emplacement choisi.")
    conn: Connection = sqlcipher3.connect(str(path), isolation_level=None,
                                          check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # its errors are reported in French
        _hand_key(cast(SqlcipherConnection, conn), data_key)
        _check_cipher(conn)
        _check_readable(conn, path)
        for pragma in (
            "journal_mode = WAL",
            "synchronous = FULL",
            "foreign_keys = ON",
            "temp_store = MEMORY",
            f"cache_size = -{CACHE_SIZE_KIB}",
            "mmap_size = 0",
            "secure_delete = ON",  # a deleted row's bytes are zeroed, not left in free pages
        ):
            conn.execute(f"PRAGMA {pragma}")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _hand_key(conn: SqlcipherConnection, data_key: bytes) -> None:
    """Give SQLCipher the raw key as its x'…' literal, spelled in a buffer wiped at once.

    `PRAGMA key` would need the key's hex in a Python string, which can be neither wiped nor
    freed on demand (and the driver's statement cache keeps it while the vault is open).
    """
    literal = bytearray(b"x'" + bytes(2 * len(data_key)) + b"'")
    try:
        for index, byte in enumerate(data_key):
            literal[2 + 2 * index] = HEX_DIGITS[byte >> 4]
            literal[3 + 2 * index] = HEX_DIGITS[byte & 15]
        conn.set_key(literal)
    finally:
        literal[:] = bytes(len(literal))


def _check_cipher(conn: Connection) -> None:
    row = conn.execute("PRAGMA cipher_version").fetchone()
    if not row or not str(row[0]).startswith(REQUIRED_CIPHER_MAJOR):
        raise VaultError("La bibliothèque de chiffrement installée n'est pas SQLCipher 4.")


def _check_readable(conn: Connection, path: Path) -> None:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError:
        raise_if_damaged(conn, path)
        raise VaultError(
            "Le fichier du coffre ne correspond pas à sa clé : il est endommagé, "
            "ou ce n'est pas le fichier de ce coffre."
        ) from None


def migrate(conn: Connection) -> None:
    """Apply the migrations the vault has not seen yet, each in its own transaction."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    latest = latest_schema_version()
    if current > latest:
        raise VaultError(
            "Ce coffre a été enregistré par une version plus récente de Cabinet : "
            "mettez le logiciel à jour pour l'ouvrir."
        )
    for number, script in migrations():
        if number <= current:
            continue
        with transaction(conn):
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlcipher3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """Run a block in one immediate transaction: all of it is committed, or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def damaged_pages(conn: Connection) -> list[int]:
    """The pages SQLCipher's authentication check refuses (numbered from 1), in order."""
    found = (re.search(r"page (\d+)", str(row[0]))
             for row in conn.execute("PRAGMA cipher_integrity_check"))
    return [int(match.group(1)) if match else 0 for match in found]


def raise_if_damaged(conn: Connection, path: Path) -> None:
    """After a failed read with a key that opened a slot: name damage, not a wrong key.

    A wrong key or another vault's file fails on every page; damage on some of them.
    """
    pages = damaged_pages(conn)
    page_size = int(conn.execute("PRAGMA cipher_page_size").fetchone()[0])
    if pages and len(pages) * page_size < path.stat().st_size:
        raise DamagedVault(pages)


def structure_problems(conn: Connection) -> list[str]:
    """SQLite's own integrity check, once every page has passed authentication."""
    return [str(r[0]) for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]


def integrity_problems(conn: Connection) -> list[str]:
    """Run SQLCipher's page authentication check and SQLite's own; return what they report."""
    pages = damaged_pages(conn)
    if pages:
        return [f"page {page} : contenu altéré ou illisible" for page in pages]
    return structure_problems(conn)
