"""Shared dialog behaviour: validation, French errors inline, drafts while typing.

Saving goes through the services; a refused input keeps the dialog open with its message; a
draft is kept inside the vault while typing so that a lock loses nothing.
"""

import datetime as dt
import logging
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cabinet.domain.wording import french_datetime
from cabinet.errors import KnownError
from cabinet.services.drafts import DraftService
from cabinet.services.ports import DraftKey
from cabinet.ui.common.file_choice import file_to_open

DRAFT_DELAY_MS = 3000
log = logging.getLogger(__name__)


class ServiceDialog(QDialog):
    """A dialog whose OK button runs `save`; a refused input keeps the dialog open."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.body = QVBoxLayout()
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Enregistrer")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        outer = self._outer = QVBoxLayout(self)
        outer.addLayout(self.body)
        outer.addWidget(self.error)
        outer.addWidget(self.buttons)
        self.save: Callable[[], object] = lambda: None
        self.notice = QLabel()
        self.notice.setObjectName("draftNotice")
        outer.insertWidget(0, self.notice)
        self.notice.hide()
        self._draft: tuple[DraftService, DraftKey, Callable[[], dict[str, Any]]] | None = None
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft_now)
        self._interrupted = False

    def show_patient(self, text: str) -> None:
        """Say whose record is being written (inside the dialog, never in a window title)."""
        self._outer.insertWidget(0, patient_banner(text))

    def keep_drafts(self, drafts: DraftService, key: DraftKey,
                    payload: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
        """Save drafts of this dialog as typing goes; return a draft left from before."""
        self._draft = (drafts, key, payload)
        found = drafts.restore(key)
        if found is None:
            return None
        self.notice.setText(f"Brouillon du {french_datetime(found[1])} restauré.")
        self.notice.show()
        return found[0]

    def typed(self) -> None:
        """Something changed: save a draft once typing pauses."""
        if self._draft is not None:
            self._draft_timer.start()

    def save_draft_now(self) -> None:
        """Write the draft now (typing paused, or the application is locking)."""
        self._draft_timer.stop()
        if self._draft is not None:
            drafts, key, payload = self._draft
            drafts.save(key, payload())

    def interrupt(self) -> None:
        """The application locks: keep the draft, close without asking anything."""
        self._interrupted = True
        try:
            self.save_draft_now()
        except Exception:  # noqa: BLE001 - the lock must happen; the type alone is logged
            log.warning("draft not saved at lock", exc_info=False)
        finally:
            self._draft = None
            super().reject()

    def reject(self) -> None:
        """Cancel: abandoning typed text is confirmed, then its draft is discarded."""
        if self._draft is not None and not self._interrupted:
            answer = QMessageBox.question(self, "Abandonner la saisie",
                                          "Abandonner cette saisie ? Le brouillon sera effacé.")
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._draft_timer.stop()
            drafts, key, _ = self._draft
            drafts.discard(key)
        super().reject()

    def _save(self) -> None:
        commit_editing(self)
        try:
            self.save()
        except KnownError as error:
            self.error.setText(error.message)
            return
        self._draft_timer.stop()
        if self._draft is not None:
            drafts, key, _ = self._draft
            drafts.discard(key)
        self.accept()


def text_box(name: str) -> QPlainTextEdit:
    """A multi-line text where Tab moves on (keyboard-first)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    return box


def commit_editing(window: QWidget) -> None:
    """Keep the text of a table cell still being typed: a shortcut (Alt+E) leaves it open."""
    editor = window.focusWidget()
    for view in window.findChildren(QAbstractItemView):
        editing = view.state() == QAbstractItemView.State.EditingState
        if editing and editor is not None and editor.parent() is view.viewport():
            view.commitData(editor)
            view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)


def patient_banner(text: str) -> QLabel:
    """The line that names the patient inside a dialog (never in its window title)."""
    banner = QLabel(f"<b>Patient : {escape(text)}</b>")
    banner.setObjectName("patientBanner")
    return banner


def result_label(name: str, text: str = "") -> QLabel:
    """A wrapped label the physician can select and copy from (a path, a verdict's details)."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def close_buttons(dialog: QDialog) -> QDialogButtonBox:
    """A single « Fermer » button that rejects `dialog`."""
    close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    close.button(QDialogButtonBox.StandardButton.Close).setText("&Fermer")
    close.rejected.connect(dialog.reject)
    return close


def ask_reason(parent: QWidget) -> str | None:
    """Ask why an entry is corrected (REC-3); None if the physician cancels."""
    reason, ok = QInputDialog.getText(parent, "Motif de la correction",
                                      "Pourquoi corrigez-vous cette entrée ?")
    return reason if ok else None


def certificate_to_open(parent: QWidget, title: str) -> Path | None:
    """A certificate file (PEM or DER) the physician picks, or None."""
    return file_to_open(parent, title, "Certificats (*.pem *.cer *.crt *.der)")


def side_by_side(stretched: QWidget, *others: QWidget, indent: int = 0) -> QWidget:
    """A row: `stretched` takes the room left, `others` (buttons, a checkbox) follow it."""
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(indent, 0, 0, 0)
    line.addWidget(stretched, 1)
    for widget in others:
        line.addWidget(widget)
    return row


def day_edit(day: "dt.date | None") -> QDateEdit:
    """A date field showing `day` (the practice's clock's date), dd/mm/yyyy, with a calendar.

    `None` shows the machine's date (a dialog opened without a clock, in a test).
    """
    edit = QDateEdit(QDate(day.year, day.month, day.day) if day else QDate.currentDate())
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit
