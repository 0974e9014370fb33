"""Qt's own dialogs in French, file dialogs where the physician works, a journal in words
(issue 12, 5)."""

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QTableWidget,
)

from cabinet.demo.generator import demo_pdf
from cabinet.ui.app import prepare_application
from helpers.dialog_keys import open_emilie, shortcut
from helpers.qt import answer_dialogs

Buttons = QDialogButtonBox.StandardButton


@pytest.fixture
def french(qapp):
    before = QLocale()
    app = prepare_application()
    assert app is qapp
    yield app
    for translator in app.findChildren(QTranslator):
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(before)


def test_qt_standard_buttons_and_message_boxes_speak_french(french, qtbot):
    box = QDialogButtonBox(Buttons.Ok | Buttons.Cancel | Buttons.Yes | Buttons.No)
    qtbot.addWidget(box)
    assert [box.button(b).text().replace("&", "") for b in
            (Buttons.Ok, Buttons.Cancel, Buttons.Yes, Buttons.No)] == [
        "OK", "Annuler", "Oui", "Non"]
    question = QMessageBox(QMessageBox.Icon.Question, "Question", "Continuer ?",
                           QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(question)
    assert question.button(QMessageBox.StandardButton.No).text().replace("&", "") == "Non"
    assert QLocale().language() is QLocale.Language.French


def test_the_file_dialog_speaks_french(french, qtbot, tmp_path):
    dialog = QFileDialog(None, "Importer un document", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    texts = {button.text().replace("&", "") for button in
             dialog.findChild(QDialogButtonBox).buttons()}
    assert "Annuler" in texts and "Cancel" not in texts


def test_file_dialogs_open_in_the_export_folder_then_in_the_last_folder_used(
        unlocked, qtbot, tmp_path):
    exports, scans = tmp_path / "exports", tmp_path / "scans"
    exports.mkdir()
    scans.mkdir()
    (scans / "echographie.pdf").write_bytes(demo_pdf("Échographie"))
    unlocked.ctx.settings.change({"export_folder": str(exports)})
    unlocked.lock()
    unlocked.unlock("demo", "demo")
    open_emilie(unlocked, qtbot)
    unlocked.record.tabs.setCurrentWidget(unlocked.record.documents)
    folders = []

    def pick_the_scan(dialog):
        folders.append(dialog.directory().absolutePath())
        # typed, as selectFile leaves alone a file name field that has the keyboard
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(scans / "echographie.pdf"))
        dialog.accept()

    def describe(dialog):
        dialog.buttons.button(Buttons.Save).click()

    def look_and_cancel(dialog):
        folders.append(dialog.directory().absolutePath())
        dialog.reject()

    answer_dialogs(pick_the_scan, describe, look_and_cancel)
    shortcut(qtbot, unlocked, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    shortcut(qtbot, unlocked, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert folders == [str(exports), str(scans)]
    assert unlocked.record.documents.list.list.count() == 1


def journal_rows(window, qtbot):
    rows = []

    def read(dialog):
        table = dialog.findChild(QTableWidget)
        headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        rows.extend({h: table.item(r, c).text() for c, h in enumerate(headers)}
                    for r in range(table.rowCount()))
        dialog.reject()

    answer_dialogs(read)
    shortcut(qtbot, window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    return rows


def test_the_journal_names_settings_and_reads_of_versions_in_words(unlocked, qtbot):
    unlocked.ctx.settings.change({"physician_name": "Dr Claire Martin", "phone": "01 23 45 67 89"})
    open_emilie(unlocked, qtbot)
    unlocked.record.tabs.setCurrentWidget(unlocked.record.prescriptions)
    answer_dialogs(lambda box: box.accept())
    unlocked.record.show_versions(unlocked.record.prescriptions)
    rows = journal_rows(unlocked, qtbot)
    details = [row["Détail"] for row in rows]
    assert "paramètres modifiés : Téléphone du cabinet, Nom du médecin" in details
    versions = [row for row in rows if row["Action"] == "Lecture"
                and row["Objet"].startswith("Entrée n°")]
    assert [row["Détail"] for row in versions] == ["historique des versions"]
    created = {row["Détail"].split(",")[0] for row in rows if row["Action"] == "Création"}
    assert {"ordonnance", "antécédent"} & created == {"ordonnance"}  # its digest follows
