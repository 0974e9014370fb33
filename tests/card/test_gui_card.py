"""The desktop with a real card: unlock with card + PIN, lock when the card is pulled (AUTH-2).

Runs the real window (offscreen Qt) over the real pcscd, a virtual reader and a SoftHSM token.
"""

import threading
import time

import pytest
from PySide6.QtCore import Qt

from cabinet.bootstrap import build_context
from cabinet.domain.record import EntryKind
from cabinet.errors import KnownError
from cabinet.services.ports import DraftKey
from cabinet.vault.session import create_vault
from helpers.qt import answer_dialogs, card_lock_screen, type_pin
from helpers.slow import FROZEN_MS, Heartbeat, slowed
from helpers.vaults import OWNER, identity

REMOVAL_BUDGET_MS = 1000


@pytest.fixture
def card_window(qtbot, vault_dir, clock, physician_card):
    vault, _ = create_vault(vault_dir, OWNER, clock, "poste")
    physician_card.insert()
    physician_card.enrol_into(vault, clock)
    ctx = build_context(vault, clock)
    ctx.patients.create(identity())
    ctx.lock()
    return card_lock_screen(qtbot, vault_dir, clock, physician_card)


def test_card_and_pin_unlock_then_pulling_the_card_locks_within_a_second(
        qtbot, card_window, physician_card):
    type_pin(qtbot, card_window, physician_card.pin)
    assert card_window.ctx is not None
    assert "Dr Jeanne Martin" in card_window.who.text() and "carte CPS" in card_window.who.text()
    assert "CARTE DE DÉVELOPPEMENT" in card_window.who.text()
    started = time.monotonic()
    physician_card.remove(wait=False)
    qtbot.waitUntil(lambda: card_window.ctx is None, timeout=REMOVAL_BUDGET_MS)
    assert (time.monotonic() - started) * 1000 < REMOVAL_BUDGET_MS
    assert card_window.stack.currentWidget() is card_window.lock_screen
    assert "insérez votre carte" in card_window.lock_screen.card_status.text()


def test_a_wrong_pin_is_said_on_the_lock_screen(qtbot, card_window):
    type_pin(qtbot, card_window, "0000")
    assert card_window.ctx is None
    assert "Code PIN incorrect" in card_window.lock_screen.error.text()


def test_pulling_the_card_while_writing_an_encounter_keeps_a_draft(
        qtbot, card_window, physician_card):
    type_pin(qtbot, card_window, physician_card.pin)
    [row] = card_window.ctx.patients.search("lefevre")
    card_window.record.open_patient(row.patient_id)
    shown = []

    def type_then_pull(dialog):
        shown.append(dialog)
        dialog.reason.setText("Malaise")
        dialog.texts["history"].setPlainText("Malaise en se levant ce matin")
        physician_card.remove(wait=False)

    answer_dialogs(type_then_pull)
    card_window.record.new_encounter()  # returns once the removal has locked
    assert card_window.ctx is None and not shown[0].isVisible()
    physician_card.insert()
    qtbot.waitUntil(lambda: "Carte insérée" in card_window.lock_screen.card_status.text(),
                    timeout=2000)
    type_pin(qtbot, card_window, physician_card.pin)
    draft = card_window.ctx.drafts.restore(DraftKey(row.patient_id, EntryKind.ENCOUNTER.value))
    assert draft is not None and draft[0]["reason"] == "Malaise"


def test_card_service_stopping_while_unlocked_locks(qtbot, card_window, physician_card,
                                                    card_reader):
    type_pin(qtbot, card_window, physician_card.pin)
    card_reader.stop()
    try:
        qtbot.waitUntil(lambda: card_window.ctx is None, timeout=REMOVAL_BUDGET_MS)
        qtbot.waitUntil(lambda: "pcscd" in card_window.lock_screen.card_status.text(),
                        timeout=REMOVAL_BUDGET_MS)
    finally:
        card_reader.start()


def test_card_pulled_during_unlock_never_leaves_the_app_open(qtbot, card_window, physician_card):
    assert card_window.lock_screen.current_way().title == "Carte CPS et code PIN"
    qtbot.keyClicks(card_window.lock_screen.secret, physician_card.pin)
    physician_card.remove(wait=False)  # pulled while the PIN is being confirmed
    qtbot.keyClick(card_window.lock_screen.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: card_window.ctx is None
                    and card_window.stack.currentWidget() is card_window.lock_screen,
                    timeout=REMOVAL_BUDGET_MS)


def test_three_wrong_pins_are_three_journaled_refusals_never_retried(qtbot, card_window,
                                                                      physician_card):
    for attempt in range(3):
        type_pin(qtbot, card_window, f"000{attempt}")
        assert card_window.ctx is None
        assert "Code PIN incorrect" in card_window.lock_screen.error.text()
        assert card_window.lock_screen.secret.text() == ""  # nothing kept to retry with
    type_pin(qtbot, card_window, physician_card.pin)
    events = card_window.ctx.vault.store.audit_rows(None, 20)
    failed = [e for e in events if e["action"] == "connect_failed"]
    assert len(failed) == 3 and {e["mode"] for e in failed} == {"card"}
    assert not any(f"000{n}" in str(events) for n in range(3))


def card_way(window):
    return next(b for b in window.lock_screen.choices.buttons()
                if b.text() == "Carte CPS et code PIN")


def test_the_lock_screen_counts_the_tries_down_and_never_asks_a_blocked_card_for_its_pin(
        qtbot, pin_counter, card_window, physician_card):
    notice = card_window.lock_screen.pin_notice
    assert notice.text() == ""
    type_pin(qtbot, card_window, "0000")
    assert "Code PIN incorrect" in card_window.lock_screen.error.text()
    assert notice.text() == "Attention : un code PIN erroné a déjà été saisi sur cette carte."
    type_pin(qtbot, card_window, "0001")
    assert "dernier essai" in card_window.lock_screen.error.text()
    assert notice.text().startswith("Attention : un seul essai reste avant le blocage")
    type_pin(qtbot, card_window, "0002")
    assert notice.text().startswith("Carte bloquée après trois codes PIN erronés")
    assert "mode dégradé" in notice.text() and card_window.lock_screen.error.text() == ""
    assert not card_way(card_window).isEnabled()
    assert card_window.lock_screen.current_way().title == "Clé de secours"

    physician_card.remove()
    physician_card.insert()
    qtbot.waitUntil(lambda: "Carte insérée" in card_window.lock_screen.card_status.text(),
                    timeout=2000)
    assert notice.text().startswith("Carte bloquée") and not card_way(card_window).isEnabled()
    with pytest.raises(KnownError, match="Carte bloquée"):
        card_window.door.open_with_card(physician_card.reader, physician_card.pin)
    assert pin_counter.logins == ["0000", "0001", "0002"]  # the right PIN never reached it


def test_a_card_with_one_try_left_is_said_so_as_soon_as_it_is_inserted(
        qtbot, pin_counter, card_window, physician_card):
    physician_card.remove()
    qtbot.waitUntil(lambda: not card_way(card_window).isEnabled(), timeout=2000)
    pin_counter.left = 1  # two wrong PINs typed elsewhere (another workstation, a signature)
    physician_card.insert()
    qtbot.waitUntil(lambda: "un seul essai" in card_window.lock_screen.pin_notice.text(),
                    timeout=2000)
    assert card_window.lock_screen.current_way().title == "Carte CPS et code PIN"
    type_pin(qtbot, card_window, physician_card.pin)
    assert card_window.ctx is not None and pin_counter.logins == [physician_card.pin]


def test_the_card_pulled_while_the_vault_opens_leaves_it_locked(
        qtbot, card_window, physician_card, monkeypatch):
    slowed(monkeypatch, card_window.door, "open_with_card")
    threading.Timer(0.2, physician_card.remove, kwargs={"wait": False}).start()
    with Heartbeat() as beat:
        type_pin(qtbot, card_window, physician_card.pin)
    assert card_window.ctx is None and card_window.stack.currentWidget() is card_window.lock_screen
    assert card_window.lock_screen.error.text()
    assert beat.latest_ms < FROZEN_MS
