"""The window's words agree with the person and with its own menus (issue 12, 7)."""

import datetime as dt

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from cabinet.domain.identity import Identity, Sex
from cabinet.ui.app import prepare_application
from helpers.dialog_keys import open_emilie, shortcut
from helpers.qt import answer_dialogs


@pytest.fixture
def french(qapp):
    before = QLocale()
    app = prepare_application()
    yield app
    for translator in app.findChildren(QTranslator):
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(before)


def search(window, qtbot, text):
    window.search.field.clear()
    qtbot.keyClicks(window.search.field, text)


def test_the_header_says_nourrisson_and_ne_for_a_one_month_old_boy(unlocked, qtbot):
    today = unlocked.ctx.clock.now().date()
    unlocked.ctx.patients.create(Identity(birth_name="Petit", first_names="Louis",
                                          sex=Sex.MALE, birth_date=today - dt.timedelta(days=33)))
    search(unlocked, qtbot, "petit")
    qtbot.keyClick(unlocked.search.field, Qt.Key.Key_Return)
    header = unlocked.record.header.text()
    assert "nourrisson (garçon), 1 mois (né le " in header
    assert "homme" not in header and "(e)" not in header
    assert unlocked.record.patient_text().startswith("PETIT Louis, né le ")


def test_an_adult_woman_is_femme_and_nee(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    assert "femme, 65 ans (née le 12/03/1961)" in unlocked.record.header.text()


def test_an_empty_search_says_so(unlocked, qtbot):
    search(unlocked, qtbot, "zzzz")
    assert unlocked.search.results.rowCount() == 0
    assert unlocked.search.status.isVisible()
    assert unlocked.search.status.text() == "Aucun patient"
    search(unlocked, qtbot, "lef")
    assert not unlocked.search.status.isVisible()


def help_text(window, qtbot):
    texts = []

    def read(box):
        assert isinstance(box, QMessageBox)
        texts.append(box.text())
        box.accept()

    answer_dialogs(read)
    shortcut(qtbot, window, Qt.Key.Key_F1)
    return texts[0]


def test_f1_lists_every_menu_shortcut_as_the_menus_write_it(french, unlocked, qtbot):
    shown = help_text(unlocked, qtbot)
    in_menus = {keys.toString(QKeySequence.SequenceFormat.NativeText)
                for menu in unlocked.findChildren(QMenu) for action in menu.actions()
                for keys in action.shortcuts()}
    assert "Ctrl+Maj+P" in in_menus
    for keys in in_menus:
        assert f"<b>{keys}" in shown or f" / {keys}</b>" in shown, keys
    assert "<b>Alt+G</b>" in shown and "<b>Entrée</b>" in shown
    assert "Shift" not in shown
    buttons = unlocked.record.prescriptions.findChildren(type(unlocked.lock_button))
    assert any("(Ctrl+Maj+P)" in button.text() for button in buttons)
