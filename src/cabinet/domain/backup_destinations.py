"""Where backups may go: folders the physician chose, never a cloud-synced one (HDS).

A folder synchronised by Dropbox, OneDrive, Google Drive, iCloud Drive, Nextcloud… hands the
encrypted practice to a third party that is not certified to host health data (hébergeur de
données de santé, HDS): such a destination is refused, whatever the encryption.
"""

from pathlib import PurePath

SEPARATOR = ";"
CLOUD_FOLDERS = {
    "dropbox": "Dropbox", "onedrive": "OneDrive", "google drive": "Google Drive",
    "googledrive": "Google Drive", "mon drive": "Google Drive", "my drive": "Google Drive",
    "icloud drive": "iCloud Drive", "icloud": "iCloud Drive", "icloudrive": "iCloud Drive",
    "mobile documents": "iCloud Drive", "com~apple~clouddocs": "iCloud Drive",
    "nextcloud": "Nextcloud", "owncloud": "ownCloud", "pcloud": "pCloud",
    "pcloud drive": "pCloud", "box": "Box", "box sync": "Box", "megasync": "MEGA",
    "seafile": "Seafile", "tresorit": "Tresorit", "kdrive": "kDrive",
    "synology drive": "Synology Drive"}
"""Folder names (lower case) that cloud clients create and keep synchronised."""


def destination_folders(text: str) -> list[PurePath]:
    """The folders of the setting, separated by « ; », in the order given."""
    return [PurePath(part.strip()) for part in text.split(SEPARATOR) if part.strip()]


def cloud_service(folder: PurePath) -> str | None:
    """The cloud service that synchronises `folder`, or None."""
    for part in folder.parts:
        name = part.lower()
        service = CLOUD_FOLDERS.get(name) or next(
            (found for key, found in CLOUD_FOLDERS.items()
             if len(key) > 4 and name.startswith(f"{key} ")), None)  # « OneDrive - Cabinet »
        if service is not None:
            return service
    return None


def cloud_refusal(folder: PurePath) -> str | None:
    """Why `folder` may not receive backups (French), or None."""
    service = cloud_service(folder)
    if service is None:
        return None
    return (f"Le dossier « {folder} » est synchronisé par {service} : une sauvegarde y "
            "serait copiée chez un hébergeur qui n'est pas certifié pour les données de "
            "santé (HDS). Choisissez un disque externe, un second disque ou un partage du "
            "cabinet.")
