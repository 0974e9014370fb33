"""What is being typed survives a lock, as a draft inside the vault (issue 4, AUTH-2)."""

import datetime as dt

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from cabinet.domain.record import EntryKind
from cabinet.services.ports import DraftKey
from cabinet.vault.layout import VaultLayout
from helpers.qt import answer_dialogs


def open_emilie(window, vault):
    window.record.open_patient(vault["emilie"])


def test_inactivity_lock_during_an_encounter_keeps_a_draft_that_comes_back(
        unlocked, vault, clock):
    open_emilie(unlocked, vault)
    marker = "MARQUEURBROUILLON"

    def type_then_walk_away(dialog):
        dialog.reason.setText("Douleur abdominale")
        dialog.texts["examination"].setPlainText(f"Défense en fosse iliaque {marker}")
        clock.advance(dt.timedelta(minutes=11))
        unlocked.inactivity.check()  # the lock fires while the dialog is open

    shown = answer_dialogs(type_then_walk_away)
    unlocked.record.new_encounter()
    assert len(shown) == 1 and not shown[0].isVisible()
    assert unlocked.ctx is None
    layout = VaultLayout(vault["folder"])
    for path in [layout.database, *layout.sidecar_files()]:
        if path.exists():
            assert marker.encode() not in path.read_bytes()

    unlocked.unlock("demo", "demo")
    open_emilie(unlocked, vault)
    restored = []

    def check_restored(dialog):
        restored.append((dialog.reason.text(), dialog.texts["examination"].toPlainText(),
                         dialog.notice.text()))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    answer_dialogs(check_restored)
    unlocked.record.new_encounter()
    reason, examination, notice = restored[0]
    assert reason == "Douleur abdominale" and marker in examination
    assert notice.startswith("Brouillon du")
    key = DraftKey(vault["emilie"], EntryKind.ENCOUNTER.value)
    assert unlocked.ctx.drafts.restore(key) is None, "a saved encounter leaves no draft"
    assert "Douleur abdominale" in unlocked.record.encounters.list.item(0).text()


def test_cancelling_asks_before_discarding_the_draft(unlocked, vault):
    open_emilie(unlocked, vault)

    def type_and_cancel(dialog):
        dialog.reason.setText("Vertiges")
        dialog.save_draft_now()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    def refuse(box):
        box.button(QMessageBox.StandardButton.No).click()

    def leave(dialog):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    def accept(box):
        box.button(QMessageBox.StandardButton.Yes).click()

    shown = answer_dialogs(type_and_cancel, refuse)
    key = DraftKey(vault["emilie"], EntryKind.ENCOUNTER.value)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(300, lambda: shown[0].interrupt())  # noqa: PLW0108 - shown fills later
    unlocked.record.new_encounter()
    assert unlocked.ctx.drafts.restore(key)[0]["reason"] == "Vertiges"
    answer_dialogs(leave, accept)
    unlocked.record.new_encounter()
    assert unlocked.ctx.drafts.restore(key) is None


def test_lock_closes_message_boxes_that_show_patient_data(unlocked, vault):
    open_emilie(unlocked, vault)
    unlocked.record.tabs.setCurrentWidget(unlocked.record.encounters)
    shown = answer_dialogs(lambda box: unlocked.lock())
    unlocked.record.show_versions(unlocked.record.encounters)
    assert len(shown) == 1 and not shown[0].isVisible()
    assert unlocked.ctx is None
