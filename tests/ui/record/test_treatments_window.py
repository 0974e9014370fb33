"""Current treatments in the window: the record's header lists the prescriptions' running
lines, and « Renouveler le traitement de fond » starts from them (issue 16, item 6).

The clock reads 02/11/2026; the specialities are the session's drug base (tests/conftest.py).
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QMessageBox

from cabinet.domain.prescribing import line_from
from cabinet.domain.record import EntryKind
from cabinet.ui.record.prescription_dialog import PrescriptionDialog
from helpers.bdpm_specimens import RELEASE
from helpers.qt import answer_dialogs

FENOFIBRATE, CLAMOXYL, DOLIPRANE, IBUPROFEN = "60004277", "64539416", "60234100", "67539962"
RENEW_TREATMENTS = (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
                    | Qt.KeyboardModifier.AltModifier)


def line(window, cis, days, **flags):
    speciality = window.record.drugs.base.speciality(cis)
    return {**line_from(speciality, speciality.presentations[0], RELEASE),
            "posology": {"dose": 1, "unit": "comprimé", "per_day": 1, "duration": days,
                         "duration_unit": "days", "text": ""}, **flags}


def open_patient(window, qtbot, typed):
    qtbot.keyClicks(window.search.field, typed)
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)


def prescriptions(window):
    return window.ctx.records.open_record(window.record.patient_id).of_kind(
        EntryKind.PRESCRIPTION)


def prescribe(window, patient, day, *lines):
    window.ctx.records.add_entry(patient, EntryKind.PRESCRIPTION, {"date": day,
                                                                   "lines": list(lines)})


def emilie_treated(window, vault):
    """Émilie (allergic to penicillin): fenofibrate de fond since June; a 7-day ibuprofen in
    September; amoxicillin de fond since October, passed over her allergy (it takes the
    place of her free-text amoxicillin of 05/10); paracetamol for 5 days."""
    patient = vault["emilie"]
    prescribe(window, patient, "2026-06-01", line(window, FENOFIBRATE, 90, long_term=True))
    prescribe(window, patient, "2026-09-01", line(window, IBUPROFEN, 7))
    prescribe(window, patient, "2026-10-20", line(
        window, CLAMOXYL, 30, long_term=True,
        allergy_alerts=["Allergie notée : Pénicilline — Urticaire"],
        allergy_override="prophylaxie après splénectomie, tolérée"))
    prescribe(window, patient, "2026-10-30", line(window, DOLIPRANE, 5))


def test_the_header_lists_the_running_lines_of_the_prescriptions(unlocked, vault, qtbot):
    emilie_treated(unlocked, vault)
    open_patient(unlocked, qtbot, "emi")
    header = unlocked.record.header.text()
    treatments = header.split("Traitements en cours : ")[1]
    # the treatment entry first; then the lines de fond; a short line with its last day;
    # September's ibuprofen (7 days) is over
    assert treatments == ("Ramipril 5 mg, fénofibrate 100 mg, amoxicilline 1 g, "
                          "paracétamol 1 g (jusqu&#x27;au 03/11/2026)")


def test_the_header_drops_a_line_stopped_in_a_treatment_entry(unlocked, vault, qtbot):
    emilie_treated(unlocked, vault)
    unlocked.ctx.records.add_entry(vault["emilie"], EntryKind.TREATMENT, {
        "drug": "Fénofibrate", "cis": FENOFIBRATE, "since": "2026-06-01",
        "stopped": "2026-10-15"})
    open_patient(unlocked, qtbot, "emi")
    assert "fénofibrate" not in unlocked.record.header.text()


def test_renewing_the_treatment_de_fond_prefills_it_and_checks_the_allergy_again(
        unlocked, vault, qtbot):
    emilie_treated(unlocked, vault)
    open_patient(unlocked, qtbot, "emi")
    unlocked.record.tabs.setCurrentWidget(unlocked.record.summary)
    seen = {}

    def renew(dialog):
        assert isinstance(dialog, PrescriptionDialog)
        seen["title"] = dialog.windowTitle()
        seen["lines"] = [dialog.table.item(row, 0).text()
                         for row in range(dialog.table.rowCount())]
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    def reason(dialog):
        assert isinstance(dialog, QInputDialog)
        seen["alert"] = dialog.labelText()
        dialog.setTextValue("prophylaxie poursuivie, tolérance connue")
        dialog.accept()

    answer_dialogs(renew, reason)
    qtbot.keyClick(unlocked, *RENEW_TREATMENTS)
    assert seen["title"] == "Renouveler le traitement de fond"
    assert seen["lines"] == ["fénofibrate 100 mg", "amoxicilline 1 g"]
    assert seen["alert"].startswith("Allergie notée : Pénicilline — Urticaire")
    renewed = prescriptions(unlocked)[0].payload
    assert renewed["date"] == "2026-11-02"  # the practice's clock, not the machine's
    assert [(x["cis"], x["long_term"]) for x in renewed["lines"]] == [(FENOFIBRATE, True),
                                                                      (CLAMOXYL, True)]
    assert renewed["lines"][1]["allergy_override"] == "prophylaxie poursuivie, tolérance connue"


def test_without_a_treatment_de_fond_the_renewal_says_so(unlocked, qtbot):
    open_patient(unlocked, qtbot, "durand")
    said = []

    def read(box):
        assert isinstance(box, QMessageBox)
        said.append(box.text())
        box.accept()

    answer_dialogs(read)
    qtbot.keyClick(unlocked, *RENEW_TREATMENTS)
    assert said and said[0].startswith("Aucun traitement de fond en cours")
    assert prescriptions(unlocked) == []
