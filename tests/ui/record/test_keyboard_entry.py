"""Writing at the keyboard only: what is typed lands where the physician looks (issue 12, 4)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cabinet.domain.record import EntryKind
from helpers.dialog_keys import (
    ALT,
    ANIMATED_CLICK_MS,
    at_keyboard,
    focused,
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


def test_a_new_prescription_is_found_and_written_at_the_keyboard(unlocked, qtbot):
    """Ctrl+P opens in the drug search: « doliprane 1000 », Entrée; in the line, Alt+J for
    the times a day, Alt+T for the duration, Alt+A adds it; Alt+E saves the ordonnance."""
    open_emilie(unlocked, qtbot)
    errors = []

    def find(dialog):
        assert focused(dialog) is dialog.search.field
        type_here(qtbot, dialog, "doliprane 1000")
        press(qtbot, dialog, Qt.Key.Key_Return)  # the line's dialog, answered below
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
        assert dialog.table.rowCount() == 1
        save_with_alt_e(qtbot, dialog)
        errors.append(dialog.error.text())

    def write_line(line):
        press(qtbot, line, Qt.Key.Key_J, ALT)
        type_here(qtbot, line, "3")
        press(qtbot, line, Qt.Key.Key_T, ALT)
        type_here(qtbot, line, "5")
        press(qtbot, line, Qt.Key.Key_A, ALT)
        qtbot.wait(ANIMATED_CLICK_MS)

    answer_dialogs(at_keyboard(qtbot, find), at_keyboard(qtbot, write_line))
    shortcut(qtbot, unlocked, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert errors == [""]
    [line] = prescriptions(unlocked)[0].payload["lines"]
    assert line["dci"] == "paracétamol 1 g"
    assert (line["posology"]["per_day"], line["posology"]["duration"]) == (3, 5)
    assert line["dosage"].startswith("1 comprimé 3 fois par jour")


def test_a_renewal_opens_in_the_drug_search_its_lines_listed(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    unlocked.record.tabs.setCurrentWidget(unlocked.record.prescriptions)
    seen = {}

    def look(dialog):
        seen["focus"] = focused(dialog) is dialog.search.field
        seen["line"] = dialog.table.item(0, 0).text()
        press(qtbot, dialog, Qt.Key.Key_Escape)

    answer_dialogs(at_keyboard(qtbot, look))
    shortcut(qtbot, unlocked, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert seen == {"focus": True, "line": "Amoxicilline 1 g"}
