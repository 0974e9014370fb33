"""« À classer » and the reception folder, in the real window."""

from PySide6.QtWidgets import QInputDialog

from cabinet.demo.generator import demo_pdf
from cabinet.domain.record import EntryKind
from cabinet.ui.results.pending_window import PendingDialog
from helpers.hprim_files import HprimFile, drop
from helpers.qt import answer_dialogs


def documents(ctx, patient_id):
    return ctx.records.open_record(patient_id).of_kind(EntryKind.DOCUMENT)


def test_the_physician_attaches_a_doubtful_file_to_the_record_found(unlocked, vault, qtbot):
    ctx = unlocked.ctx
    ctx.results.receive("inconnu.hpr", HprimFile(last_name="LEFEBVRE").encoded())
    dialog = PendingDialog(unlocked.context, unlocked)
    qtbot.addWidget(dialog)
    assert dialog.files.rowCount() == 1
    assert dialog.files.item(0, 2).text() == "LEFEBVRE Emilie"
    assert dialog.files.item(0, 4).text().startswith("Aucun dossier ne correspond")
    assert "Prélèvement à jeun." in dialog.report.toPlainText()
    assert dialog.patients.count() == 0  # the laboratory's spelling finds no one
    dialog.search.setText("lefèvre")
    assert dialog.patients.currentItem().text().startswith("LEFÈVRE Émilie")
    with qtbot.waitSignal(dialog.filed):
        dialog.attach_button.click()
    assert dialog.files.rowCount() == 0 and not dialog.attach_button.isEnabled()
    assert len(documents(ctx, vault["emilie"])) == 1
    assert len(ctx.results.values(vault["emilie"])) == 3


def test_a_rejected_file_leaves_the_list(unlocked, qtbot):
    unlocked.ctx.results.receive("autre.pdf", b"%PDF-1.7 someone else's report")
    dialog = PendingDialog(unlocked.context, unlocked)
    qtbot.addWidget(dialog)
    assert dialog.files.item(0, 2).text() == "(PDF)"

    def answer(box):
        assert isinstance(box, QInputDialog)
        box.setTextValue("Patiente d'un autre médecin")
        box.accept()

    answer_dialogs(answer)
    dialog.reject_button.click()
    assert dialog.files.rowCount() == 0 and unlocked.ctx.results.pending() == []


def test_files_dropped_in_the_reception_folder_are_filed_at_unlock(window, vault, qtbot,
                                                                   tmp_path):
    folder = tmp_path / "réception"
    window.unlock("demo", "demo")
    window.ctx.settings.change({"results_folder": str(folder)})
    window.lock()
    path = drop(folder, "labo.hpr", HprimFile(last_name="Lefèvre", first_name="Émilie")
                .encoded("utf-8"))
    drop(folder, "abime.hpr", HprimFile(header_lines=5).encoded())
    window.unlock("demo", "demo")
    qtbot.waitUntil(lambda: not path.exists() and not window.reception.busy)
    assert "1 classé(s) dans les dossiers" in window.statusBar().currentMessage()
    assert "1 refusé(s)" in window.statusBar().currentMessage()
    assert (folder / "refusés" / "abime.hpr").exists()
    assert len(documents(window.ctx, vault["emilie"])) == 1


def test_the_results_menu_items_have_letters_of_their_own(window):
    texts = [a.text() for a in window.menus.by_title["&Fichier"].actions() if a.text()]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    for text in ("Relever les résul&tats", "Résultats à c&lasser…"):
        assert text in texts
        assert letters.count(text[text.index("&") + 1]) == 1, text


def test_a_pending_pdf_report_is_shown_to_choose_its_record(unlocked, qtbot):
    unlocked.ctx.results.receive("compte-rendu.pdf", demo_pdf("Compte rendu de biologie"))
    dialog = PendingDialog(unlocked.context, unlocked)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.viewer.pages) == 1)
    assert dialog.viewer.isVisible() and not dialog.report.isVisible()
