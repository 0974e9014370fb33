"""Where the files of one vault live inside its folder."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class VaultLayout:
    """The files of a vault folder: database, key-slot header, pending connection log."""

    folder: Path

    @property
    def database(self) -> Path:
        """The SQLCipher database."""
        return self.folder / "cabinet.vault"

    @property
    def header(self) -> Path:
        """The key-slot header (wrapped data key, never the key itself)."""
        return self.folder / "cabinet.keys"

    @property
    def pending_log(self) -> Path:
        """Sealed connection attempts waiting for the next unlock to enter the journal."""
        return self.folder / "pending-connections.log"

    @property
    def lock_file(self) -> Path:
        """Locked by the process that has the vault open (see `occupancy`)."""
        return self.folder / "cabinet.lock"

    def stale_temporary_files(self) -> list[Path]:
        """Leftovers of a header write interrupted by a crash (never read as a header)."""
        return list(self.folder.glob(f".{self.header.name}.*.tmp"))

    def sidecar_files(self) -> list[Path]:
        """The database's WAL and shared-memory files."""
        return [Path(f"{self.database}-wal"), Path(f"{self.database}-shm")]
