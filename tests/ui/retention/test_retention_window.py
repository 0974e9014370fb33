"""The retention window by keyboard: the pass at unlock, the review, a hold refused, the
destruction confirmed by typing « DÉTRUIRE », the certificate written; and the archive in
the search."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from cabinet.bootstrap import VaultDoor
from cabinet.ui.main_window import MainWindow
from cabinet.ui.retention.review_window import RetentionWindow
from helpers.dialog_keys import ALT, ANIMATED_CLICK_MS, at_keyboard, focused, press
from helpers.pdf_checks import pdf_text, pdfsig_valid
from helpers.qt import answer_dialogs
from helpers.retention_cases import retention_cases
from helpers.vaults import new_context


@pytest.fixture
def window(qtbot, vault_dir, clock, tmp_path):
    ctx, _ = new_context(vault_dir, clock, demo=True)
    cases = retention_cases(ctx)
    exports = tmp_path / "exports"
    exports.mkdir()
    ctx.settings.change({"export_folder": str(exports)})
    ctx.lock()
    win = MainWindow(VaultDoor(vault_dir, clock))
    qtbot.addWidget(win)
    win.show()
    win.unlock("demo", "demo")
    qtbot.waitUntil(lambda: not win.retention.job.busy)  # the pass, off the GUI thread
    yield win, cases, exports
    win.lock()


def menu_action(window, text):
    return next(a for m in window.menus.by_title.values() for a in m.actions()
                if text in a.text().replace("&", ""))


def test_the_pass_at_unlock_says_what_waits_for_review(window):
    win, _, _ = window
    assert "2 dossier(s) arrivé(s) au terme de leur conservation" in \
        win.statusBar().currentMessage()


def test_a_proposed_record_is_ticked_confirmed_and_destroyed_by_keyboard(window, qtbot):
    win, cases, exports = window
    seen = {}

    def review(dialog):
        assert isinstance(dialog, RetentionWindow)
        seen["rows"] = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        seen["held"] = dialog.table.item(2, 4).text()
        press(qtbot, dialog, Qt.Key.Key_Space)  # ticks the first record
        seen["ticked"] = dialog.ticked()
        press(qtbot, dialog, Qt.Key.Key_D, ALT)  # « Détruire les dossiers cochés »
        qtbot.waitUntil(lambda: "Contenu médical détruit" in dialog.outcome.text())
        seen["outcome"] = dialog.outcome.text()
        seen["rows_after"] = dialog.table.rowCount()

    def confirm(dialog):
        assert isinstance(dialog, QInputDialog)
        assert f"n° {cases.old}" in dialog.labelText()
        qtbot.keyClicks(focused(dialog), "DÉTRUIRE")
        qtbot.keyClick(focused(dialog), Qt.Key.Key_Return)

    answer_dialogs(at_keyboard(qtbot, review), at_keyboard(qtbot, confirm))
    menu_action(win, "Durées de conservation").trigger()
    assert seen["rows"] == [str(cases.old), str(cases.deceased), str(cases.held)]
    assert seen["ticked"] == [cases.old]
    assert seen["held"].startswith("Conservation légale")
    assert seen["rows_after"] == 2
    certificate = next(exports.glob("certificat-destruction-*.pdf"))
    assert str(certificate) in seen["outcome"]
    assert pdfsig_valid(certificate)
    assert f"Dossier n° {cases.old}" in pdf_text(certificate)
    assert win.ctx.vault.conn.execute("SELECT count(*) FROM entry WHERE patient_id = ?",
                                      (cases.old,)).fetchone()[0] == 0


def test_a_wrong_confirmation_destroys_nothing(window, qtbot):
    win, cases, exports = window
    seen = {}

    def review(dialog):
        press(qtbot, dialog, Qt.Key.Key_T, ALT)  # « Tout cocher »
        qtbot.wait(ANIMATED_CLICK_MS)
        seen["ticked"] = dialog.ticked()
        press(qtbot, dialog, Qt.Key.Key_D, ALT)
        qtbot.waitUntil(lambda: dialog.outcome.text() != "")
        seen["outcome"] = dialog.outcome.text()

    def confirm(dialog):
        qtbot.keyClicks(focused(dialog), "oui")
        qtbot.keyClick(focused(dialog), Qt.Key.Key_Return)

    answer_dialogs(at_keyboard(qtbot, review), at_keyboard(qtbot, confirm))
    menu_action(win, "Durées de conservation").trigger()
    assert seen["ticked"] == [cases.old, cases.deceased]  # never the held one
    assert seen["outcome"] == "Rien n'a été détruit."
    assert list(exports.iterdir()) == []
    assert win.ctx.retention.destructions() == []


def test_an_archived_record_is_found_only_with_the_box_ticked(window, qtbot):
    win, _, _ = window
    qtbot.keyClicks(win.search.field, "archive")
    assert win.search.results.rowCount() == 0
    qtbot.keyClick(win.search.field, Qt.Key.Key_Tab)  # to « Inclure les dossiers archivés »
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert win.search.archived.isChecked()
    assert win.search.results.rowCount() == 1


def test_an_archived_deceased_patient_s_record_says_so_in_its_header(window, qtbot):
    win, cases, _ = window
    win.record.open_patient(cases.deceased)
    header = win.record.header.text()
    assert "décédée le 01/04/2016" in header
    assert "Dossier en archive intermédiaire depuis le 02/11/2026</b> : lecture seule" in header


def test_a_session_left_open_past_midnight_runs_the_next_day_s_pass(window, qtbot, clock):
    import datetime as dt

    win, _, _ = window
    passes = "SELECT count(*) FROM retention_pass"
    assert win.ctx.vault.conn.execute(passes).fetchone()[0] == 1
    win.retention.timer.timeout.emit()  # the hourly look, the same day: nothing runs
    qtbot.waitUntil(lambda: not win.retention.job.busy)
    assert win.ctx.vault.conn.execute(passes).fetchone()[0] == 1
    clock.advance(dt.timedelta(days=1))
    win.retention.timer.timeout.emit()
    qtbot.waitUntil(lambda: not win.retention.job.busy)
    assert win.ctx.vault.conn.execute(passes).fetchone()[0] == 2


def test_a_legal_hold_is_placed_by_keyboard_and_the_record_is_no_longer_offered(window, qtbot):
    win, cases, _ = window
    seen = {}

    def review(dialog):
        seen["before"] = dialog.holds.text()
        dialog.hold_number.setValue(cases.old)
        dialog.hold_reason.setText("Plainte déposée")
        press(qtbot, dialog, Qt.Key.Key_P, ALT)  # « Poser la conservation légale »
        qtbot.waitUntil(lambda: dialog.outcome.text() != "")
        seen["outcome"] = dialog.outcome.text()
        seen["after"] = dialog.holds.text()
        seen["state"] = dialog.table.item(0, 4).text()
        seen["checkable"] = bool(dialog.table.item(0, 0).flags() & Qt.ItemFlag.ItemIsUserCheckable)

    def error(box):
        seen["error"] = box.text()
        box.accept()

    answer_dialogs(at_keyboard(qtbot, review), error)
    menu_action(win, "Durées de conservation").trigger()
    assert "error" not in seen, seen
    assert seen["before"].startswith(f"Sous conservation légale : n° {cases.held} (Litige en cours")
    assert f"n° {cases.old} (Plainte déposée, depuis le 02/11/2026)" in seen["after"]
    assert seen["state"].startswith("Conservation légale") and not seen["checkable"]
