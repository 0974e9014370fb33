"""Every page of a SQLCipher 4 vault file (and of its -wal), decrypted, as the disk holds it.

A `sqlcipher_export` copy proves nothing about erasure: it copies live rows only. This reader
decrypts each page itself, free pages and stale log frames included, so a test can search
all the bytes an attacker holding the data key could read.

SQLCipher 4's page format, with the vault's settings (`cabinet.vault.database`): pages of
`PRAGMA cipher_page_size` bytes (4096); each page ends with 80 reserved bytes, a 16-byte IV
then the HMAC-SHA512 of the page. The rest is AES-256-CBC under the data key, used as is
since the vault hands SQLCipher a raw `x'…'` key (no KDF: the salt only derives the HMAC
key). Page 1 starts with the 16-byte salt in place of SQLite's magic string, so its
encrypted part starts at byte 16. A -wal file is a 32-byte header, then frames: a 24-byte
frame header (its first 4 bytes the page number) and one page encrypted the same way.
"""

from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
RESERVED = 80
IV_SIZE = 16
SALT_SIZE = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def decrypt_page(page: bytes, number: int, key: bytes) -> bytes:
    """The plaintext of one page (its salt and reserved tail left out)."""
    start = SALT_SIZE if number == 1 else 0
    iv = page[PAGE_SIZE - RESERVED:PAGE_SIZE - RESERVED + IV_SIZE]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[start:PAGE_SIZE - RESERVED]) + decryptor.finalize()


def database_pages(path: Path, key: bytes) -> Iterator[bytes]:
    """Each page of the database file, decrypted, in order."""
    data = path.read_bytes()
    for offset in range(0, len(data) - PAGE_SIZE + 1, PAGE_SIZE):
        yield decrypt_page(data[offset:offset + PAGE_SIZE], offset // PAGE_SIZE + 1, key)


def wal_pages(path: Path, key: bytes) -> Iterator[bytes]:
    """Each frame's page of a -wal file, decrypted (stale frames included)."""
    data = path.read_bytes() if path.exists() else b""
    step = FRAME_HEADER + PAGE_SIZE
    for offset in range(WAL_HEADER, len(data) - step + 1, step):
        number = int.from_bytes(data[offset:offset + 4], "big")
        yield decrypt_page(data[offset + FRAME_HEADER:offset + step], number, key)


def vault_holds(database: Path, key: bytes, needle: bytes) -> list[str]:
    """Where `needle` appears in plaintext: 'page N' of the file, 'wal frame N' of its log."""
    found = [f"page {n}" for n, page in enumerate(database_pages(database, key), start=1)
             if needle in page]
    wal = Path(f"{database}-wal")
    return found + [f"wal frame {n}" for n, page in enumerate(wal_pages(wal, key), start=1)
                    if needle in page]


def header_is_sqlite(database: Path, key: bytes) -> bool:
    """Whether page 1 decrypts to SQLite's header (page size 4096, 80 reserved bytes)."""
    first = next(database_pages(database, key))
    return first[:2] == PAGE_SIZE.to_bytes(2, "big") and first[4] == RESERVED
