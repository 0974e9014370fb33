"""A backup taken at the lock: copied before the data key is wiped, written after.

The consistent copy is taken under the vault's write lock (fast: a file copy) while the vault
is still open; the chunks and the sealed index are then written with the backup's derived
keys only. Those keys open nothing but SQLCipher-encrypted pages, so no key that reads a
record outlives the lock. The snapshot is verified (a restore needs the data key) at the
next unlock.
"""

import contextlib
from pathlib import Path

from cabinet.backup.engine import write_snapshot
from cabinet.backup.medium import Medium
from cabinet.backup.sealing import BackupKeys
from cabinet.backup.vault_files import captured
from cabinet.errors import KnownError
from cabinet.vault.layout import VaultLayout


class PendingBackup:
    """A vault's files captured for the destinations, waiting to be written there."""

    def __init__(self, layout: VaultLayout, destinations: list[Path], vault_id: str,
                 data_key: bytes, taken_at: str) -> None:
        self._files = contextlib.ExitStack()
        self._capture = self._files.enter_context(captured(layout, data_key))
        self._keys: BackupKeys | None = BackupKeys(data_key, vault_id)
        self._media = [Medium(folder, vault_id) for folder in destinations]
        self._taken_at = taken_at

    def write(self) -> list[str]:
        """Write the snapshot on each medium; the French failures, one per medium missed.

        The captured copy and the derived keys are dropped afterwards, whatever happened.
        """
        failures = []
        try:
            assert self._keys is not None, "a pending backup is written once"
            for medium in self._media:
                try:
                    write_snapshot(medium, self._keys, self._capture, self._taken_at)
                except KnownError as error:
                    failures.append(error.message)
        finally:
            self._keys = None
            self._files.close()
        return failures
