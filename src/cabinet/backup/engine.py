"""Write a snapshot, restore one into a folder, check it, and forget old ones.

Only new chunks reach the medium, packed many to a file; a snapshot is counted once its
restore into a scratch folder passes the vault's checks and its MAC'd « verified » marker is
written.
"""

import contextlib
import os
import secrets
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from cabinet.backup.medium import (
    Envelope,
    Index,
    Medium,
    medium_errors,
    open_index,
    verified_statement,
)
from cabinet.backup.packs import PackReading, PackStore
from cabinet.backup.scratch import scratch_folder
from cabinet.backup.sealing import BackupKeys, DamagedBackup
from cabinet.backup.vault_files import (
    Capture,
    check_restored,
    journal_restore,
    owner_of,
    read_in_place,
)
from cabinet.domain.audit import AccessMode, Action, Actor, AuditEvent
from cabinet.durability import sync_directory
from cabinet.services.ports import RestoreNote, SnapshotInfo
from cabinet.vault.layout import VaultLayout

CHUNK_BYTES = 128 * 1024  # 32 SQLCipher pages: a day's scattered changes stay small
HASHED_AHEAD = 8
_HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="backup-hash")


def _info(envelope: Envelope, index: Index, keys: BackupKeys) -> SnapshotInfo:
    verified = bool(envelope.verified) and envelope.verified == keys.mark(
        verified_statement(envelope))
    return SnapshotInfo(envelope.snapshot_id, index.taken_at, verified, dict(index.facts))


class BackupReader:
    """One vault's backups on a medium, read with its data key (a restore needs no vault)."""

    def __init__(self, destination: Path, vault_id: str, data_key: bytes) -> None:
        self.medium = Medium(destination, vault_id)
        self.keys = BackupKeys(data_key, vault_id)
        self.packs = PackStore(self.medium, self.keys)
        self._data_key = data_key

    def snapshots(self) -> list[SnapshotInfo]:
        """Every snapshot this practice's keys open, oldest first."""
        found = []
        for envelope in self.medium.envelopes():
            with contextlib.suppress(DamagedBackup):
                found.append(_info(envelope, open_index(self.keys, envelope), self.keys))
        return found

    def _opened(self, snapshot_id: str) -> tuple[Envelope, Index]:
        envelope = self.medium.envelope(snapshot_id)
        if envelope.vault_id != self.medium.vault_id:
            raise DamagedBackup("Cette sauvegarde vient d'un autre cabinet : elle est refusée.")
        return envelope, open_index(self.keys, envelope)

    def restore_into(self, snapshot_id: str, folder: Path) -> SnapshotInfo:
        """Write the snapshot's files into the empty `folder`, then check them.

        Raises `DamagedBackup` when a chunk fails its authentication or the restored vault
        fails a check.
        """
        envelope, index = self._opened(snapshot_id)
        self.packs.reload()
        with PackReading(self.medium) as reading:
            for name, chunk_ids in index.files.items():
                with (folder / Path(name).name).open("wb") as out:
                    for chunk_id in chunk_ids:
                        try:
                            out.write(self.packs.get(chunk_id, reading))
                        except DamagedBackup:
                            self.packs.scrub(index.chunk_ids(), reading)
                            raise
                    if out.tell() != index.sizes.get(name):
                        raise DamagedBackup("Un fichier de la sauvegarde n'a pas sa taille : "
                                            "elle est refusée.")
                    out.flush()
                    os.fsync(out.fileno())
        (folder / VaultLayout(folder).header.name).write_bytes(envelope.header)
        problems = check_restored(folder, self._data_key, index.facts)
        if problems:
            raise DamagedBackup("La sauvegarde restaurée ne passe pas les contrôles : "
                                + " ; ".join(problems[:5]))
        return _info(envelope, index, self.keys)

    def verify(self, snapshot_id: str) -> SnapshotInfo:
        """Restore into a scratch folder and check; mark the snapshot good when it passes."""
        with scratch_folder("check") as folder:
            info = self.restore_into(snapshot_id, folder)
        envelope = self.medium.envelope(snapshot_id)
        with medium_errors():
            self.medium.put_verified(snapshot_id, self.keys.mark(verified_statement(envelope)))
        return SnapshotInfo(info.snapshot_id, info.taken_at, True, info.facts)

    def restore(self, snapshot_id: str, target: Path, journal: RestoreNote) -> SnapshotInfo:
        """Restore into the new folder `target`, the restore journaled in the vault itself."""

        def note(folder: Path) -> None:
            name, identifier = owner_of(folder, self._data_key)
            actor = Actor(name, identifier, AccessMode(journal.mode), journal.workstation)
            journal_restore(folder, self._data_key, AuditEvent.by(
                actor, at=journal.at, action=Action.ADMIN, detail=journal.detail))

        return restore_to(self, snapshot_id, target, note)

    def forget(self, snapshot_ids: Iterable[str]) -> None:
        """Remove snapshots, then the packs whose chunks no remaining snapshot names."""
        with medium_errors():
            for snapshot_id in snapshot_ids:
                self.medium.drop_snapshot(snapshot_id)
            self.packs.reload()
            kept: set[str] = set()
            for envelope in self.medium.envelopes():
                with contextlib.suppress(DamagedBackup):
                    for chunks in open_index(self.keys, envelope).files.values():
                        kept.update(chunks)
            self.packs.prune(kept)


class BackupWriter(BackupReader):
    """Backups of the open vault in `layout`."""

    def __init__(self, layout: VaultLayout, destination: Path, vault_id: str,
                 data_key: bytes) -> None:
        super().__init__(destination, vault_id, data_key)
        self.layout = layout

    def create(self, taken_at: str) -> str:
        """Write a new snapshot (not yet verified); return its id."""
        with read_in_place(self.layout, self._data_key) as capture:
            return write_snapshot(self.medium, self.keys, capture, taken_at)


def write_snapshot(medium: Medium, keys: BackupKeys, capture: Capture, taken_at: str) -> str:
    """Write a captured copy as a new snapshot (not yet verified); return its id.

    Needs only the backup's derived keys: the captured files are still SQLCipher-encrypted,
    so this can run once the vault is locked and its data key wiped.
    """
    snapshot_id = f"{taken_at.replace(':', '').replace('-', '')[:15]}-{secrets.token_hex(3)}"
    with medium_errors():
        medium.prepare()
        medium.drop_leftovers()
        packs = PackStore(medium, keys)
        index = Index(taken_at=taken_at, facts=capture.facts)
        for name, path in capture.files.items():
            index.files[name] = list(_store(packs, keys, path))
            index.sizes[name] = path.stat().st_size
        packs.flush()
        packs.wait()
        medium.sync_packs()
        envelope = Envelope(snapshot_id, medium.vault_id, capture.header, b"")
        sealed = bytes(keys.seal(index.to_bytes(), envelope.binding))
        medium.put_envelope(Envelope(snapshot_id, medium.vault_id, capture.header, sealed))
    return snapshot_id


def _store(packs: PackStore, keys: BackupKeys, path: Path) -> Iterator[str]:
    """Each chunk's id, the chunk packed when new; ids computed ahead on the hashing threads.

    HMAC-SHA256 is the dearest step of a full backup and releases the GIL: two chunks are
    hashed at once while this thread seals and packs the one before.
    """
    ahead: deque[tuple[Future[str], bytes]] = deque()
    with path.open("rb") as source:
        while data := source.read(CHUNK_BYTES):
            ahead.append((_HASHING.submit(keys.chunk_id, data), data))
            if len(ahead) > HASHED_AHEAD:
                yield _packed(packs, *ahead.popleft())
    while ahead:
        yield _packed(packs, *ahead.popleft())


def _packed(packs: PackStore, chunk_id: Future[str], data: bytes) -> str:
    packs.add(chunk_id.result(), data)
    return chunk_id.result()


def restore_to(reader: BackupReader, snapshot_id: str, target: Path,
               before_rename: Callable[[Path], None]) -> SnapshotInfo:
    """Restore into `target`, absent or empty: staged beside it, renamed once checked.

    `before_rename` journals the restore in the staged vault. A refused backup or a killed
    process leaves nothing at `target`.
    """
    if target.exists() and any(target.iterdir()):
        raise DamagedBackup("Le dossier de destination n'est pas vide : choisissez un dossier "
                            "nouveau ou vide (rien n'a été écrit).")
    staging = target.parent / f".{target.name}.restoring"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700, parents=True)
    try:
        info = reader.restore_into(snapshot_id, staging)
        before_rename(staging)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    sync_directory(target.parent)
    return info
