"""The « Conformité » menu: the notice written where the physician chooses, the breach register
refusing a breach without a date in French and writing it once dated (GDPR-1, RIGHTS-1)."""

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from cabinet.ui.compliance import files
from helpers.pdf_checks import pdf_text
from helpers.qt import answer_dialogs

BREACH = {"nature": "Clé USB perdue", "data": "Courriers", "people": "3 patients",
          "consequences": "Faibles : clé chiffrée", "measures": "Clé révoquée",
          "why_not": "Clé chiffrée : aucun risque"}


def _menu(window):
    return window.menus.by_title["Confor&mité"]


def _action(window, text):
    return next(a for a in _menu(window).actions() if a.text() == text)


def _ok(box):
    box.button(QMessageBox.StandardButton.Ok).click()


def test_the_notice_is_written_as_pdf_and_html_in_the_folder_chosen(unlocked, monkeypatch,
                                                                    tmp_path):
    monkeypatch.setattr(files, "folder_to_use", lambda parent, title: tmp_path)
    told: list[str] = []
    answer_dialogs(lambda box: (told.append(box.text()), _ok(box)))
    _action(unlocked, "&Affiche d'information des patients…").trigger()
    assert "information-patients.pdf, information-patients.html" in told[0]
    assert "Vos droits" in pdf_text(tmp_path / "information-patients.pdf")


def test_a_breach_without_a_date_is_refused_then_written_once_dated(unlocked):
    seen: dict[str, object] = {}

    def fill(dialog):
        for key, text in BREACH.items():
            field = dialog.fields[key]
            (field.setPlainText if hasattr(field, "setPlainText") else field.setText)(text)
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.click()
        seen["refused"] = dialog.error.text()
        dialog.fields["occurred_on"].setText("30/10/2026")
        save.click()

    def register(dialog):
        answer_dialogs(fill)
        dialog.add()
        seen["rows"] = dialog.table.rowCount()
        seen["nature"] = dialog.table.item(0, 2).text()
        dialog.reject()

    answer_dialogs(register)
    _action(unlocked, "Registre des &violations de données…").trigger()
    assert "Indiquez la date de la violation" in str(seen["refused"])
    assert "Rien n'a été inscrit au registre" in str(seen["refused"])
    assert (seen["rows"], seen["nature"]) == (1, "Clé USB perdue")
    assert list(unlocked.ctx.compliance.breaches()) == [1]
