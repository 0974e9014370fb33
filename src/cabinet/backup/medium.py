"""The backups of one vault on a medium: chunks by id, one sealed index per snapshot.

`<destination>/cabinet-sauvegardes/<vault id>/chunks/ab/abcdef…` and
`…/snapshots/<snapshot id>.index` (the key-slot header in the open, the sealed list of files
bound to it) with, once the snapshot passed its restore, `<snapshot id>.verified` (a MAC).
Every file is written under a temporary name, synced, then renamed: a full, removed or
read-only medium, or a killed process, leaves at worst unreferenced chunks and temporary
files, never a snapshot that counts.
"""

import base64
import contextlib
import ctypes
import errno
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cabinet.backup.sealing import BackupKeys, DamagedBackup
from cabinet.durability import sync_directory
from cabinet.errors import KnownError

ROOT_NAME = "cabinet-sauvegardes"
FORMAT = 1


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
    def _chunks(self) -> Path:
        return self.folder / "chunks"

    @property
    def _snapshots(self) -> Path:
        return self.folder / "snapshots"

    def _chunk_path(self, chunk_id: str) -> Path:
        return self._chunks / chunk_id[:2] / chunk_id

    def prepare(self) -> None:
        """Make the folders, once, on a medium that must be present."""
        for folder in (self._chunks, self._snapshots):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def has_chunk(self, chunk_id: str) -> bool:
        """Whether a chunk is already on the medium (it is then not written again)."""
        return self._chunk_path(chunk_id).exists()

    def put_chunk(self, chunk_id: str, sealed: bytes) -> Path:
        """Write a new chunk, unsynced (`sync` does it for all); return its path."""
        path = self._chunk_path(chunk_id)
        if path.parent not in self._made:
            path.parent.mkdir(exist_ok=True, mode=0o700)
            self._made.add(path.parent)
        self._write(path, sealed, durable=False)
        return path

    def get_chunk(self, chunk_id: str) -> bytes:
        """A chunk's sealed bytes, or `DamagedBackup` when it is missing."""
        try:
            return self._chunk_path(chunk_id).read_bytes()
        except FileNotFoundError:
            self._raise_if_gone()
            raise DamagedBackup("La sauvegarde est incomplète (des morceaux manquent sur le "
                                "support) : elle est refusée.") from None

    def chunk_ids(self) -> set[str]:
        """Every chunk on the medium."""
        return {p.name for p in self._chunks.glob("??/*") if not p.name.startswith(".")}

    def drop_chunk(self, chunk_id: str) -> None:
        """Remove a chunk no snapshot names any more (or found damaged)."""
        self._chunk_path(chunk_id).unlink(missing_ok=True)

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

    def drop_leftovers(self) -> None:
        """Remove the temporary files a killed or failed backup left behind."""
        for path in [*self._snapshots.glob(".*.tmp"), *self._chunks.glob("??/.*.tmp")]:
            path.unlink(missing_ok=True)

    def sync(self, chunks: set[Path]) -> None:
        """Make new chunks durable before an index names them: one syncfs of the medium.

        One call instead of a fsync per chunk (the first backup's cost); where syncfs is
        missing, each chunk and its folder are synced.
        """
        if not chunks or _syncfs(self.folder):
            return
        for path in sorted(chunks):
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        for folder in sorted({p.parent for p in chunks}):
            sync_directory(folder)

    def _raise_if_gone(self) -> None:
        """A file missing because the whole medium went away is the medium's failure."""
        if not self.folder.is_dir():
            raise medium_error(errno.ENOENT)

    def _write(self, path: Path, data: bytes, *, durable: bool = True) -> None:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
        self.written += len(data)
        if durable:
            sync_directory(path.parent)


def _syncfs(folder: Path) -> bool:
    """Flush the whole file system holding `folder` (Linux); False where unavailable."""
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
    if libc is None or not hasattr(libc, "syncfs"):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        if libc.syncfs(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
    finally:
        os.close(fd)
    return True


def open_index(keys: BackupKeys, envelope: Envelope) -> Index:
    """The snapshot's index, authenticated with this practice's keys, or `DamagedBackup`."""
    return Index.from_bytes(keys.open(envelope.sealed_index, envelope.binding))


def verified_statement(envelope: Envelope) -> str:
    """What the « verified » marker's MAC covers."""
    return f"verified|{envelope.binding}"
