"""File and folder choosers that open where the physician works, never in the program's folder.

The last folder used is remembered in memory while the vault is open, else the export folder
of the settings, else the home folder. Locking forgets it (a folder's name may name someone).
"""

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


class FolderMemory:
    """Where the next file dialog opens."""

    def __init__(self) -> None:
        self.export_folder = ""
        self.last: Path | None = None

    def start(self) -> str:
        """The last folder used if it is still there, else the export folder, else home."""
        for folder in (self.last, Path(self.export_folder) if self.export_folder else None):
            if folder is not None and folder.is_dir():
                return str(folder)
        return str(Path.home())

    def used(self, path: str, *, is_folder: bool = False) -> Path | None:
        """Remember the folder of what was chosen; None when nothing was."""
        if not path:
            return None
        chosen = Path(path)
        self.last = chosen if is_folder else chosen.parent
        return chosen

    def forget(self) -> None:
        """At lock: nothing of the session is kept."""
        self.export_folder = ""
        self.last = None


FOLDERS = FolderMemory()


def file_to_open(parent: QWidget, title: str, filters: str) -> Path | None:
    """A file to read, or None."""
    name, _ = QFileDialog.getOpenFileName(parent, title, FOLDERS.start(), filters)
    return FOLDERS.used(name)


def file_to_save(parent: QWidget, title: str, file_name: str, filters: str) -> Path | None:
    """Where to write a file proposed as `file_name`, or None."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(Path(FOLDERS.start(), file_name)),
                                          filters)
    return FOLDERS.used(name)


def folder_to_use(parent: QWidget, title: str, current: str = "") -> Path | None:
    """A folder, starting from `current` when it is one; None if none is chosen."""
    start = current if current and Path(current).is_dir() else FOLDERS.start()
    return FOLDERS.used(QFileDialog.getExistingDirectory(parent, title, start), is_folder=True)
