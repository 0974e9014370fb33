"""The physician chooses the card's software in Paramètres (issue 13, item 3): offered by
French names, then asked first whenever the open vault uses the card, the others after it so
that a choice that does not read this card never leaves the physician without a signature.
Real window, settings dialog, pcscd, vpcd, SoftHSM2 and OpenSC (both modules installed).
"""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from cabinet.bootstrap import build_context
from cabinet.card import token
from cabinet.domain.settings import SETTINGS_BY_KEY
from cabinet.ui.common.pin import DialogPin
from cabinet.vault.session import create_vault
from helpers.qt import answer_dialogs, card_lock_screen, type_pin
from helpers.vaults import OWNER, PRESCRIBER


@pytest.fixture
def unlocked_by_card(qtbot, vault_dir, clock, physician_card):
    """The window unlocked by Dr Martin's card, its door naming no module: the card decides."""
    vault, _ = create_vault(vault_dir, OWNER, clock, "poste")
    physician_card.insert()
    physician_card.enrol_into(vault, clock)
    build_context(vault, clock).settings.change(PRESCRIBER)
    vault.lock(clock)
    window = card_lock_screen(qtbot, vault_dir, clock, physician_card, name_module=False)
    type_pin(qtbot, window, physician_card.pin)
    assert window.ctx is not None
    yield window
    window.lock()


def test_the_module_chosen_by_its_french_name_is_asked_first_and_the_others_after(
        unlocked_by_card, physician_card, monkeypatch):
    window = unlocked_by_card
    seen = {}

    def choose_opensc(dialog):
        field = dialog.fields["card_module"]
        seen["kind"] = type(field)
        if not isinstance(field, QComboBox):  # a field to type a raw key into
            dialog.reject()
            return
        seen["choices"] = [field.itemText(i) for i in range(field.count())]
        seen["current"] = field.currentText()
        field.setCurrentIndex(field.findText("OpenSC (cartes PIV, OpenPGP…)"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    answer_dialogs(choose_opensc)
    window.show_settings()
    assert seen["kind"] is QComboBox
    assert seen["choices"] == [label for _, label in SETTINGS_BY_KEY["card_module"].choices]
    assert seen["current"] == "automatique : celui qui reconnaît la carte"
    assert not {"cryptolib", "opensc", ""} & set(seen["choices"])  # never a raw key
    assert window.ctx.settings.current()["card_module"] == "opensc"

    asked = []
    load = token.load_module
    monkeypatch.setattr(token, "load_module", lambda path: asked.append(path) or load(path))

    def pin(dialog):
        dialog.setTextValue(physician_card.pin)
        dialog.accept()

    answer_dialogs(pin)
    reader = window.exporter.signing_reader()
    assert reader == physician_card.reader
    pins = DialogPin(window, "Carte CPS", "Code PIN de la carte :")
    with window.exporter.signer(reader, pins, window.ctx) as signer:
        assert signer.demo  # OpenSC does not know the development card: SoftHSM2 served it
    assert asked[0] in token.OPENSC_MODULES and Path(asked[0]).exists()
    assert asked[-1] == Path(physician_card.module_path)
