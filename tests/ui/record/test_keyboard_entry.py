"""Writing at the keyboard only: what is typed lands where the physician looks (issue 12, 4)."""

from PySide6.QtCore import Qt

from cabinet.domain.record import EntryKind
from helpers.dialog_keys import (
    at_keyboard,
    open_emilie,
    press,
    save_with_alt_e,
    shortcut,
    type_here,
)
from helpers.qt import answer_dialogs


def prescriptions(window):
    return window.ctx.records.open_record(window.record.patient_id).of_kind(
        EntryKind.PRESCRIPTION)


def test_a_new_prescription_is_typed_straight_away_and_alt_e_keeps_the_last_cell(
        unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    errors = []

    def type_prescription(dialog):
        type_here(qtbot, dialog, "Doliprane 1 g")
        press(qtbot, dialog, Qt.Key.Key_Tab)
        type_here(qtbot, dialog, "1 cp si douleur")
        press(qtbot, dialog, Qt.Key.Key_Tab)
        type_here(qtbot, dialog, "7 jours")
        save_with_alt_e(qtbot, dialog)
        errors.append(dialog.error.text())

    answer_dialogs(at_keyboard(qtbot, type_prescription))
    shortcut(qtbot, unlocked, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert errors == [""]
    latest = prescriptions(unlocked)[0].payload["lines"]
    assert [(x["drug"], x["dosage"], x["duration"]) for x in latest] == [
        ("Doliprane 1 g", "1 cp si douleur", "7 jours")]


def test_a_renewed_prescription_opens_on_its_first_cell(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    unlocked.record.tabs.setCurrentWidget(unlocked.record.prescriptions)

    def change_the_drug(dialog):
        assert dialog.table.currentRow() == 0 and dialog.table.currentColumn() == 0
        type_here(qtbot, dialog, "Amoxicilline 500 mg")
        save_with_alt_e(qtbot, dialog)

    answer_dialogs(at_keyboard(qtbot, change_the_drug))
    shortcut(qtbot, unlocked, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert prescriptions(unlocked)[0].payload["lines"][0]["drug"] == "Amoxicilline 500 mg"
