"""The cards dialog with a real card: outside IGC-Santé, enrolment needs a ticked box (item 10).

The real window (offscreen Qt) over pcscd, a virtual reader and a SoftHSM token whose
self-signed certificate no IGC-Santé authority vouches for, as on a test or foreign card.
"""

from PySide6.QtWidgets import QDialogButtonBox

from cabinet.ui.session.cards_dialog import CardsDialog, OutsideConfirmation
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


def cards_dialog_open(qtbot, vault_dir, clock, physician_card):
    """The cards' dialog of a demo vault unlocked, the physician's card in its reader."""
    ctx, _ = new_context(vault_dir, clock, demo=True)
    ctx.lock()
    physician_card.insert()
    window = card_lock_screen(qtbot, vault_dir, clock, physician_card)
    window.unlock("demo", "demo")
    dialog = CardsDialog(window.ctx, window.door, window.cards, parent=window)
    dialog.show()
    return window, dialog


def test_the_window_keeps_turning_while_the_card_is_enrolled(
        qtbot, vault_dir, clock, physician_card, monkeypatch):
    """The card's enrolment (token, PIN, signature, header) made slow: it runs off the GUI
    thread, the PIN and the « hors IGC-Santé » confirmation asked on it."""
    from cabinet.keys import card
    from helpers.slow import FROZEN_MS, Heartbeat, slowed

    window, dialog = cards_dialog_open(qtbot, vault_dir, clock, physician_card)
    asked = []

    def type_pin(pin_dialog):
        asked.append(pin_dialog.labelText())
        pin_dialog.setTextValue(physician_card.pin)
        pin_dialog.accept()

    def tick(confirmation):
        confirmation.confirmed.setChecked(True)
        confirmation.findChild(QDialogButtonBox).accepted.emit()

    answer_dialogs(type_pin, tick)
    slowed(monkeypatch, card, "enrol_card")
    with Heartbeat() as heart:  # called from here, not from a timer: the heartbeat ticks
        dialog.enrol_inserted()
    assert heart.latest_ms < FROZEN_MS
    assert asked == ["Code PIN de la carte insérée :"]
    assert dialog.cards.count() == 1
    dialog.accept()
    window.lock()


def test_the_card_pulled_while_its_enrolment_is_confirmed_enrols_nothing(
        qtbot, vault_dir, clock, physician_card):
    """Pulled while the « hors IGC-Santé » question is on screen: the enrolment's job stops
    through the card signal, the answer is never used, nothing is enrolled, and it is said."""
    from PySide6.QtCore import QTimer

    from cabinet.ui.common.worker import BackgroundJob
    from cabinet.ui.session.cards_dialog import ENROL_STOPPED

    window, dialog = cards_dialog_open(qtbot, vault_dir, clock, physician_card)
    said = []

    def type_pin(pin_dialog):
        pin_dialog.setTextValue(physician_card.pin)
        pin_dialog.accept()

    def pull_then_tick(confirmation):
        physician_card.remove()
        job = dialog.findChild(BackgroundJob)

        def tick_once_stopped():  # once the card signal has reached the job
            if not job.stopping():
                QTimer.singleShot(10, tick_once_stopped)
                return
            confirmation.confirmed.setChecked(True)
            confirmation.findChild(QDialogButtonBox).accepted.emit()

        tick_once_stopped()

    def refusal(message_box):
        said.append(message_box.text())
        message_box.accept()

    answer_dialogs(type_pin, pull_then_tick, refusal)
    dialog.enrol_inserted()
    assert said == [ENROL_STOPPED]
    assert dialog.cards.count() == 0 and not window.ctx.vault.header.slots_of("card")
    dialog.accept()
    window.lock()
