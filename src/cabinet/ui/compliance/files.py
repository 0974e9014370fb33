"""Paperwork written to a folder the physician picks, off the GUI thread, then named."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from cabinet.errors import KnownError
from cabinet.services.issuing import ExportResult
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.common.file_choice import folder_to_use
from cabinet.ui.common.worker import BackgroundJob

STOPPED = "L'écriture a été interrompue : aucun fichier n'a été laissé."


def write_to_folder(parent: QWidget, title: str,
                    write: Callable[[Path], ExportResult]) -> ExportResult | None:
    """Ask for a folder, write there off the GUI thread, say which files; None if cancelled."""
    folder = folder_to_use(parent, title)
    if folder is None:
        return None
    try:
        result = BackgroundJob(parent, f"{title}…", STOPPED).run(lambda _progress: write(folder))
    except KnownError as error:
        show_known_error(parent, error)
        return None
    names = ", ".join(f.name for f in result.files)
    QMessageBox.information(parent, title, f"Écrit dans {result.path} : {names}.")
    return result
