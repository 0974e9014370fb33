"""The backups of one vault on a medium: chunks in packs, one sealed index per snapshot.

`<destination>/cabinet-sauvegardes/<vault id>/packs/<pack>.pack` (see `packs`) and
`…/snapshots/<snapshot id>.index` (the format, the key-slot header in the open, the sealed
list of files bound to it) with, once the snapshot passed its restore,
`<snapshot id>.verified` (a MAC). Every file is written under a temporary name, synced, then
renamed: a full, removed or read-only medium, or a killed process, leaves at worst packs no
snapshot names and temporary files, never a snapshot that counts.
"""

import base64
import contextlib
import errno
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cabinet.backup.sealing import BackupKeys, DamagedBackup
from cabinet.durability import sync_directory
from cabinet.errors import KnownError

ROOT_NAME = "cabinet-sauvegardes"
DAMAGED_NAME = "morceaux-alteres.json"  # places of altered chunks (ids are keyed hashes)
FORMAT = 2  # 2: chunks in packs; 1 (a file per chunk) was never released


class MediumError(KnownError):
    """The medium cannot be written or read (full, removed, read-only)."""


@contextlib.contextmanager
def medium_errors() -> Iterator[None]:
    """Say in French what went wrong with the medium."""
    try:
        yield
    except OSError as error:
        raise medium_error(error.errno) from None


def medium_error(code: int | None) -> MediumError:
    """The French explanation of a failure of the medium (full, read-only, gone)."""
    if code in (errno.ENOSPC, errno.EDQUOT):
        reason = "le support de sauvegarde est plein"
    elif code in (errno.EROFS, errno.EACCES):
        reason = "le support de sauvegarde est en lecture seule ou protégé en écriture"
    else:
        reason = "le support de sauvegarde est absent ou illisible (retiré, débranché ?)"
    return MediumError(f"Sauvegarde impossible : {reason}. Le coffre n'a pas été touché ; "
                       "la sauvegarde incomplète ne compte pas. Vérifiez le support, "
                       "puis relancez la sauvegarde.")


@dataclass(frozen=True)
class Envelope:
    """A snapshot as stored: its header in the open and its sealed index."""

    snapshot_id: str
    vault_id: str
    header: bytes
    sealed_index: bytes
    verified: str = ""

    @property
    def binding(self) -> str:
        """What the index is sealed to: this practice, this snapshot, this header."""
        import hashlib

        return f"index|{self.vault_id}|{self.snapshot_id}|{hashlib.sha256(self.header).hexdigest()}"


@dataclass
class Index:
    """What a snapshot holds: each file as its chunks, and the facts its check compares."""

    taken_at: str
    files: dict[str, list[str]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def chunk_ids(self) -> list[str]:
        """Every chunk the snapshot needs, file after file."""
        return [chunk for chunks in self.files.values() for chunk in chunks]

    def to_bytes(self) -> bytes:
        """The index as JSON, before sealing."""
        return json.dumps(vars(self), sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Index":
        """Parse an opened index (already authenticated)."""
        return cls(**json.loads(data))


def vault_ids(destination: Path) -> list[str]:
    """The vaults that have backups under `destination`."""
    root = destination / ROOT_NAME
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


class Medium:
    """One vault's backups in a destination folder."""

    def __init__(self, destination: Path, vault_id: str) -> None:
        self.folder = destination / ROOT_NAME / vault_id
        self.vault_id = vault_id
        self.written = 0  # bytes written, for the incremental's measure
        self._made: set[Path] = set()

    @property
    def _packs(self) -> Path:
        return self.folder / "packs"

    @property
    def _snapshots(self) -> Path:
        return self.folder / "snapshots"

    def _pack_path(self, pack: str) -> Path:
        return self._packs / f"{pack}.pack"

    def prepare(self) -> None:
        """Make the folders on a medium that must be present."""
        for folder in (self._packs, self._snapshots):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def pack_names(self) -> list[str]:
        """Every pack on the medium (none when the medium holds no backup yet)."""
        return sorted(p.stem for p in self._packs.glob("*.pack") if not p.name.startswith("."))

    def put_pack(self, pack: str, parts: list[bytes | bytearray]) -> None:
        """Write a pack whole and synced; `sync_packs` then makes its name durable."""
        self._write(self._pack_path(pack), parts, sync_folder=False)

    def sync_packs(self) -> None:
        """Make the new packs' names durable before an index names their chunks."""
        sync_directory(self._packs)

    def pack_tail(self, pack: str, size: int) -> bytes:
        """The last `size` bytes of a pack (all of it when shorter)."""
        with self._opened(pack) as handle:
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - size))
            return handle.read(size)

    def open_pack(self, pack: str) -> int:
        """A pack opened for reading (the caller closes the descriptor)."""
        with self._opened(pack) as handle:
            return os.dup(handle.fileno())

    @contextlib.contextmanager
    def _opened(self, pack: str) -> Iterator[BinaryIO]:
        try:
            handle = self._pack_path(pack).open("rb")
        except FileNotFoundError:
            self._raise_if_gone()
            raise DamagedBackup("La sauvegarde est incomplète (un paquet manque sur le "
                                "support) : elle est refusée.") from None
        with handle:
            yield handle

    def drop_pack(self, pack: str) -> None:
        """Remove a pack none of whose chunks a snapshot needs any more."""
        self._pack_path(pack).unlink(missing_ok=True)

    def put_envelope(self, envelope: Envelope) -> None:
        """Write a snapshot's index, after its chunks are synced."""
        doc = {"format": FORMAT, "snapshot": envelope.snapshot_id, "vault_id": self.vault_id,
               "header": base64.b64encode(envelope.header).decode(),
               "index": base64.b64encode(envelope.sealed_index).decode()}
        self._write(self._snapshots / f"{envelope.snapshot_id}.index",
                    json.dumps(doc).encode())

    def put_verified(self, snapshot_id: str, marker: str) -> None:
        """Count a snapshot as good: the last write of a backup."""
        self._write(self._snapshots / f"{snapshot_id}.verified", marker.encode())

    def envelopes(self) -> list[Envelope]:
        """Every snapshot with a readable index, oldest first (unreadable ones are skipped)."""
        found = []
        for path in sorted(self._snapshots.glob("*.index")):
            with contextlib.suppress(DamagedBackup):
                found.append(self.envelope(path.stem))
        return found

    def envelope(self, snapshot_id: str) -> Envelope:
        """One snapshot's index as stored, or `DamagedBackup`."""
        path = self._snapshots / f"{snapshot_id}.index"
        try:
            doc = json.loads(path.read_bytes())
            if doc["format"] != FORMAT:
                raise DamagedBackup("Cette sauvegarde a un format que cette version de Cabinet "
                                    "ne lit pas : elle est refusée.")
            marker = self._snapshots / f"{snapshot_id}.verified"
            return Envelope(snapshot_id=str(doc["snapshot"]), vault_id=str(doc["vault_id"]),
                            header=base64.b64decode(doc["header"], validate=True),
                            sealed_index=base64.b64decode(doc["index"], validate=True),
                            verified=marker.read_text() if marker.exists() else "")
        except FileNotFoundError:
            self._raise_if_gone()
            raise DamagedBackup("Cette sauvegarde n'existe pas sur le support.") from None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise DamagedBackup("L'index de cette sauvegarde est illisible ou tronqué : elle "
                                "est refusée.") from None

    def drop_snapshot(self, snapshot_id: str) -> None:
        """Remove a snapshot (its marker first, so it never counts half-removed)."""
        (self._snapshots / f"{snapshot_id}.verified").unlink(missing_ok=True)
        (self._snapshots / f"{snapshot_id}.index").unlink(missing_ok=True)

    def damaged_chunks(self) -> set[tuple[str, str]]:
        """The (pack, chunk) places a restore found altered: never reused by a later backup."""
        path = self.folder / DAMAGED_NAME
        try:
            return {(str(pack), str(chunk)) for pack, chunk in json.loads(path.read_bytes())}
        except (OSError, ValueError, TypeError):
            return set()

    def note_damaged_chunk(self, pack: str, chunk_id: str) -> None:
        """Remember an altered chunk's place, so the next backup writes the chunk again."""
        noted = self.damaged_chunks() | {(pack, chunk_id)}
        with medium_errors():
            self._write(self.folder / DAMAGED_NAME, json.dumps(sorted(noted)).encode())

    def drop_leftovers(self) -> None:
        """Remove the temporary files a killed or failed backup left behind."""
        for path in [*self._snapshots.glob(".*.tmp"), *self._packs.glob(".*.tmp")]:
            path.unlink(missing_ok=True)

    def _raise_if_gone(self) -> None:
        """A file missing because the whole medium went away is the medium's failure."""
        if not self.folder.is_dir():
            raise medium_error(errno.ENOENT)

    def _write(self, path: Path, data: bytes | list[bytes | bytearray], *,
               sync_folder: bool = True) -> None:
        parts = data if isinstance(data, list) else [data]
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                for part in parts:
                    handle.write(part)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
        self.written += sum(len(part) for part in parts)
        if sync_folder:
            sync_directory(path.parent)
def open_index(keys: BackupKeys, envelope: Envelope) -> Index:
    """The snapshot's index, authenticated with this practice's keys, or `DamagedBackup`."""
    return Index.from_bytes(keys.open(envelope.sealed_index, envelope.binding))


def verified_statement(envelope: Envelope) -> str:
    """What the « verified » marker's MAC covers."""
    return f"verified|{envelope.binding}"
