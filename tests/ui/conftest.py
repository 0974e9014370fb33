"""A main window over a real demo vault holding a few known patients."""

import datetime as dt

import pytest

from cabinet.bootstrap import VaultDoor
from cabinet.domain.record import EntryKind
from cabinet.ui.main_window import MainWindow
from helpers.vaults import identity, new_context, valid_nir

ENCOUNTER = {"date": "2026-10-05", "reason": "Toux fébrile", "history": "Depuis 4 jours",
             "examination": "Crépitants base droite", "vitals": [],
             "conclusion": "Pneumopathie", "plan": "Amoxicilline 7 jours"}


@pytest.fixture
def vault(vault_dir, clock):
    ctx, _ = new_context(vault_dir, clock, demo=True)
    emilie = ctx.patients.create(identity("Lefèvre", "Émilie", nir=valid_nir("2610375123456")))
    ctx.records.add_entry(emilie, EntryKind.ALLERGY, {"substance": "Pénicilline",
                                                      "reaction": "Urticaire"})
    ctx.records.add_entry(emilie, EntryKind.TREATMENT, {"drug": "Ramipril 5 mg",
                                                        "dosage": "1 cp le matin"})
    ctx.records.add_entry(emilie, EntryKind.ENCOUNTER, ENCOUNTER)
    ctx.records.add_entry(emilie, EntryKind.PRESCRIPTION, {"date": "2026-10-05", "lines": [
        {"drug": "Amoxicilline 1 g", "dosage": "1 cp matin et soir", "duration": "7 jours"}]})
    paul = ctx.patients.create(identity("Durand", "Paul", birth_date=dt.date(1950, 1, 2)))
    ctx.lock()
    return {"folder": vault_dir, "emilie": emilie, "paul": paul}


@pytest.fixture
def window(qtbot, vault, clock):
    win = MainWindow(VaultDoor(vault["folder"], clock))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.lock()


@pytest.fixture
def unlocked(window, qtbot):
    window.unlock("demo", "demo")
    assert window.ctx is not None
    qtbot.waitUntil(lambda: window.record.drugs.base is not None)  # opened off the GUI thread
    return window
