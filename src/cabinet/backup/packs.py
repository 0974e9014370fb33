"""Chunks packed many to a file, as restic does: one write and one fsync per few MiB.

A pack is its sealed chunks back to back, then its table (each chunk's id, offset and length)
sealed to this practice and the pack's name, then the table's length and `MAGIC`. It is
written whole under a temporary name, synced, then renamed. A truncated or altered table
makes the whole pack absent (its chunks are written again by the next backup; a snapshot that
needs them is refused); an altered chunk fails its own authentication, and its place is noted
on the medium so that deduplication never reuses it: the next backup writes it again.
"""

import contextlib
import json
import os
import secrets
import struct
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from cabinet.backup.medium import Medium
from cabinet.backup.sealing import BackupKeys, DamagedBackup

PACK_BYTES = 16 * 2**20  # restic's default: few files and fsyncs, little waste when pruning
MAGIC = b"CABPACK2"
TRAILER = struct.Struct(">I8s")
_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backup-pack")


@dataclass(frozen=True)
class Location:
    """Where a sealed chunk lies."""

    pack: str
    offset: int
    length: int


class PackStore:
    """One vault's chunks on a medium: what is there, new ones packed, old ones read."""

    def __init__(self, medium: Medium, keys: BackupKeys) -> None:
        self.medium = medium
        self._keys = keys
        self._where: dict[str, Location] | None = None
        self._parts: list[bytes | bytearray] = []
        self._table: list[tuple[str, int, int]] = []
        self._pending: set[str] = set()
        self._size = 0
        self._writing: Future[None] | None = None

    def reload(self) -> None:
        """Forget what was read of the medium (another process, or another medium, since)."""
        self._where = None
        self._parts, self._table, self._pending, self._size = [], [], set(), 0

    def _binding(self, pack: str) -> str:
        return f"pack|{self.medium.vault_id}|{pack}"

    @property
    def where(self) -> dict[str, Location]:
        """Every chunk in a pack whose table opens with this practice's keys."""
        if self._where is None:
            self._where = {}
            damaged = self.medium.damaged_chunks()
            for pack in self.medium.pack_names():
                with contextlib.suppress(DamagedBackup):
                    self._where.update({chunk: place for chunk, place in
                                        self._table_of(pack).items()
                                        if (pack, chunk) not in damaged})
        return self._where

    def _table_of(self, pack: str) -> dict[str, Location]:
        tail = self.medium.pack_tail(pack, TRAILER.size)
        length, magic = TRAILER.unpack(tail) if len(tail) == TRAILER.size else (0, b"")
        if magic != MAGIC:
            raise DamagedBackup("Un paquet de la sauvegarde est tronqué.")
        sealed = self.medium.pack_tail(pack, TRAILER.size + length)[:length]
        table = json.loads(self._keys.open(sealed, self._binding(pack)))
        return {chunk: Location(pack, offset, size) for chunk, offset, size in table}

    def add(self, chunk_id: str, data: bytes) -> None:
        """Seal a chunk not yet on the medium into the pack being filled."""
        if chunk_id in self.where or chunk_id in self._pending:
            return
        self.add_sealed(chunk_id, self._keys.seal(data, f"chunk|{chunk_id}"))

    def add_sealed(self, chunk_id: str, sealed: bytes | bytearray) -> None:
        """Pack an already sealed chunk (new, or kept by a repack)."""
        self._table.append((chunk_id, self._size, len(sealed)))
        self._pending.add(chunk_id)
        self._parts.append(sealed)
        self._size += len(sealed)
        if self._size >= PACK_BYTES:
            self.flush()

    def flush(self) -> None:
        """Hand the pack being filled to the writer thread (whole, synced, renamed).

        The previous pack is awaited first: one pack reaches the disk while the next one is
        sealed, so the fsyncs overlap the hashing. `wait` before naming the chunks.
        """
        if not self._table:
            return
        pack = secrets.token_hex(16)
        sealed = self._keys.seal(json.dumps(self._table).encode(), self._binding(pack))
        self.wait()
        self._writing = _WRITER.submit(self.medium.put_pack, pack, [
            *self._parts, sealed, TRAILER.pack(len(sealed), MAGIC)])
        self.where.update({c: Location(pack, o, n) for c, o, n in self._table})
        self._parts, self._table, self._pending, self._size = [], [], set(), 0

    def wait(self) -> None:
        """Return once the packs handed over are on the medium; raise their write's error."""
        writing, self._writing = self._writing, None
        if writing is not None:
            writing.result()

    def get(self, chunk_id: str, reading: "PackReading") -> bytes:
        """A chunk's clear bytes, authenticated against its id, or `DamagedBackup`."""
        place = self.where.get(chunk_id)
        if place is None:
            raise DamagedBackup("La sauvegarde est incomplète (des morceaux manquent sur le "
                                "support) : elle est refusée.")
        try:
            data = self._keys.open(reading.read(place), f"chunk|{chunk_id}")
            if self._keys.chunk_id(data) != chunk_id:
                raise DamagedBackup("Un morceau de la sauvegarde est altéré : elle est refusée.")
        except DamagedBackup:
            self.medium.note_damaged_chunk(place.pack, chunk_id)  # the next backup rewrites it
            raise
        return data

    def scrub(self, chunk_ids: Iterable[str], reading: "PackReading") -> None:
        """Check every chunk of `chunk_ids`, noting each altered one (a restore found one)."""
        for chunk_id in dict.fromkeys(chunk_ids):
            with contextlib.suppress(DamagedBackup):
                self.get(chunk_id, reading)

    def prune(self, kept: set[str]) -> None:
        """Remove packs no kept chunk needs; repack those mostly unused, then remove them."""
        on_medium = set(self.medium.pack_names())
        packs: dict[str, list[tuple[str, Location]]] = {}
        for chunk, place in self.where.items():
            packs.setdefault(place.pack, []).append((chunk, place))
        emptied = []
        with PackReading(self.medium) as reading:
            for pack, chunks in packs.items():
                used = [(c, p) for c, p in chunks if c in kept]
                if sum(p.length for _, p in used) * 2 < sum(p.length for _, p in chunks):
                    for chunk, place in used:
                        self.add_sealed(chunk, reading.read(place))
                    emptied.append(pack)
            self.flush()
            self.wait()
        if emptied:
            self.medium.sync_packs()
        unreadable = on_medium - set(packs)  # damaged or foreign; never the new repacks
        for pack in [*emptied, *unreadable]:
            self.medium.drop_pack(pack)
        self.reload()


class PackReading:
    """Packs kept open while a restore reads their chunks in any order."""

    def __init__(self, medium: Medium) -> None:
        self.medium = medium
        self._open: dict[str, int] = {}

    def read(self, place: Location) -> bytes:
        """The sealed bytes at `place`."""
        if place.pack not in self._open:
            self._open[place.pack] = self.medium.open_pack(place.pack)
        data = os.pread(self._open[place.pack], place.length, place.offset)
        if len(data) != place.length:
            raise DamagedBackup("Un paquet de la sauvegarde est tronqué : elle est refusée.")
        return data

    def __enter__(self) -> "PackReading":
        return self

    def __exit__(self, *_: object) -> None:
        for fd in self._open.values():
            os.close(fd)
        self._open.clear()

