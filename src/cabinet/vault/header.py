"""The key-slot header file beside the vault: read it, or replace it atomically.

Its format (`cabinet.keys.header`) belongs to the keys; the vault owns the file.
"""

from pathlib import Path

from cabinet.errors import VaultError
from cabinet.keys.header import KeyHeader
from cabinet.vault.atomic import write_atomically


def read_header(path: Path) -> KeyHeader:
    """Read the header of a vault, with a French error when it is missing."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise VaultError("Aucun coffre Cabinet n'a été trouvé à cet emplacement.") from None
    return KeyHeader.from_bytes(data)


def write_header(path: Path, header: KeyHeader) -> None:
    """Write the header atomically (a crash keeps the previous header whole)."""
    write_atomically(path, header.to_bytes())
