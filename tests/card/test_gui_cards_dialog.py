"""The cards dialog with a real card: outside IGC-Santé, enrolment needs a ticked box (item 10).

The real window (offscreen Qt) over pcscd, a virtual reader and a SoftHSM token whose
self-signed certificate no IGC-Santé authority vouches for, as on a test or foreign card.
"""

from PySide6.QtWidgets import QDialogButtonBox

from cabinet.ui.session.cards_dialog import OutsideConfirmation
from helpers.qt import answer_dialogs, card_lock_screen
from helpers.vaults import new_context


def test_a_card_outside_igc_sante_is_enrolled_only_once_ticked_and_marked(
        qtbot, vault_dir, clock, physician_card):
    ctx, _ = new_context(vault_dir, clock, demo=True)
    ctx.lock()
    physician_card.insert()
    window = card_lock_screen(qtbot, vault_dir, clock, physician_card)
    window.unlock("demo", "demo")
    seen = {}

    def type_pin(dialog):
        dialog.setTextValue(physician_card.pin)
        dialog.accept()

    def cancel(confirmation):
        assert isinstance(confirmation, OutsideConfirmation)
        assert not confirmation.ok.isEnabled()
        confirmation.reject()

    def refusal(message_box):
        seen["refusal"] = message_box.text()
        message_box.accept()

    def tick(confirmation):
        confirmation.confirmed.setChecked(True)
        assert confirmation.ok.isEnabled()
        confirmation.findChild(QDialogButtonBox).accepted.emit()

    def in_cards_dialog(dialog):
        dialog.enrol_inserted()
        seen["after cancel"] = dialog.cards.count()
        dialog.enrol_inserted()
        seen["listed"] = [dialog.cards.item(i).text() for i in range(dialog.cards.count())]
        dialog.accept()

    answered = answer_dialogs(in_cards_dialog, type_pin, cancel, refusal, type_pin, tick)
    window.show_cards()
    assert len(answered) == 6
    assert seen["after cancel"] == 0
    assert "hors IGC-Santé" in seen["refusal"]
    [listed] = seen["listed"]
    assert listed.startswith("Dr Jeanne Martin — RPPS 10101010101") and \
        listed.endswith("— HORS IGC-SANTÉ")
    details = [e["detail"] for e in window.ctx.vault.store.audit_rows(None, 20)]
    assert "carte enregistrée : Dr Jeanne Martin (RPPS 10101010101), hors IGC-Santé " \
           "(confirmé à l'enregistrement)" in details
    window.lock()
