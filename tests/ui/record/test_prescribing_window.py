"""Prescribing from the drug base in the window: search as typed, a line in DCI with its
quantity, the allergy alert and its reason, the box scanned, the base's date (issue 16).

The base is the shipped ANSM release, imported once for the session (tests/conftest.py).
"""

import datetime as dt
import os
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton

from cabinet.domain.record import EntryKind
from cabinet.ui.common.dialogs import ServiceDialog
from cabinet.ui.record.drug_line_dialog import DrugLineDialog
from cabinet.ui.record.prescription_dialog import PrescriptionDialog
from helpers.qt import answer_dialogs

SUBSET = Path(__file__).parents[2] / "data" / "bdpm"  # 19 real specialities (its README)
DOLIPRANE_BOX_OF_8 = "3400935955838"  # DOLIPRANE 1000 mg, comprimé: 8 tablets (CIS_CIP_bdpm)


def open_patient(window, qtbot, typed):
    qtbot.keyClicks(window.search.field, typed)
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)


def save(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def prescriptions(window):
    return window.ctx.records.open_record(window.record.patient_id).of_kind(
        EntryKind.PRESCRIPTION)


def test_amoxicillin_on_a_patient_allergic_to_penicillin_needs_a_reason(unlocked, qtbot):
    open_patient(unlocked, qtbot, "emi")  # Émilie Lefèvre: « Pénicilline », urticaire
    seen = {}

    def prescribe(dialog):
        assert isinstance(dialog, PrescriptionDialog)
        [seen["release"]] = [label.text() for label in dialog.findChildren(QLabel)
                             if "ANSM" in label.text()]
        qtbot.keyClicks(dialog.search.field, "amoxicilline 1 g")
        seen["first"] = dialog.search.results.item(0, 0).text()
        qtbot.keyClick(dialog.search.field, Qt.Key.Key_Return)
        save(dialog)

    def line(dialog):
        assert isinstance(dialog, DrugLineDialog)
        seen["alert"] = dialog.findChild(QLabel, "allergyAlerts").text()
        dialog.per_day.setValue(3)
        save(dialog)  # no reason yet
        seen["refused"] = dialog.error.text()
        dialog.override.setText("allergie ancienne non confirmée, surveillance")
        save(dialog)

    answer_dialogs(prescribe, line)
    qtbot.keyClick(unlocked, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert seen["release"].endswith("Base des médicaments ANSM du 28/01/2026")
    assert seen["first"].startswith("AMOXICILLINE")
    assert seen["alert"].startswith("Allergie notée : Pénicilline — Urticaire")
    assert "motif" in seen["refused"]
    [line] = prescriptions(unlocked)[0].payload["lines"]
    assert line["dci"].startswith("amoxicilline") and len(line["cis"]) == 8
    assert line["release"] == "2026-01-28"
    assert line["allergy_override"] == "allergie ancienne non confirmée, surveillance"
    details = [r[0] for r in unlocked.ctx.vault.conn.execute("SELECT detail FROM audit")]
    assert any("alerte d'allergie passée outre" in d for d in details)


def test_a_scanned_box_gives_its_speciality_and_the_quantity_in_boxes(unlocked, qtbot):
    open_patient(unlocked, qtbot, "durand")  # Paul Durand: no allergy recorded
    seen = {}

    def prescribe(dialog):
        qtbot.keyClicks(dialog.search.field, DOLIPRANE_BOX_OF_8)
        qtbot.keyClick(dialog.search.field, Qt.Key.Key_Return)
        save(dialog)

    def line(dialog):
        assert dialog.findChild(QLabel, "allergyAlerts") is None
        dialog.per_day.setValue(3)
        dialog.duration.setValue(5)  # 15 tablets: two boxes of 8
        seen["quantity"] = dialog.quantity.text()
        save(dialog)

    answer_dialogs(prescribe, line)
    qtbot.keyClick(unlocked, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert seen["quantity"] == "Qté : 2 boîtes"
    [line] = prescriptions(unlocked)[0].payload["lines"]
    assert line["cip13"] == DOLIPRANE_BOX_OF_8 and line["boxes"] == 2
    assert line["dci"] == "paracétamol 1 g" and line["brand"] == ""


def test_nothing_found_starts_a_free_text_line(unlocked, qtbot):
    open_patient(unlocked, qtbot, "durand")

    def prescribe(dialog):
        dialog.search.field.setText("Préparation magistrale : vaseline salicylée 10 %")
        assert dialog.search.results.rowCount() == 0
        qtbot.keyClick(dialog.search.field, Qt.Key.Key_Return)
        dialog.table.item(0, 1).setText("une application le soir")
        dialog.table.item(0, 2).setText("10 jours")
        save(dialog)

    answer_dialogs(prescribe)
    qtbot.keyClick(unlocked, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    [line] = prescriptions(unlocked)[0].payload["lines"]
    assert line == {"drug": "Préparation magistrale : vaseline salicylée 10 %",
                    "dosage": "une application le soir",
                    "duration": "10 jours", "ald": False}


def test_a_newer_release_is_imported_from_the_settings_and_a_spoiled_one_refused(
        unlocked, qtbot, tmp_path, monkeypatch):
    """Paramètres › « Importer une version plus récente… »: the folder checked whole off the
    GUI thread, then used; a truncated file refused in French, the base in service kept."""
    from cabinet.ui.session import settings_dialog

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "donnees"))  # not the session's base
    newer = tmp_path / "bdpm-mars"
    shutil.copytree(SUBSET, newer)
    march = dt.datetime(2026, 3, 15, 9).timestamp()
    for file in newer.iterdir():
        os.utime(file, (march, march))
    spoiled = tmp_path / "bdpm-abimee"
    shutil.copytree(newer, spoiled)
    cut = spoiled / "CIS_CIP_bdpm.txt"
    cut.write_bytes(cut.read_bytes()[:-40])
    folders = iter([spoiled, newer])
    monkeypatch.setattr(settings_dialog, "folder_to_use", lambda *_a: next(folders))
    seen = {}

    def import_twice(dialog):
        button = next(b for b in dialog.findChildren(QPushButton)
                      if "Importer une version" in b.text())
        before = dialog.drug_release.text()
        button.click()
        seen["refused"] = dialog.error.text()
        seen["kept"] = dialog.drug_release.text() == before
        button.click()
        seen["label"] = dialog.drug_release.text()
        dialog.reject()

    answer_dialogs(import_twice)
    unlocked.show_settings()
    assert seen["refused"].startswith("CIS_CIP_bdpm.txt") and seen["kept"]
    assert seen["label"] == "Base des médicaments ANSM du 15/03/2026"
    counts = unlocked.record.drugs.base.counts()
    assert counts["CIS_bdpm.txt"][0] == len((SUBSET / "CIS_bdpm.txt").read_text().splitlines())


def test_a_closed_dialog_does_not_stay_behind_with_what_it_showed(unlocked, qtbot):
    """Each dialog of the record is deleted once closed: none piles up hidden, holding the
    patient's lines and allergies after the record is closed, or slowing the next one."""
    open_patient(unlocked, qtbot, "emi")
    for _ in range(2):
        answer_dialogs(lambda dialog: dialog.reject())
        unlocked.record.new_prescription()
    answer_dialogs(lambda dialog: dialog.reject())
    unlocked.record.add_simple(EntryKind.ALLERGY)
    qtbot.waitUntil(lambda: not unlocked.record.findChildren(ServiceDialog), timeout=2000)
