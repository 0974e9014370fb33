"""Vital signs typed in an encounter: every mistake at once, a BMI that reads (issue 12, 6)."""

from PySide6.QtCore import Qt

from cabinet.domain.record import EntryKind
from cabinet.domain.wording import vitals_text
from helpers.dialog_keys import at_keyboard, open_emilie, save_with_alt_e, shortcut
from helpers.qt import answer_dialogs


def type_vitals(qtbot, dialog, **values):
    for code, text in values.items():
        dialog.vitals[code].clear()
        qtbot.keyClicks(dialog.vitals[code], text)


def test_every_wrong_measure_is_reported_in_one_save(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    seen = {}

    def fill(dialog):
        qtbot.keyClicks(dialog.reason, "Malaise")
        type_vitals(qtbot, dialog, temperature="52", spo2="abc", systolic="80", diastolic="120")
        save_with_alt_e(qtbot, dialog)
        seen["first"] = dialog.error.text()
        type_vitals(qtbot, dialog, temperature="38,2", spo2="97", systolic="135",
                    diastolic="85")
        save_with_alt_e(qtbot, dialog)
        seen["closed"] = not dialog.isVisible()

    answer_dialogs(at_keyboard(qtbot, fill))
    shortcut(qtbot, unlocked, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen["closed"]
    first = seen["first"].splitlines()
    assert len(first) == 3
    assert first[0].startswith("Température")
    assert first[1].startswith("Saturation en oxygène")
    assert "systolique doit être supérieure" in first[2]
    latest = unlocked.ctx.records.open_record(unlocked.record.patient_id).of_kind(
        EntryKind.ENCOUNTER)[0]
    assert latest.payload["reason"] == "Malaise"


def test_the_bmi_reads_the_french_way_and_an_impossible_one_is_flagged(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    shown = []

    def fill(dialog):
        type_vitals(qtbot, dialog, weight="94,353", height="2")
        shown.append(dialog.bmi.text())
        type_vitals(qtbot, dialog, height="170")
        shown.append(dialog.bmi.text())

    answer_dialogs(at_keyboard(qtbot, fill))
    shortcut(qtbot, unlocked, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert "e+" not in shown[0] and "invraisemblable" in shown[0]
    assert shown[1] == "IMC : 32,6 kg/m²"


def test_a_stored_impossible_bmi_is_never_written_in_scientific_notation():
    text = vitals_text([{"code": "weight", "value": 94.353}, {"code": "height", "value": 0.2}])
    assert text == "Poids 94,353 kg · Taille 0,2 cm"
