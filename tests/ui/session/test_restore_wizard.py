"""The restore wizard on a real backup: a new installation restores, then opens the vault."""

import datetime as dt

import pytest
from PySide6.QtGui import QAction

from cabinet.bootstrap import VaultDoor
from cabinet.domain.audit import AccessMode
from cabinet.domain.record import EntryKind
from cabinet.ui.main_window import MainWindow
from cabinet.ui.session.restore_wizard import RestoreWizard
from helpers.qt import answer_dialogs
from helpers.vaults import identity, new_context

RESTORE = "Restaurer une sau&vegarde…"


@pytest.fixture
def backed_up(tmp_path, clock):
    ctx, key = new_context(tmp_path / "coffre", clock)
    patient = ctx.patients.create(identity("Lefèvre", "Émilie"))
    medium = tmp_path / "SAUVEGARDE"
    info = ctx.backups(medium).back_up()
    ctx.records.add_entry(patient, EntryKind.ENCOUNTER, {"date": "2026-11-04",
                                                         "reason": "Contrôle"})
    ctx.lock()  # the vault here is now newer than its backup
    return {"key": key, "medium": medium, "snapshot": info.snapshot_id,
            "vault": tmp_path / "coffre"}


def window_on(qtbot, folder, clock):
    window = MainWindow(VaultDoor(folder, clock))
    qtbot.addWidget(window)
    window.show()
    return window


def run_wizard(qtbot, window, *answers):
    seen = answer_dialogs(*answers)
    action = next(a for a in window.findChildren(QAction) if a.text() == RESTORE)
    assert action.isEnabled() and action.shortcut().toString() == "Ctrl+Shift+R"
    action.trigger()
    qtbot.waitUntil(lambda: len(seen) == len(answers))
    return seen


def fill(medium, key, target=None, reason="", then_close=False):
    def answer(wizard):
        assert isinstance(wizard, RestoreWizard)
        wizard.medium.setText(str(medium))
        wizard.list_snapshots()
        assert wizard.snapshots.count() == 1
        assert wizard.snapshots.item(0).text().endswith("— vérifiée")
        if target is not None:
            wizard.target.setText(str(target))
        wizard.key.setText(key)
        wizard.reason.setText(reason)
        wizard.restore_button.click()
        answer.message = wizard.message.text()
        if then_close and wizard.isVisible():
            wizard.reject()
    return answer


def test_a_new_installation_restores_from_the_lock_screen_then_opens(qtbot, backed_up,
                                                                    tmp_path, clock):
    window = window_on(qtbot, tmp_path / "neuf", clock)
    assert "Restaurer une sauvegarde" in window.lock_screen.error.text()

    wrong = fill(backed_up["medium"], "AAAA-BBBB-CCCC-DDDD", then_close=True)
    run_wizard(qtbot, window, wrong)
    assert "clé" in wrong.message.lower()
    assert not (tmp_path / "neuf").exists()

    run_wizard(qtbot, window, fill(backed_up["medium"], backed_up["key"]))
    answer_dialogs(lambda who: who.reject(), lambda new_key: new_key.accept())  # renewal
    window.unlock("recovery", backed_up["key"])
    assert window.ctx is not None
    assert window.ctx.vault.conn.execute("SELECT count(*) FROM patient").fetchone()[0] == 1
    details = [r[0] for r in window.ctx.vault.conn.execute("SELECT detail FROM audit")]
    assert f"restauration de la sauvegarde {backed_up['snapshot']}" in details
    window.lock()


def test_a_rollback_needs_a_written_reason_kept_in_the_journal(qtbot, backed_up, tmp_path,
                                                               clock):
    window = window_on(qtbot, backed_up["vault"], clock)
    elsewhere = tmp_path / "ancien"
    refused = fill(backed_up["medium"], backed_up["key"], target=elsewhere, then_close=True)
    run_wizard(qtbot, window, refused)
    assert "plus ancienne que le dernier état connu" in refused.message
    assert not elsewhere.exists()

    run_wizard(qtbot, window, fill(backed_up["medium"], backed_up["key"], target=elsewhere,
                                   reason="disque récent perdu"))
    restored = VaultDoor(elsewhere, clock).open(AccessMode.RECOVERY, backed_up["key"])
    try:
        details = [r[0] for r in restored.vault.conn.execute("SELECT detail FROM audit")]
        assert any("motif : disque récent perdu" in d for d in details)
    finally:
        restored.lock()




def test_the_chosen_backup_stays_chosen_when_the_medium_field_loses_the_focus(
        qtbot, tmp_path, clock):
    """Typed without Enter, the medium's path is « done » when the focus leaves it (the
    restore's progress takes it): the list must not be read again, which would choose the
    newest backup again, and empty the list while the restore reads it."""
    ctx, _ = new_context(tmp_path / "coffre", clock)
    ctx.patients.create(identity("Martin", "Paul"))
    medium = tmp_path / "SAUVEGARDE"
    ctx.backups(medium).back_up()
    clock.advance(dt.timedelta(days=1))  # the rotation keeps one backup a day
    ctx.backups(medium).back_up()
    ctx.lock()
    wizard = RestoreWizard(VaultDoor(tmp_path / "neuf", clock))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    wizard.medium.setFocus()
    qtbot.waitUntil(wizard.medium.hasFocus)
    qtbot.keyClicks(wizard.medium, str(medium))
    wizard.list_snapshots()
    assert wizard.snapshots.count() == 2
    wizard.snapshots.setCurrentRow(1)  # the older one
    wizard.key.setFocus()
    qtbot.waitUntil(wizard.key.hasFocus)
    assert wizard.snapshots.count() == 2
    assert wizard.snapshots.currentRow() == 1


def test_a_new_installation_restores_with_the_enrolled_card_and_its_pin(qtbot, tmp_path,
                                                                       clock, physician_card):
    """The backup carries the card's slot: with no recovery key typed, the card in the reader
    and its PIN (asked off the GUI thread's work) open it, through the real card stack."""
    from pathlib import Path

    from cabinet.bootstrap import build_context
    from cabinet.vault.session import create_vault
    from helpers.vaults import OWNER

    opened, _ = create_vault(tmp_path / "coffre", OWNER, clock, "poste")
    physician_card.insert()
    physician_card.enrol_into(opened, clock)
    ctx = build_context(opened, clock)
    ctx.patients.create(identity("Lefèvre", "Émilie"))
    medium = tmp_path / "SAUVEGARDE"
    ctx.backups(medium).back_up()
    ctx.lock()
    module = Path(physician_card.module_path)
    window = MainWindow(VaultDoor(tmp_path / "neuf", clock, card_module=module))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.cards.current.card_readers()), timeout=5000)
    seen = {}

    def restore_by_card(wizard):
        wizard.medium.setText(str(medium))
        wizard.list_snapshots()
        seen["placeholder"] = wizard.key.placeholderText()
        wizard.restore_button.click()
        seen["message"] = wizard.message.text()

    def pin(dialog):
        seen["asked"] = dialog.labelText()
        dialog.setTextValue(physician_card.pin)
        dialog.accept()

    run_wizard(qtbot, window, restore_by_card, pin)
    assert seen["placeholder"].startswith("vide : la carte CPS insérée")
    assert seen["asked"] == "Code PIN de votre carte CPS :"
    assert seen["message"] == ""
    restored = VaultDoor(tmp_path / "neuf", clock, card_module=module).open_with_card(
        physician_card.reader, physician_card.pin)
    try:
        assert restored.vault.conn.execute("SELECT count(*) FROM patient").fetchone()[0] == 1
        modes = [r[0] for r in restored.vault.conn.execute(
            "SELECT detail FROM audit WHERE detail LIKE 'restauration%'")]
        assert modes
    finally:
        restored.lock()
