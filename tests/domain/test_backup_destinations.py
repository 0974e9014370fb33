"""Backup destinations: several folders, never one a cloud service synchronises (HDS)."""

from pathlib import PurePath

import pytest

from cabinet.domain.backup_destinations import cloud_refusal, destination_folders


def test_several_folders_are_separated_by_semicolons():
    assert destination_folders(" /media/SAUVEGARDE ; ;/mnt/partage ") == [
        PurePath("/media/SAUVEGARDE"), PurePath("/mnt/partage")]


@pytest.mark.parametrize(("folder", "service"), [
    ("/home/dr/Dropbox/cabinet", "Dropbox"),
    ("C:/Users/dr/OneDrive - Cabinet Martin/Sauvegardes", "OneDrive"),
    ("/Users/dr/Library/Mobile Documents/com~apple~CloudDocs/sauv", "iCloud Drive"),
    ("/home/dr/Nextcloud/Sauvegardes", "Nextcloud"),
    ("G:/Mon Drive/Cabinet", "Google Drive"),
])
def test_a_cloud_synced_folder_is_refused_in_french(folder, service):
    message = cloud_refusal(PurePath(folder))
    assert message is not None
    assert service in message and "HDS" in message and "données de santé" in message


def test_an_external_drive_or_a_share_is_accepted():
    assert cloud_refusal(PurePath("/media/dr/SAUVEGARDE")) is None
    assert cloud_refusal(PurePath("/mnt/partage-cabinet/sauvegardes")) is None
