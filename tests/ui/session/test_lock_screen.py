"""The lock screen and locking: no patient data shows while locked (AUTH-2, issue 4)."""

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QTableWidget


def visible_texts(window):
    texts = [label.text() for label in window.findChildren(QLabel) if label.isVisible()]
    for table in window.findChildren(QTableWidget):
        texts += [table.item(r, c).text() for r in range(table.rowCount())
                  for c in range(table.columnCount()) if table.item(r, c)]
    return " ".join(texts)


def test_locked_window_shows_the_ways_in_and_no_patient(window):
    assert window.windowTitle() == "Cabinet"
    assert window.stack.currentWidget() is window.lock_screen
    titles = [b.text() for b in window.lock_screen.choices.buttons()]
    assert titles == ["Mot de passe de démonstration", "Clé de secours"]
    assert "carte" in window.lock_screen.card_status.text()  # whatever the readers hold
    assert "LEFÈVRE" not in visible_texts(window)
    assert all(not action.isEnabled() for action in window.menus.unlocked)


def test_the_first_way_in_is_explained_and_its_field_named_at_once(window):
    screen = window.lock_screen
    assert screen.explanation.text()  # what the chosen way is, before anything is typed
    assert screen.secret.accessibleName() == screen.secret.placeholderText() != ""


def test_wrong_password_is_explained_and_nothing_opens(window, qtbot):
    qtbot.keyClicks(window.lock_screen.secret, "faux")
    qtbot.keyClick(window.lock_screen.secret, Qt.Key.Key_Return)
    assert window.ctx is None
    assert "incorrect" in window.lock_screen.error.text()
    assert window.lock_screen.secret.text() == ""


def test_unlock_by_keyboard_then_lock_forgets_everything(window, qtbot, vault):
    qtbot.keyClicks(window.lock_screen.secret, "demo")
    qtbot.keyClick(window.lock_screen.secret, Qt.Key.Key_Return)
    assert window.ctx is not None
    assert "Dr Jeanne Martin" in window.who.text() and "démonstration" in window.who.text()
    qtbot.keyClicks(window.search.field, "lefevre")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert window.record.patient_id == vault["emilie"]
    assert window.windowTitle() == "Cabinet"
    QGuiApplication.clipboard().setText("LEFÈVRE Émilie, pneumopathie")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.ctx is None
    assert window.stack.currentWidget() is window.lock_screen
    assert window.record.patient_id is None
    assert window.search.results.rowCount() == 0 and window.search.recent.count() == 0
    assert QGuiApplication.clipboard().text() == ""
    assert "LEFÈVRE" not in visible_texts(window)


def test_inactivity_locks_with_a_countdown_first(unlocked, clock):
    clock.advance(dt.timedelta(minutes=9, seconds=30))
    unlocked.inactivity.check()
    assert unlocked.ctx is not None
    assert "Verrouillage dans" in unlocked.countdown.text()
    clock.advance(dt.timedelta(minutes=1))
    unlocked.inactivity.check()
    assert unlocked.ctx is None
    assert unlocked.stack.currentWidget() is unlocked.lock_screen


def test_activity_postpones_the_inactivity_lock(unlocked, clock, qtbot):
    clock.advance(dt.timedelta(minutes=8))
    qtbot.keyClick(unlocked.search.field, Qt.Key.Key_A)
    unlocked.inactivity.eventFilter(unlocked.search.field, _key_event())
    clock.advance(dt.timedelta(minutes=8))
    unlocked.inactivity.check()
    assert unlocked.ctx is not None


def _key_event():
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")


def test_lock_and_unlock_are_journaled(unlocked, vault):
    unlocked.lock()
    unlocked.unlock("demo", "demo")
    actions = [e["action"] for e in unlocked.ctx.vault.store.audit_rows(None, 3)]
    assert actions[:2] == ["connect", "lock"]


def test_audit_viewer_verifies_the_chain_and_filters(unlocked, qtbot, vault):
    from cabinet.ui.record.audit_viewer import AuditViewer

    qtbot.keyClicks(unlocked.search.field, "lefevre")
    qtbot.keyClick(unlocked.search.field, Qt.Key.Key_Return)
    viewer = AuditViewer(unlocked.ctx, unlocked.record.patient_id, parent=unlocked)
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: viewer.verdict.text().startswith("Journal intègre"), timeout=3000)
    assert viewer.table.rowCount() > 5
    viewer.only_patient.setChecked(True)
    viewer.action.setCurrentIndex(viewer.action.findData("read"))
    viewer.refresh()
    actions = {viewer.table.item(r, 3).text() for r in range(viewer.table.rowCount())}
    patients = {viewer.table.item(r, 4).text() for r in range(viewer.table.rowCount())}
    assert actions == {"Lecture"} and patients == {str(vault["emilie"])}


def test_settings_change_the_inactivity_delay_at_once(unlocked, clock):
    from PySide6.QtWidgets import QDialogButtonBox

    from helpers.qt import answer_dialogs

    def three_minutes(dialog):
        dialog.fields["inactivity_minutes"].setText("3")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    answer_dialogs(three_minutes)
    unlocked.show_settings()
    clock.advance(dt.timedelta(minutes=3, seconds=1))
    unlocked.inactivity.check()
    assert unlocked.ctx is None
