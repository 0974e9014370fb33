"""Recording an encounter's fee from the record, then closing the day in the ledger."""

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from cabinet.domain.fees import FeeInput
from cabinet.ui.fees.ledger_window import LedgerWindow
from cabinet.ui.fees.payment_dialog import PaymentDialog
from helpers.qt import answer_dialogs


def open_emilie(window, qtbot):
    qtbot.keyClicks(window.search.field, "emi")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)


def menu_action(window, text):
    return next(a for menu in window.menus.by_title.values() for a in menu.actions()
                if a.text() == text)


def test_the_selected_encounter_is_paid_by_cheque_only_with_its_number(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    seen = {}

    def fill(dialog):
        assert isinstance(dialog, PaymentDialog)
        qtbot.keyClicks(dialog.acts, "g meg")
        seen["total"] = dialog.total.text()
        seen["offered"] = dialog.paid.text()
        dialog.method.setCurrentIndex(dialog.method.findData("cheque"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen["refused"] = dialog.error.text()
        qtbot.keyClicks(dialog.cheque, "7654321")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    shown = answer_dialogs(fill)
    menu_action(unlocked, "&Honoraires de la consultation…").trigger()
    assert len(shown) == 1
    assert seen == {"total": "35,00 €", "offered": "35,00",
                    "refused": "Indiquez le numéro du chèque."}
    ctx = unlocked.ctx
    encounter = unlocked.record.encounters.current().lineage
    [fee] = ctx.fees.encounter_fees(encounter)
    assert (fee.total_cents, fee.patient_paid_cents) == (3500, 3500)


def test_without_a_selected_encounter_it_says_so(unlocked, qtbot, vault):
    qtbot.keyClicks(unlocked.search.field, "durand")
    qtbot.keyClick(unlocked.search.field, Qt.Key.Key_Return)
    said = []
    answer_dialogs(lambda box: (said.append(box.text()), box.done(QMessageBox.StandardButton.Ok)))
    menu_action(unlocked, "&Honoraires de la consultation…").trigger()
    assert said and "Sélectionnez d'abord la consultation" in said[0]


def test_the_ledger_shows_the_days_and_months_totals(unlocked, qtbot, vault):
    ctx = unlocked.ctx
    lineage = next(e.lineage for e in ctx.records.open_record(vault["emilie"]).entries
                   if e.kind == "encounter")
    ctx.fees.record(lineage, FeeInput((("G", 1),), paid_cents=3000, method="cheque",
                                      cheque_number="111"))
    ctx.fees.record(lineage, FeeInput((("G", 1),), paid_cents=900, method="cash",
                                      third_party_cents=2100))
    ledger = LedgerWindow(unlocked.context, unlocked.exporter, parent=unlocked)
    qtbot.addWidget(ledger)
    assert ledger.chosen_day() == dt.date(2026, 11, 2)
    assert ledger.lines.rowCount() == 2
    assert ledger.lines.item(0, 1).text() == "LEFÈVRE Émilie"
    day = ledger.day_totals.text()
    assert "Journée du 02/11/2026" in day and "espèces 9,00 €" in day
    assert "chèque 30,00 €" in day and "total 39,00 €" in day
    assert "total 39,00 €" in ledger.month_totals.text()
    assert ledger.cheques.rowCount() == 1 and "1 chèque(s), total 30,00 €" in \
        ledger.slip_total.text()
    assert ledger.expected.rowCount() == 0  # read when its tab is shown
    ledger.tabs.setCurrentIndex(2)
    assert ledger.expected.rowCount() == 1
    assert ledger.expected.item(0, 3).text() == "21,00 €"
    ledger.show()
    ledger.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is ledger, timeout=2000)
    ledger.tabs.setCurrentIndex(0)
    ledger.lines.setFocus()
    assert QApplication.focusWidget() is ledger.lines
    ledger.lines.setCurrentCell(0, 0)
    qtbot.keyClick(ledger.lines, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not ledger.lines  # Tab leaves, cell by cell it never did
    ledger.lines.setFocus()
    qtbot.keyClick(ledger.lines, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert ledger.chosen_day() == dt.date(2026, 11, 1) and ledger.lines.rowCount() == 0


def emilie_encounter(ctx, vault):
    return next(e.lineage for e in ctx.records.open_record(vault["emilie"]).entries
                if e.kind == "encounter")


def test_unpaid_with_tiers_payant_then_cancelled_from_the_ledger(unlocked, qtbot, vault):
    ctx = unlocked.ctx
    lineage = emilie_encounter(ctx, vault)
    dialog = PaymentDialog(ctx.fees, lineage, dt.date(2026, 10, 5), parent=unlocked)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.acts, "G")
    dialog.third_party.setText("21")
    assert dialog.paid.text() == "9,00" and not dialog.paid.isEnabled()  # « non payé »
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.error.text() == ""
    [fee] = ctx.fees.encounter_fees(lineage)
    assert (fee.third_party_cents, fee.patient_paid_cents) == (2100, 0)
    ctx.fees.pay(fee.fee_id, 900, "card")
    again = PaymentDialog(ctx.fees, lineage, dt.date(2026, 10, 5), parent=unlocked)
    qtbot.addWidget(again)
    assert again.already.text() == ("Déjà noté pour cette consultation : G — 30,00 €, payé "
                                    "9,00 €, tiers payant 21,00 €.")
    ledger = LedgerWindow(unlocked.context, unlocked.exporter, parent=unlocked)
    qtbot.addWidget(ledger)
    ledger.lines.selectRow(0)
    answer_dialogs(lambda box: (box.setTextValue("erreur de patient"), box.accept()))
    ledger.cancel_selected()
    assert [ledger.lines.item(r, 4).text() for r in range(2)] == ["9,00 €", "-9,00 €"]
    assert ledger.lines.item(1, 5).text() == ledger.lines.item(0, 0).text()
    assert "total 0,00 €" in ledger.day_totals.text()


def test_a_new_rate_is_added_as_a_dated_line(unlocked, qtbot):
    from cabinet.ui.fees.rates_dialog import RatesDialog

    ctx = unlocked.ctx
    dialog = RatesDialog(ctx.fees, dt.date(2026, 11, 2), parent=unlocked)
    qtbot.addWidget(dialog)
    shown = dialog.rates.rowCount()
    qtbot.keyClicks(dialog.code, "G")
    qtbot.keyClicks(dialog.amount, "-2")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.error.text() == "Un montant ne peut pas être négatif."
    dialog.amount.setText("32,50")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    table = ctx.fees.table()
    assert len(table.rates) == shown + 1
    assert table.rate_on("G", dt.date(2026, 11, 2))[1] == 3250
    assert table.rate_on("G", dt.date(2026, 11, 1))[1] == 3000
