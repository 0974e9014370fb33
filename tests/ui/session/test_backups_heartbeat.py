"""A backup in progress never freezes the window: the heartbeat keeps turning."""

import os

from cabinet.services.backup import BackupService
from helpers.desktop_backups import choose, settled
from helpers.slow import FROZEN_MS, Heartbeat, slowed
from helpers.vaults import identity


def test_a_backup_in_progress_never_freezes_the_window(qtbot, unlocked, tmp_path, monkeypatch):
    window = unlocked
    medium = tmp_path / "SAUVEGARDE"
    medium.mkdir()
    settled(qtbot, window)
    patients = window.ctx.patients
    records = window.ctx.records
    patient = patients.create(identity("Martin", "Jeanne"))
    for number in range(24):
        records.add_document(patient, {
            "doc_type": "result", "title": f"Imagerie {number}", "origin": "Centre",
            "date": "2026-10-30", "filename": "image.bin",
            "media_type": "application/octet-stream"}, os.urandom(1024 * 1024))
    choose(window, str(medium))
    slowed(monkeypatch, BackupService, "take")

    with Heartbeat() as heartbeat:
        window.backups.check()
        assert window.backups.job.busy
        settled(qtbot, window)

    assert heartbeat.ticks > 5
    assert heartbeat.latest_ms <= FROZEN_MS
    assert [s.verified for s in window.ctx.backups(medium).snapshots()] == [True]
