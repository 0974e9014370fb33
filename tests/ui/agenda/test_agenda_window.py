"""The agenda window on a real vault, at the keyboard: views, a new appointment, the waiting
room to the encounter, the day's list (issue 17)."""

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QTableWidgetItem

from cabinet.domain.agenda import Request, Status
from cabinet.domain.record import EntryKind
from cabinet.ui.agenda.grid import CLOSED
from cabinet.ui.common.file_choice import FOLDERS
from helpers.dialog_keys import (
    ALT,
    at_keyboard,
    focused,
    press,
    save_with_alt_e,
    shortcut,
    type_here,
)
from helpers.qt import answer_dialogs

MONDAY = dt.date(2026, 11, 2)  # the test clock: Monday 2 November 2026, 9:00


def open_agenda(window, qtbot):
    shortcut(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.agenda.agenda_window is not None
                    and window.agenda.agenda_window.isVisible(), timeout=2000)
    agenda = window.agenda.agenda_window
    agenda.activateWindow()
    qtbot.waitUntil(agenda.isActiveWindow, timeout=2000)
    return agenda


def key(qtbot, agenda, which, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(agenda.grid, which, modifier)


def select(agenda, hour, minute=0, column=0):
    agenda.grid.setCurrentCell(agenda.grid.times.index(dt.time(hour, minute)), column)


def agenda_reads(window):
    return [e["target"] for e in window.ctx.vault.store.audit_rows(None, 200)
            if e["action"] == "read" and e["target"].startswith("agenda:")]


def test_views_move_by_keyboard_and_a_holiday_is_greyed(unlocked, qtbot):
    agenda = open_agenda(unlocked, qtbot)
    assert agenda.title.text() == "<b>Lundi 2 novembre 2026</b>"
    key(qtbot, agenda, Qt.Key.Key_Right, ALT)
    assert agenda.title.text() == "<b>Mardi 3 novembre 2026</b>"
    key(qtbot, agenda, Qt.Key.Key_W)
    assert agenda.title.text() == "<b>Semaine du lundi 2 novembre 2026</b>"
    assert agenda.grid.columnCount() == 7
    key(qtbot, agenda, Qt.Key.Key_PageDown)
    wednesday = agenda.grid.horizontalHeaderItem(2).text()
    assert wednesday == "mer. 11/11\nJour férié : Armistice"
    assert agenda.grid.item(0, 2).background().color() == CLOSED
    key(qtbot, agenda, Qt.Key.Key_T)
    assert agenda.title.text() == "<b>Semaine du lundi 2 novembre 2026</b>"
    assert agenda_reads(unlocked)[:5] == [  # one journaled read per view, newest first
        "agenda:week 2026-11-02", "agenda:week 2026-11-09", "agenda:week 2026-11-02",
        "agenda:day 2026-11-03", "agenda:day 2026-11-02"]


def tab_leaves(qtbot, table):
    """Tab from a table's first cell goes to the next widget, not to the next cell."""
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    return QApplication.focusWidget() is not table


def test_tab_leaves_the_grid_and_the_setups_tables(unlocked, qtbot):
    from cabinet.ui.agenda.setup_dialog import AgendaSetupDialog

    agenda = open_agenda(unlocked, qtbot)
    assert tab_leaves(qtbot, agenda.grid)  # to the buttons and the waiting room
    dialog = AgendaSetupDialog(unlocked.ctx, parent=unlocked)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    assert tab_leaves(qtbot, dialog.types)  # to the opening hours


def test_a_new_appointment_at_the_selected_slot(unlocked, qtbot, vault):
    agenda = open_agenda(unlocked, qtbot)
    key(qtbot, agenda, Qt.Key.Key_Right, ALT)
    select(agenda, 10)

    def book(dialog):
        type_here(qtbot, dialog, "lefevre")
        dialog.reason.setText("Vaccin grippe")
        save_with_alt_e(qtbot, dialog)

    answered = answer_dialogs(at_keyboard(qtbot, book))
    key(qtbot, agenda, Qt.Key.Key_N)
    assert len(answered) == 1
    row = agenda.grid.times.index(dt.time(10))
    assert agenda.grid.item(row, 0).text() == "10:00 LEFÈVRE Émilie — Consultation"
    assert agenda.grid.rowSpan(row, 0) == 2  # 20 minutes on 15-minute slots
    [booked] = unlocked.ctx.agenda.of_patient(vault["emilie"])
    assert (booked.reason, booked.start) == ("Vaccin grippe", dt.datetime(2026, 11, 3, 10))


def test_entree_in_the_patient_search_goes_to_the_patients_found(unlocked, qtbot, vault):
    agenda = open_agenda(unlocked, qtbot)
    key(qtbot, agenda, Qt.Key.Key_Right, ALT)
    select(agenda, 10)
    seen = {}

    def book(dialog):
        type_here(qtbot, dialog, "lefevre")
        press(qtbot, dialog, Qt.Key.Key_Return)
        seen["open"], seen["focus"] = dialog.isVisible(), focused(dialog) is dialog.found
        press(qtbot, dialog, Qt.Key.Key_M, ALT)
        type_here(qtbot, dialog, "Vaccin grippe")
        save_with_alt_e(qtbot, dialog)

    answer_dialogs(at_keyboard(qtbot, book))
    key(qtbot, agenda, Qt.Key.Key_N)
    assert seen == {"open": True, "focus": True}  # not booked at once without its reason
    [booked] = unlocked.ctx.agenda.of_patient(vault["emilie"])
    assert booked.reason == "Vaccin grippe"


def test_a_taken_slot_is_given_once_confirmed(unlocked, qtbot, vault):
    unlocked.ctx.agenda.book(vault["paul"], Request("Consultation", dt.datetime(
        2026, 11, 2, 11, 30), 20))
    agenda = open_agenda(unlocked, qtbot)
    select(agenda, 11, 45)  # Paul's second slot: taken
    assert agenda.grid.selected_start() is None
    select(agenda, 11)
    asked = []

    def book(dialog):
        type_here(qtbot, dialog, "lefevre")
        dialog.kind.setCurrentIndex(1)  # « Consultation longue », 40 minutes: up to 11:40
        save_with_alt_e(qtbot, dialog)

    def confirm(box):
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    answer_dialogs(at_keyboard(qtbot, book), confirm)
    key(qtbot, agenda, Qt.Key.Key_N)
    assert asked == ["Ce créneau chevauche 1 rendez-vous déjà donné(s) : confirmez pour "
                     "l'ajouter quand même."]
    cell = agenda.grid.item(agenda.grid.times.index(dt.time(11)), 0).text()
    assert cell == ("11:00 LEFÈVRE Émilie — Consultation longue\n"
                    "11:30 DURAND Paul — Consultation")


def test_from_the_waiting_room_to_the_encounter(unlocked, qtbot, vault):
    ctx = unlocked.ctx
    ctx.agenda.book(vault["emilie"], Request("Consultation", dt.datetime(2026, 11, 2, 9, 30),
                                             20, "Toux depuis 3 jours"))
    agenda = open_agenda(unlocked, qtbot)
    select(agenda, 9, 30)
    key(qtbot, agenda, Qt.Key.Key_A)
    assert agenda.waiting.list.count() == 1
    assert agenda.waiting.list.item(0).text() == ("1. LEFÈVRE Émilie, arrivé(e) à 09:00 — "
                                                  "rendez-vous de 09:30, Consultation")
    seen = {}

    def write(dialog):
        seen["reason"] = dialog.reason.text()
        seen["date"] = dialog.date.date().toPython()
        save_with_alt_e(qtbot, dialog)

    answered = answer_dialogs(at_keyboard(qtbot, write))
    agenda.waiting.start.click()
    assert len(answered) == 1
    assert seen == {"reason": "Toux depuis 3 jours", "date": MONDAY}  # the practice's day
    assert unlocked.record.patient_id == vault["emilie"]
    [appointment] = ctx.agenda.of_patient(vault["emilie"])
    assert appointment.status is Status.SEEN
    assert agenda.waiting.list.count() == 0
    reasons = [e.payload["reason"] for e in ctx.records.open_record(vault["emilie"]).of_kind(
        EntryKind.ENCOUNTER)]
    assert "Toux depuis 3 jours" in reasons


def test_the_days_list_is_written_to_the_export_folder(unlocked, qtbot, vault, tmp_path):
    unlocked.ctx.agenda.book(vault["paul"], Request("Consultation", dt.datetime(
        2026, 11, 2, 14, 0), 20))
    agenda = open_agenda(unlocked, qtbot)
    exports = tmp_path / "exports"
    exports.mkdir()
    FOLDERS.export_folder = str(exports)
    qtbot.keyClick(agenda, Qt.Key.Key_I, ALT)
    qtbot.wait(200)
    assert [p.name for p in exports.iterdir()] == ["rendez-vous-2026-11-02.pdf"]
    assert agenda.message.text().startswith("Liste du jour écrite : ")


def test_locking_closes_the_agenda(unlocked, qtbot):
    agenda = open_agenda(unlocked, qtbot)
    unlocked.lock()
    assert not agenda.isVisible()


def test_the_setup_is_typed_as_written_and_refused_in_french(unlocked, qtbot):
    from cabinet.ui.agenda.setup_dialog import AgendaSetupDialog

    ctx = unlocked.ctx
    dialog = AgendaSetupDialog(ctx, parent=unlocked)
    qtbot.addWidget(dialog)
    dialog.hours[5].setText("")  # closed on Saturdays from now on
    dialog.absences.insertRow(0)
    for column, text in enumerate(("16/11/2026", "20/11/2026", "Congés")):
        dialog.absences.setItem(0, column, QTableWidgetItem(text))
    dialog.hours[1].setText("8h-12h, 14h-25h")
    dialog.buttons.accepted.emit()
    assert dialog.error.text() == ("Horaires du mardi : « 25h » n'est pas une heure (écrivez "
                                   "08:30).")
    dialog.hours[1].setText("8h-12h, 14h-19h")
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert ctx.agenda.closed(dt.date(2026, 11, 18)) == "Absence : Congés"
    assert ctx.agenda.closed(dt.date(2026, 11, 7)) == "Cabinet fermé"
    assert ctx.agenda.setup().hours[1][0].start == dt.time(8)
