"""Backups on a real folder: restorable, dedup'd, nothing clear, refused when altered."""

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import tempfile

import pytest

from cabinet.backup.engine import BackupReader
from cabinet.backup.medium import ROOT_NAME
from cabinet.backup.sealing import DamagedBackup
from cabinet.domain.audit import AccessMode
from cabinet.domain.record import EntryKind
from cabinet.errors import KnownError, WrongKey
from cabinet.keys.recovery import unlock_with_recovery_key
from cabinet.services.backup import (
    RollbackRefused,
    Rotation,
    kept_snapshots,
    restore,
)
from cabinet.services.ports import RestoreNote, SnapshotInfo
from cabinet.vault.session import Credential, unlock
from helpers.records import OTHER_PATIENT_MARKER, PRIVATE_MARKER, SHARED_MARKER, marked_practice
from helpers.vaults import new_context

NOTE = RestoreNote("2026-11-03T10:00:00+00:00", AccessMode.RECOVERY.value, "poste-neuf", "")


@pytest.fixture
def practice(tmp_path, clock):
    ctx, recovery_key = new_context(tmp_path / "coffre", clock)
    marked = marked_practice(ctx)
    yield ctx, recovery_key, marked
    ctx.lock()


def reader_for(dest, ctx, recovery_key):
    header = ctx.vault.header
    return BackupReader(dest, header.vault_id, unlock_with_recovery_key(header, recovery_key))


def medium_bytes(dest):
    return b"".join(p.read_bytes() for p in (dest / ROOT_NAME).rglob("*") if p.is_file())


def test_a_backup_restores_on_a_new_workstation_and_leaves_nothing_clear(practice, tmp_path,
                                                                           clock):
    ctx, recovery_key, _ = practice
    dest = tmp_path / "SAUVEGARDE"
    info = ctx.backups(dest).back_up()
    assert info.verified and info.facts["patients"] == 2

    everything = medium_bytes(dest)
    for clear in (PRIVATE_MARKER, OTHER_PATIENT_MARKER, SHARED_MARKER, "Lefèvre",
                  "2610375056123", "SQLite format 3"):
        assert clear.encode() not in everything
        assert clear.encode("utf-16-le") not in everything

    target = tmp_path / "poste-neuf" / "coffre"
    restore(reader_for(dest, ctx, recovery_key), info.snapshot_id, target, NOTE)
    restored = unlock(target, Credential(AccessMode.RECOVERY, recovery_key), clock, "poste-neuf")
    try:
        assert restored.conn.execute("SELECT count(*) FROM patient").fetchone()[0] == 2
        details = [r[0] for r in restored.conn.execute("SELECT detail FROM audit")]
        assert f"restauration de la sauvegarde {info.snapshot_id}" in details
    finally:
        restored.lock(clock)


def test_the_second_backup_writes_only_new_chunks(practice, tmp_path):
    ctx, _, marked = practice
    for number in range(12):
        ctx.records.add_document(marked.patient, {
            "doc_type": "result", "title": f"Imagerie {number}", "origin": "Centre",
            "date": "2026-10-30", "filename": "image.bin",
            "media_type": "application/octet-stream"}, os.urandom(256 * 1024))
    service = ctx.backups(tmp_path / "SAUVEGARDE")
    service.back_up()
    first = sum(p.stat().st_size for p in (tmp_path / "SAUVEGARDE").rglob("*") if p.is_file())
    for day in range(5):
        ctx.records.add_entry(marked.patient, EntryKind.ENCOUNTER, {
            "date": f"2026-11-0{day + 3}", "reason": "Contrôle"})
    medium = service._backups.medium  # the adapter's count of bytes written
    medium.written = 0
    second = service.back_up()
    assert second.verified
    assert first > 3_000_000
    assert medium.written < first / 5
    assert len(service.snapshots()) == 1  # same day: the rotation keeps the newest


def test_a_backup_taken_while_writing_holds_the_last_committed_entry(practice, tmp_path):
    ctx, recovery_key, marked = practice
    ctx.records.add_entry(marked.patient, EntryKind.ENCOUNTER, {"date": "2026-11-04",
                                                                 "reason": "Dernière saisie"})
    assert ctx.vault.layout.sidecar_files()[0].stat().st_size > 0  # still in the WAL
    info = ctx.backups(tmp_path / "SAUVEGARDE").back_up()
    last = ctx.vault.conn.execute("SELECT max(id) FROM entry").fetchone()[0]
    target = tmp_path / "restauré"
    restore(reader_for(tmp_path / "SAUVEGARDE", ctx, recovery_key), info.snapshot_id, target,
            NOTE)
    import sqlcipher3

    conn = sqlcipher3.connect(str(target / "cabinet.vault"))
    conn.execute(f"PRAGMA key = \"x'{bytes(ctx.vault.data_key).hex()}'\"")
    assert conn.execute("SELECT max(id) FROM entry").fetchone()[0] == last
    conn.close()


def _flip_a_chunk_byte(dest):
    pack = sorted((dest / ROOT_NAME).rglob("packs/*.pack"))[0]
    data = bytearray(pack.read_bytes())
    data[len(data) // 2] ^= 0x01
    pack.write_bytes(bytes(data))


def _truncate_the_index(dest):
    index = next((dest / ROOT_NAME).rglob("*.index"))
    index.write_bytes(index.read_bytes()[:200])


@pytest.mark.parametrize("alter", [_flip_a_chunk_byte, _truncate_the_index])
def test_an_altered_backup_is_refused_and_nothing_is_written(practice, tmp_path, alter):
    ctx, recovery_key, _ = practice
    dest = tmp_path / "SAUVEGARDE"
    info = ctx.backups(dest).back_up()
    alter(dest)
    reader = reader_for(dest, ctx, recovery_key)
    target = tmp_path / "cible"
    with pytest.raises(KnownError):
        reader.verify(info.snapshot_id)
    with pytest.raises(KnownError):
        restore(reader, info.snapshot_id, target, NOTE)
    assert not target.exists()
    assert not list(tmp_path.glob(".cible*"))


def test_a_backup_of_another_practice_or_a_wrong_key_is_refused(practice, tmp_path, clock):
    ctx, recovery_key, _ = practice
    dest = tmp_path / "SAUVEGARDE"
    info = ctx.backups(dest).back_up()
    other, other_key = new_context(tmp_path / "autre", clock)
    try:
        other_info = other.backups(dest).back_up()
        ours = dest / ROOT_NAME / ctx.vault.header.vault_id / "snapshots"
        theirs = dest / ROOT_NAME / other.vault.header.vault_id / "snapshots"
        (ours / f"{other_info.snapshot_id}.index").write_bytes(
            (theirs / f"{other_info.snapshot_id}.index").read_bytes())
        reader = reader_for(dest, ctx, recovery_key)
        target = tmp_path / "cible"
        with pytest.raises(KnownError):
            restore(reader, other_info.snapshot_id, target, NOTE)
        with pytest.raises(WrongKey):
            unlock_with_recovery_key(ctx.vault.header, other_key)
        wrong = BackupReader(dest, ctx.vault.header.vault_id, bytes(32))
        assert wrong.snapshots() == []
        with pytest.raises(DamagedBackup):
            wrong.restore_into(info.snapshot_id, tmp_path)
        assert not target.exists()
    finally:
        other.lock()


def test_a_rollback_needs_a_written_reason_which_is_journaled(practice, tmp_path, clock):
    ctx, recovery_key, marked = practice
    dest = tmp_path / "SAUVEGARDE"
    service = ctx.backups(dest)
    service.rotation = Rotation(daily=7)
    older = service.back_up()
    clock.advance(dt.timedelta(days=1))
    ctx.records.add_entry(marked.patient, EntryKind.ENCOUNTER, {"date": "2026-11-04",
                                                                 "reason": "Après"})
    service.back_up()
    reader = reader_for(dest, ctx, recovery_key)
    with pytest.raises(RollbackRefused):
        restore(reader, older.snapshot_id, tmp_path / "cible", NOTE)
    assert not (tmp_path / "cible").exists()
    restore(reader, older.snapshot_id, tmp_path / "cible", NOTE,
            rollback_reason="disque remplacé, dernière sauvegarde illisible")
    restored = unlock(tmp_path / "cible", Credential(AccessMode.RECOVERY, recovery_key), clock,
                      "poste")
    try:
        details = " ".join(r[0] for r in restored.conn.execute("SELECT detail FROM audit"))
        assert "retour en arrière accepté, motif : disque remplacé" in details
    finally:
        restored.lock(clock)


def _snapshot(day: dt.datetime, verified: bool = True) -> SnapshotInfo:
    return SnapshotInfo(day.isoformat(), day.isoformat(), verified, {})


def test_rotation_keeps_daily_weekly_monthly_then_yearly_and_the_last_verified():
    start = dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)
    snapshots = [_snapshot(start + dt.timedelta(days=n)) for n in range(3 * 365)]
    kept = kept_snapshots(snapshots, Rotation())
    days = sorted(dt.datetime.fromisoformat(k) for k in kept)
    newest = snapshots[-1].taken_at
    assert newest in kept
    assert len([d for d in days if (days[-1] - d).days < 7]) == 7
    assert {d.year for d in days} == {2020, 2021, 2022}
    assert len(kept) <= 7 + 4 + 12 + 3
    unverified_last = [*snapshots[:3], dataclasses.replace(_snapshot(start + dt.timedelta(
        days=9)), verified=False)]
    assert snapshots[2].snapshot_id in kept_snapshots(unverified_last, Rotation(daily=1))
    assert unverified_last[-1].snapshot_id not in kept_snapshots(unverified_last, Rotation())


def _files_on(dest, folder):
    return [p for p in (dest / ROOT_NAME).rglob(f"{folder}/*") if p.is_file()]


def _add_images(ctx, patient, count):
    for number in range(count):
        ctx.records.add_document(patient, {
            "doc_type": "result", "title": f"Imagerie {number}", "origin": "Centre",
            "date": "2026-10-30", "filename": "image.bin",
            "media_type": "application/octet-stream"}, os.urandom(256 * 1024))


def test_chunks_are_packed_many_to_a_file(practice, tmp_path):
    ctx, _, marked = practice
    _add_images(ctx, marked.patient, 12)
    dest = tmp_path / "SAUVEGARDE"
    ctx.backups(dest).back_up()
    packs = _files_on(dest, "packs")
    assert sum(p.stat().st_size for p in packs) > 3_000_000
    assert len(packs) <= 2  # one file per few MiB, not one per 128 KiB chunk


def test_a_truncated_pack_is_refused_and_the_next_backup_writes_it_again(practice, tmp_path):
    ctx, recovery_key, _ = practice
    dest = tmp_path / "SAUVEGARDE"
    service = ctx.backups(dest)
    info = service.back_up()
    pack = _files_on(dest, "packs")[0]
    pack.write_bytes(pack.read_bytes()[:-100])
    reader = reader_for(dest, ctx, recovery_key)
    with pytest.raises(DamagedBackup, match="incomplète"):
        reader.verify(info.snapshot_id)
    assert not (tmp_path / "cible").exists()
    again = service.back_up()
    assert again.verified
    reader.verify(again.snapshot_id)


def test_an_index_of_another_format_is_refused(practice, tmp_path):
    ctx, recovery_key, _ = practice
    dest = tmp_path / "SAUVEGARDE"
    info = ctx.backups(dest).back_up()
    index = next((dest / ROOT_NAME).rglob("*.index"))
    index.write_text(index.read_text().replace('"format": 2', '"format": 1'))
    reader = reader_for(dest, ctx, recovery_key)
    with pytest.raises(DamagedBackup, match="format"):
        reader.verify(info.snapshot_id)
    assert reader.snapshots() == []


def test_forgetting_removes_the_packs_no_snapshot_needs_and_keeps_the_rest(practice,
                                                                           tmp_path):
    ctx, recovery_key, marked = practice
    dest = tmp_path / "SAUVEGARDE"
    service = ctx.backups(dest)
    first = service.back_up()
    before = sum(p.stat().st_size for p in _files_on(dest, "packs"))
    _add_images(ctx, marked.patient, 12)
    second = service._backups.create("2026-11-05T10:00:00+00:00")
    assert sum(p.stat().st_size for p in _files_on(dest, "packs")) > before + 3_000_000
    reader = reader_for(dest, ctx, recovery_key)
    reader.forget([second])
    assert sum(p.stat().st_size for p in _files_on(dest, "packs")) < before * 1.5
    assert reader.verify(first.snapshot_id).verified
    reader.forget([first.snapshot_id])
    assert _files_on(dest, "packs") == []


def test_scratch_folders_of_a_killed_backup_are_swept_by_the_next(practice, tmp_path,
                                                                  monkeypatch):
    """A backup killed mid-way (kill -9) leaves its scratch copy; the next backup removes
    those whose process has ended, never a running one's."""
    ctx, _, _ = practice
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed.kill()
    killed.wait()
    abandoned = temp / f"cabinet-scratch-{killed.pid}-backup-x1y2"
    running = temp / f"cabinet-scratch-{os.getppid()}-check-z3w4"
    for folder in (abandoned, running):
        folder.mkdir()
        (folder / "coffre.db").write_bytes(b"\x00" * 4096)
    ctx.backups(tmp_path / "SAUVEGARDE").back_up()
    assert not abandoned.exists()
    assert running.exists()
    assert sorted(p.name for p in temp.iterdir()) == [running.name]  # its own are gone too


def test_an_altered_chunk_is_written_again_by_the_next_backup_not_reused(practice, tmp_path):
    """Deduplication must not keep pointing at a chunk that failed its check: once a
    verification found it altered, the next backup writes it again and verifies."""
    ctx, recovery_key, marked = practice
    for number in range(4):  # a vault of a dozen chunks, most of them unchanged below
        ctx.records.add_document(marked.patient, {
            "doc_type": "result", "title": f"Imagerie {number}", "origin": "Centre",
            "date": "2026-10-30", "filename": "image.bin",
            "media_type": "application/octet-stream"}, os.urandom(256 * 1024))
    dest = tmp_path / "SAUVEGARDE"
    first = ctx.backups(dest).back_up()
    [pack] = (dest / ROOT_NAME).rglob("packs/*.pack")
    data = bytearray(pack.read_bytes())
    for tenth in range(1, 9):  # chunks all along the vault's file
        data[len(data) * tenth // 10] ^= 0x01
    pack.write_bytes(bytes(data))
    with pytest.raises(KnownError):
        reader_for(dest, ctx, recovery_key).verify(first.snapshot_id)
    second = ctx.backups(dest).back_up()  # the same vault: every chunk but that one reused
    assert second.verified
    restored = restore(reader_for(dest, ctx, recovery_key), second.snapshot_id,
                       tmp_path / "cible", NOTE)
    assert restored.facts == second.facts


def test_commits_and_checkpoints_during_a_backup_never_reach_the_file_it_reads(
        practice, tmp_path, monkeypatch):
    """The database is read in place under a snapshot: no checkpoint may write into it."""
    import hashlib

    from cabinet.backup.packs import PackStore
    from cabinet.vault import database

    ctx, recovery_key, marked = practice
    _add_images(ctx, marked.patient, 8)
    path = ctx.vault.layout.database
    other = database.connect(path, bytes(ctx.vault.data_key))
    seen: dict[str, object] = {}
    add = PackStore.add

    def add_while_the_practice_works(self, chunk_id, data):
        if not seen:
            seen["before"] = hashlib.sha256(path.read_bytes()).hexdigest()
            other.execute("INSERT INTO meta (key, value) VALUES ('pendant', ?)", ("x" * 200_000,))
            seen["checkpoint"] = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            seen["after"] = hashlib.sha256(path.read_bytes()).hexdigest()
        add(self, chunk_id, data)

    monkeypatch.setattr(PackStore, "add", add_while_the_practice_works)
    info = ctx.backups(tmp_path / "SAUVEGARDE").back_up()
    monkeypatch.undo()
    assert seen["before"] == seen["after"]
    _, logged, written_back = seen["checkpoint"]
    assert logged > 0 and written_back == 0  # the backup's reader held the checkpoint off
    target = tmp_path / "restauré"
    restore(reader_for(tmp_path / "SAUVEGARDE", ctx, recovery_key), info.snapshot_id, target,
            NOTE)
    restored = database.connect(target / path.name, bytes(ctx.vault.data_key))
    assert restored.execute("SELECT count(*) FROM meta WHERE key = 'pendant'").fetchone() == (0,)
    restored.close()
    assert other.execute("SELECT count(*) FROM meta WHERE key = 'pendant'").fetchone() == (1,)
    other.close()


def test_pruning_repacks_the_chunks_still_needed_and_keeps_them(tmp_path):
    """A pack mostly unused is rewritten with the chunks a kept snapshot still names."""
    from cabinet.backup.medium import Medium
    from cabinet.backup.packs import PackReading, PackStore
    from cabinet.backup.sealing import BackupKeys

    medium, keys = Medium(tmp_path, "cabinet"), BackupKeys(os.urandom(32), "cabinet")
    medium.prepare()
    store = PackStore(medium, keys)
    chunks = {keys.chunk_id(data): data for data in (os.urandom(100_000) for _ in range(10))}
    for chunk_id, data in chunks.items():
        store.add(chunk_id, data)
    store.flush()
    store.wait()
    medium.sync_packs()
    (first_pack,) = medium.pack_names()
    needed = next(iter(chunks))
    store.prune({needed})
    assert first_pack not in medium.pack_names()
    store.reload()
    with PackReading(medium) as reading:
        assert store.get(needed, reading) == chunks[needed]
