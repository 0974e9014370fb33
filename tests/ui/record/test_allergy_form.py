"""An allergy recorded against the drug base or a class, chosen as it is typed, then met when
prescribing (issue 16, item 5). The base is the session's (tests/conftest.py)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from cabinet.domain.record import EntryKind
from cabinet.ui.record.drug_line_dialog import DrugLineDialog
from cabinet.ui.record.entry_dialog import EntryDialog
from helpers.qt import answer_dialogs


def save(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def open_durand(window, qtbot):
    qtbot.keyClicks(window.search.field, "durand")  # Paul Durand: no allergy recorded
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)


def allergies(window):
    return [e.payload for e in window.ctx.records.open_record(
        window.record.patient_id).of_kind(EntryKind.ALLERGY)]


def record_allergy(window, qtbot, typed, pick=None):
    """Type `typed` in a new allergy's substance; choose the suggestion `pick` with the
    keyboard (None: leave the text as typed). Returns the suggestions offered."""
    offered = []

    def fill(dialog):
        assert isinstance(dialog, EntryDialog)
        field = dialog.widgets["substance"]
        dialog.activateWindow()  # the completer answers the field that has the keyboard
        field.setFocus()
        qtbot.waitUntil(field.hasFocus)
        qtbot.keyClicks(field, typed)
        completer = field.completer()  # none without the base
        popup = completer.popup() if completer is not None else None
        offered.extend(popup.model().index(row, 0).data()
                       for row in range(popup.model().rowCount() if popup else 0))
        if pick is not None:
            assert popup.isVisible()
            for _ in range(offered.index(pick) + 1):
                qtbot.keyClick(popup, Qt.Key.Key_Down)
            qtbot.keyClick(popup, Qt.Key.Key_Return)
        dialog.widgets["reaction"].setText("œdème de Quincke")
        save(dialog)

    answer_dialogs(fill)
    window.record.add_simple(EntryKind.ALLERGY)
    return offered


def prescribe_first_found(window, qtbot, typed):
    """A new prescription, `typed` searched, Enter on the first medicine: the line dialog's
    alert text."""
    seen = {}

    def prescribe(dialog):
        qtbot.keyClicks(dialog.search.field, typed)
        qtbot.keyClick(dialog.search.field, Qt.Key.Key_Return)
        dialog.reject()

    def line(dialog):
        assert isinstance(dialog, DrugLineDialog)
        alert = dialog.findChild(QLabel, "allergyAlerts")
        seen["alert"] = alert.text() if alert is not None else ""
        dialog.reject()

    answer_dialogs(prescribe, line)
    window.record.new_prescription()
    return seen["alert"]


def test_amoxicillin_chosen_from_the_base_then_alerts_when_prescribed(unlocked, qtbot):
    open_durand(unlocked, qtbot)
    offered = record_allergy(unlocked, qtbot, "amoxicil", pick="amoxicilline")
    assert offered == ["amoxicilline", "amoxicilline sodique", "amoxicilline trihydratée"]
    [allergy] = allergies(unlocked)
    assert allergy["substance"] == "amoxicilline"
    assert allergy["substance_code"] == "05248"  # CIS_COMPO: AMOXICILLINE
    assert "allergy_class" not in allergy
    alert = prescribe_first_found(unlocked, qtbot, "clamoxyl 1 g")
    assert alert.startswith("Allergie notée : amoxicilline — œdème de Quincke")


def test_a_class_chosen_then_ibuprofen_alerts(unlocked, qtbot):
    open_durand(unlocked, qtbot)
    offered = record_allergy(unlocked, qtbot, "ains", pick="AINS — classe de médicaments")
    assert offered[0] == "AINS — classe de médicaments"
    [allergy] = allergies(unlocked)
    assert allergy["substance"] == "AINS" and allergy["allergy_class"] == "AINS"
    assert "substance_code" not in allergy
    alert = prescribe_first_found(unlocked, qtbot, "ibuprofene 400")
    assert alert.startswith("Allergie notée : AINS — œdème de Quincke")
    assert "IBUPROFÈNE" in alert


def test_a_text_matching_nothing_stays_free(unlocked, qtbot):
    open_durand(unlocked, qtbot)
    assert record_allergy(unlocked, qtbot, "poils de chat") == []
    [allergy] = allergies(unlocked)
    assert allergy["substance"] == "poils de chat"
    assert "substance_code" not in allergy and "allergy_class" not in allergy


def test_a_correction_keeps_the_code_while_the_text_stays(unlocked, qtbot):
    open_durand(unlocked, qtbot)
    record_allergy(unlocked, qtbot, "amoxicil", pick="amoxicilline")
    summary = unlocked.record.summary
    summary.list.setCurrentRow(0)

    def correct(dialog):
        dialog.widgets["reaction"].setText("urticaire géante")
        save(dialog)

    def reason(dialog):
        dialog.setTextValue("réaction précisée")
        dialog.accept()

    answer_dialogs(correct, reason)
    unlocked.record.correct_selected(summary)
    [allergy] = allergies(unlocked)
    assert allergy["reaction"] == "urticaire géante"
    assert allergy["substance_code"] == "05248"


def test_without_the_base_the_substance_is_free_text(unlocked, qtbot):
    open_durand(unlocked, qtbot)
    base, unlocked.record.drugs.base = unlocked.record.drugs.base, None
    try:
        assert record_allergy(unlocked, qtbot, "amoxicilline") == []
    finally:
        unlocked.record.drugs.base = base
    [allergy] = allergies(unlocked)
    assert allergy["substance"] == "amoxicilline" and "substance_code" not in allergy
