"""Automatic backups in the desktop: at the lock, verified at the unlock, said in the status bar."""

import datetime as dt

import pytest

from cabinet.backup.medium import ROOT_NAME
from cabinet.domain.settings import BACKUP_FOLDER
from cabinet.errors import KnownError
from helpers.desktop_backups import choose, settled


@pytest.fixture
def medium(tmp_path):
    folder = tmp_path / "SAUVEGARDE"
    folder.mkdir()
    return folder


def indexes(medium):
    return sorted((medium / ROOT_NAME).rglob("*.index"))


def test_a_lock_writes_a_backup_verified_at_the_unlock_and_shown(qtbot, unlocked, medium):
    window = unlocked
    settled(qtbot, window)
    choose(window, str(medium))
    vault = window.ctx.vault

    window.lock()

    assert not any(vault.data_key), "the lock did not wait for the backup to drop the key"
    settled(qtbot, window)
    assert len(indexes(medium)) == 1
    assert not list((medium / ROOT_NAME).rglob("*.verified"))

    window.unlock("demo", "demo")
    settled(qtbot, window)
    snapshots = window.ctx.backups(medium).snapshots()
    assert [s.verified for s in snapshots] == [True]
    label = window.backups.status
    assert label.text().startswith("Dernière sauvegarde vérifiée : aujourd'hui ")
    assert label.text().endswith(", dossier SAUVEGARDE")
    assert not label.alert
    details = [row[0] for row in window.ctx.vault.conn.execute("SELECT detail FROM audit")]
    assert f"sauvegarde vérifiée {snapshots[0].snapshot_id}" in details


def test_red_after_a_day_without_a_verified_backup_or_when_the_medium_is_gone(
        qtbot, unlocked, medium, clock):
    window = unlocked
    settled(qtbot, window)
    choose(window, str(medium))
    window.backups.check()
    settled(qtbot, window)
    label = window.backups.status
    assert not label.alert and "aujourd'hui" in label.text()

    clock.advance(dt.timedelta(hours=25))
    window.backups.refresh()
    assert label.alert and "hier" in label.text()
    assert "color: #b00020" in label.styleSheet()

    window.backups.check()  # the quarter-hourly check takes the day's backup
    settled(qtbot, window)
    assert not label.alert and "aujourd'hui" in label.text()

    medium.rename(medium.with_name("débranché"))
    window.backups.refresh()
    assert label.alert and "support absent : dossier SAUVEGARDE" in label.text()
    window.backups.check()
    settled(qtbot, window)
    assert not medium.exists(), "a missing medium's folder is never created elsewhere"
    assert label.alert


def test_a_cloud_synced_destination_is_refused_in_french(qtbot, unlocked, tmp_path, medium):
    window = unlocked
    synced = tmp_path / "Dropbox" / "cabinet"
    synced.mkdir(parents=True)
    with pytest.raises(KnownError, match=r"synchronisé par Dropbox.*HDS"):
        choose(window, f"{medium} ; {synced}")
    assert window.ctx.settings.value(BACKUP_FOLDER) == ""

    window.backups.folders = lambda ctx: f"{medium} ; {synced}"  # stored by another version
    settled(qtbot, window)
    window.backups.check()
    settled(qtbot, window)
    window.lock()
    settled(qtbot, window)

    label = window.backups.status
    assert label.alert
    assert "synchronisé par Dropbox" in label.text() and "HDS" in label.text()
    assert not (synced / ROOT_NAME).exists()
    assert len(indexes(medium)) == 2, "the other destination still gets its backups"
