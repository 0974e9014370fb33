"""The identity form takes a date of death, typed the French way, and refuses a malformed one."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from cabinet.errors import InvalidInput
from cabinet.ui.record.patient_dialog import PatientDialog
from helpers.vaults import identity


@pytest.fixture
def dialog(qtbot):
    saved = []
    form = PatientDialog(saved.append, identity("Defunt", "Test"))
    qtbot.addWidget(form)
    form.show()
    return form


def test_a_date_of_death_typed_is_part_of_the_identity(dialog, qtbot):
    field = dialog.fields["death_date"]
    assert field.text() == ""
    field.setFocus()
    qtbot.keyClicks(field, "01/04/2016")
    assert dialog.identity().death_date == dt.date(2016, 4, 1)
    dialog.fields["death_date"].clear()
    assert dialog.identity().death_date is None


def test_a_malformed_date_of_death_is_refused_in_french(dialog, qtbot):
    qtbot.keyClicks(dialog.fields["death_date"], "31/02/2016")
    with pytest.raises(InvalidInput, match="La date de décès doit s'écrire jj/mm/aaaa"):
        dialog.identity()


def test_a_stored_date_of_death_is_shown_for_correction(qtbot):
    form = PatientDialog(list().append, identity(death_date=dt.date(2016, 4, 1)))
    qtbot.addWidget(form)
    assert form.fields["death_date"].text() == "01/04/2016"
    assert Qt.FocusPolicy.NoFocus != form.fields["death_date"].focusPolicy()
