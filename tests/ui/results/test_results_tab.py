"""The record's « Résultats » tab: abnormal values in red, each analyte's curve, the vitals'."""

import datetime as dt

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cabinet.domain.hprim import LabValue
from cabinet.domain.lab_results import DatedValue
from cabinet.domain.record import EntryKind
from cabinet.ui.results.table import ABNORMAL, ResultsModel
from helpers.hprim_files import HprimFile, monthly_files


def open_results(window, qtbot):
    qtbot.keyClicks(window.search.field, "emi")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    record = window.record
    record.tabs.setCurrentWidget(record.results)
    return record.results


def test_an_abnormal_value_is_red_and_a_normal_one_is_not():
    model = ResultsModel()
    model.set_values([
        DatedValue(dt.date(2026, 1, 5), LabValue("Potassium", "K", "N", "4,1", "mmol/L", 3.5,
                                                 5.0, number=4.1)),
        DatedValue(dt.date(2026, 2, 5), LabValue("Potassium", "K", "N", "5,9", "mmol/L", 3.5,
                                                 5.0, number=5.9)),
        DatedValue(dt.date(2026, 3, 5), LabValue("CRP", "CRP", "N", "<5", "mg/L", flag="H"))])
    crp, high, normal = (model.index(row, 2) for row in range(3))  # newest first
    assert model.data(crp) == "<5" and model.data(normal) == "4,1"
    assert model.data(high, Qt.ItemDataRole.ForegroundRole).color() == ABNORMAL
    assert model.data(crp, Qt.ItemDataRole.ForegroundRole).color() == ABNORMAL
    assert model.data(normal, Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(1, 4)) == "3,5 – 5"


def test_a_filed_result_shows_its_history_and_curve_exported_as_png(unlocked, qtbot,
                                                                     tmp_path):
    for content in monthly_files(24):
        unlocked.ctx.results.receive("res.hpr", content)
    tab = open_results(unlocked, qtbot)
    potassium = next(tab.choices.item(r) for r in range(tab.choices.count())
                     if tab.choices.item(r).text().startswith("Potassium"))
    assert potassium.foreground().color() != ABNORMAL
    glucose = next(tab.choices.item(r) for r in range(tab.choices.count())
                   if tab.choices.item(r).text().startswith("Glycémie"))
    assert glucose.foreground().color() == ABNORMAL  # its latest value is above 1,10
    tab.choose("Glycémie")
    assert tab.model.rowCount() == 24
    assert tab.model.data(tab.model.index(0, 0)) == "05/11/2026"
    png = tmp_path / "glycemie.png"
    tab.curve.resize(800, 400)
    tab.curve.export_png(png)
    image = Image.open(png)
    assert image.width >= 400 and len(image.getcolors(1 << 20) or ()) > 10  # drawn, not blank
    assert tab.curve.plot.getPlotItem().getAxis("left").labelText.startswith("Glycémie")


def test_weight_bmi_and_blood_pressure_curves_come_from_the_encounters(unlocked, qtbot):
    ctx = unlocked.ctx
    emilie = ctx.patients.search("emilie")[0].patient_id
    for day, weight, systolic in (("2026-01-10", 70, 150), ("2026-06-10", 68, 138)):
        ctx.records.add_entry(emilie, EntryKind.ENCOUNTER, {
            "date": day, "reason": "Suivi", "vitals": [
                {"code": "weight", "value": weight}, {"code": "height", "value": 165},
                {"code": "systolic", "value": systolic}, {"code": "diastolic", "value": 85}]})
    tab = open_results(unlocked, qtbot)
    tab.choose("Pression artérielle")
    curves = tab.curve.plot.getPlotItem().listDataItems()
    assert [list(c.yData) for c in curves] == [[150, 138], [85, 85]]
    tab.choose("IMC")
    [bmi] = tab.curve.plot.getPlotItem().listDataItems()
    assert list(bmi.yData) == [25.7, 25.0]
    QApplication.processEvents()


def test_a_result_received_while_the_record_is_open_shows_on_reload(unlocked, qtbot):
    tab = open_results(unlocked, qtbot)
    assert tab.choices.count() == 1  # « Toutes les analyses » alone
    unlocked.ctx.results.receive("res.hpr", HprimFile().encoded())
    unlocked.record.reload()
    assert tab.choices.count() == 4  # and the three analytes
    tab.choose("Toutes les analyses")
    assert tab.model.rowCount() == 3
    assert tab.model.data(tab.model.index(0, 5)) == "Contrôle à prévoir dans 3 mois."
