"""A used recovery key is replaced at once (AUTH-6): who used it is journaled, the new key shown.

The key may be used by the family or the Order's council, not the physician: the journal
records the name and capacity they give. The sheet to print is laid out and written off the
GUI thread.
"""

from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from cabinet.bootstrap import AppContext
from cabinet.domain.audit import Action
from cabinet.errors import KnownError
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.common.worker import BackgroundJob, Progress

WRITING = "Écriture de la feuille de secours…"
WRITING_STOPPED = "Écriture interrompue : la feuille de secours n'a pas été enregistrée."


def renew_recovery_key(parent: QWidget, ctx: AppContext, notify: Callable[[str], None]) -> None:
    """Say who used the key, then replace it, show the new one and offer its sheet."""
    who, ok = QInputDialog.getText(
        parent, "Clé de secours utilisée",
        "Qui utilise la clé de secours ? (nom et qualité, par exemple « M. Durand, "
        "conseil départemental de l'Ordre »)")
    ctx.vault.journal(Action.ADMIN, ctx.clock, detail=(
        f"clé de secours utilisée par : {who.strip()[:200]}" if ok and who.strip()
        else "clé de secours utilisée : identité non déclarée"))
    new_key = ctx.vault.renew_recovery_key(ctx.clock)
    box = QMessageBox(QMessageBox.Icon.Information, "Nouvelle clé de secours",
        "La clé de secours vient d'être utilisée : elle est remplacée. Imprimez la "
        "nouvelle clé ci-dessous, mettez-la sous pli scellé et remettez-la au conseil "
        f"départemental de l'Ordre.\n\n{new_key}\n\nL'ancienne clé n'ouvre plus le "
        "coffre. Pensez aussi à enregistrer votre nouvelle carte si vous en avez une.",
        QMessageBox.StandardButton.Ok, parent)
    sheet = box.addButton("Enregistrer la feuille à imprimer…",
                          QMessageBox.ButtonRole.ActionRole)
    box.exec()
    if box.clickedButton() is sheet:
        _save_recovery_sheet(parent, ctx, new_key, notify)


def _save_recovery_sheet(parent: QWidget, ctx: AppContext, recovery_key: str,
                         notify: Callable[[str], None]) -> None:
    """Write the recovery sheet where the physician says, and open it to print."""
    from cabinet.documents.recovery_sheet import recovery_sheet
    from cabinet.ui.common.file_choice import file_to_save
    from cabinet.vault.atomic import write_atomically

    path = file_to_save(parent, "Feuille de secours", "feuille-de-secours.pdf", "PDF (*.pdf)")
    if path is None:
        return
    letterhead, vault_id = ctx.letterhead(), ctx.vault.header.vault_id
    day = ctx.clock.now().astimezone().date()

    def write(_progress: Progress) -> None:
        write_atomically(path, recovery_sheet(letterhead, vault_id, recovery_key, day))

    try:
        BackgroundJob(parent, WRITING, WRITING_STOPPED).run(write)
    except KnownError as error:  # stopped by the lock: the new key was shown in the box
        show_known_error(parent, error)
        return
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    notify("Feuille de secours enregistrée : imprimez-la, puis supprimez le fichier.")
