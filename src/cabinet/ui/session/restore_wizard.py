"""Restore a backup from the desktop: on a new installation, or after a lost disk (BAK-1).

The physician chooses the medium's folder, one of its backups (date, verified or not), the
folder of the restored vault, and opens the backup's own key slots: with the enrolled card in
the reader and its PIN, or the recovery key of the sealed envelope. A backup older than the
vault of this workstation (a rollback) is restored only with a written reason, which the
restored vault's journal keeps.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cabinet.domain.audit import AccessMode
from cabinet.errors import KnownError
from cabinet.ui.common.file_choice import folder_to_use
from cabinet.ui.common.pin import DialogPin

if TYPE_CHECKING:
    from cabinet.bootstrap import BackupDoor, VaultDoor
    from cabinet.services.ports import SnapshotInfo

ALERT = "color: #b00020; font-weight: bold;"


class RestoreWizard(QDialog):
    """« Restaurer une sauvegarde » : medium, backup, target, recovery key, reason if older."""

    def __init__(self, door: "VaultDoor", card_reader: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card_reader = card_reader  # a reader holding a card: it may open the backup
        self.setWindowTitle("Restaurer une sauvegarde")
        self.door = door
        self.restored: SnapshotInfo | None = None
        self._listed: tuple[str, list[str]] = ("", [])  # the medium listed, its backups' ids
        self.medium = QLineEdit()
        self.snapshots = QListWidget()
        self.target = QLineEdit(str(door.folder))
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("vide : la carte CPS insérée, et son code PIN"
                                    if card_reader else "ABCD-EFGH-…")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("seulement pour revenir à une sauvegarde plus ancienne "
                                       "que le coffre de ce poste")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ALERT)
        self.medium.editingFinished.connect(self.list_snapshots)
        form = QFormLayout()
        form.addRow(_label("&Support des sauvegardes", self.medium),
                    _with_choice(self.medium, "C&hoisir…", self._choose_medium))
        form.addRow(_label("Sau&vegarde à restaurer", self.snapshots), self.snapshots)
        form.addRow(_label("&Dossier du coffre restauré", self.target),
                    _with_choice(self.target, "Ch&oisir…", self._choose_target))
        form.addRow(_label("Clé de se&cours", self.key), self.key)
        form.addRow(_label("&Motif du retour en arrière", self.reason), self.reason)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("&Restaurer",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("&Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.restore)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Choisissez le support (disque externe, partage), la "
                                "sauvegarde, puis donnez la clé de secours de l'enveloppe "
                                "scellée. Le coffre restauré s'ouvre ensuite avec votre carte "
                                "CPS ou cette clé."))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(640, 460)

    def _backups(self) -> "BackupDoor":
        from cabinet.bootstrap import BackupDoor

        return BackupDoor(Path(self.medium.text().strip()), self.door.clock)

    def _choose_medium(self) -> None:
        if folder := folder_to_use(self, "Support des sauvegardes", self.medium.text()):
            self.medium.setText(str(folder))
            self._listed = ("", [])  # chosen again: listed again (it may have been plugged in)
            self.list_snapshots()

    def _choose_target(self) -> None:
        if folder := folder_to_use(self, "Dossier du coffre restauré", self.target.text()):
            self.target.setText(str(folder))

    def list_snapshots(self) -> None:
        """The medium's backups, newest first: date and whether they were verified.

        The field says it is done each time it loses the focus (the restore's progress takes
        it): a medium already listed is not listed again.
        """
        medium = self.medium.text().strip()
        if medium and medium == self._listed[0]:
            return
        self._listed = (medium, [])
        self.snapshots.clear()
        self.message.clear()
        try:
            backups = self._backups()
            found = backups.snapshots(backups.vault_id())
        except KnownError as error:
            self.message.setText(error.message)
            return
        newest_first = list(reversed(found))
        self._listed = (medium, [snapshot_id for snapshot_id, _, _ in newest_first])
        for _, taken, verified in newest_first:
            local = taken.astimezone()
            self.snapshots.addItem(f"{local:%d/%m/%Y} {local.hour} h {local.minute:02d} — "
                                   + ("vérifiée" if verified else "NON vérifiée"))
        self.snapshots.setCurrentRow(0)
        if not found:
            self.message.setText("Ce support ne contient aucune sauvegarde lisible.")

    def restore(self) -> None:
        """Open the chosen backup and restore it, off the GUI thread.

        The recovery key typed opens it; without one, the card in the reader and its PIN
        (the backup carries the enrolled cards' slots).
        """
        from cabinet.keys.recovery import unlock_with_recovery_key
        from cabinet.services.backup import RollbackRefused
        from cabinet.ui.common.worker import BackgroundJob

        row = self.snapshots.currentRow()
        if row < 0:
            self.message.setText("Choisissez d'abord le support, puis une sauvegarde.")
            return
        backups = self._backups()
        snapshot_id = self._listed[1][row]
        target, typed, reason = Path(self.target.text().strip()), self.key.text(), \
            self.reason.text()
        self.key.clear()

        job = BackgroundJob(self, "Restauration de la sauvegarde…", "Restauration interrompue.")
        by_card = not typed.strip() and bool(self.card_reader)
        pins = DialogPin(self, "Restaurer une sauvegarde", "Code PIN de votre carte CPS :",
                         job.stopping)

        def work(_progress: object) -> "SnapshotInfo":
            vault_id = backups.vault_id()
            header = backups.key_header(vault_id, snapshot_id)
            if by_card:
                data_key = backups.key_by_card(header, self.card_reader, pins)
                if data_key is None:
                    raise KnownError("Sans le code PIN de la carte, donnez la clé de secours "
                                     "de l'enveloppe scellée.")
            else:
                data_key = unlock_with_recovery_key(header, typed)
            return backups.restore(vault_id, snapshot_id, data_key=data_key,
                                   mode=AccessMode.CARD if by_card else AccessMode.RECOVERY,
                                   target=target, local=self.door.folder,
                                   rollback_reason=reason)

        try:
            self.restored = job.run(work)
        except KnownError as error:
            self.message.setText(error.message)
            (self.reason if isinstance(error, RollbackRefused) else self.key).setFocus()
            return
        finally:
            pins.deleteLater()
        self.accept()


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _with_choice(edit: QLineEdit, text: str, choose: Callable[[], None]) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit)
    button = QPushButton(text)
    button.clicked.connect(choose)
    layout.addWidget(button)
    return row
