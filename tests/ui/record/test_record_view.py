"""Find a patient, read the record, write an encounter and a prescription (issue 4)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QLabel, QMessageBox

from cabinet.demo.generator import demo_pdf
from cabinet.domain.record import EntryKind
from helpers.qt import answer_dialogs
from helpers.slow import FROZEN_MS, Heartbeat, slowed


def save(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def open_emilie(window, qtbot):
    qtbot.keyClicks(window.search.field, "emi")
    assert window.search.results.rowCount() == 1
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)


def test_search_as_you_type_shows_name_birth_date_age_nir(unlocked, qtbot):
    qtbot.keyClicks(unlocked.search.field, "lef")
    row = [unlocked.search.results.item(0, c).text() for c in range(4)]
    assert row[0] == "LEFÈVRE Émilie" and row[1] == "12/03/1961"
    assert row[2].endswith("ans") and row[3].startswith("2610375")
    unlocked.search.field.clear()
    qtbot.keyClicks(unlocked.search.field, "02/01/1950")
    assert unlocked.search.results.item(0, 0).text() == "DURAND Paul"


def test_the_record_header_shows_allergies_and_treatments(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    header = unlocked.record.header.text()
    assert "LEFÈVRE Émilie" in header
    assert "ALLERGIES : Pénicilline" in header and "#b00020" in header
    assert "Ramipril" in header
    assert unlocked.record.encounters.list.item(0).text() == "05/10/2026 — Toux fébrile"
    assert unlocked.search.recent.count() == 1


def test_allergies_not_entered_are_flagged(unlocked, qtbot):
    qtbot.keyClicks(unlocked.search.field, "durand")
    qtbot.keyClick(unlocked.search.field, Qt.Key.Key_Return)
    assert "Allergies non renseignées" in unlocked.record.header.text()


def test_writing_an_encounter_with_vitals_and_bmi(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    seen_bmi = []

    def fill(dialog):
        dialog.reason.setText("Suivi tension")
        dialog.texts["examination"].setPlainText("TA 13/8, auscultation normale")
        dialog.vitals["weight"].setText("72,5")
        dialog.vitals["height"].setText("170")
        seen_bmi.append(dialog.bmi.text())
        save(dialog)

    shown = answer_dialogs(fill)
    qtbot.keyClick(unlocked, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(shown) == 1
    assert seen_bmi == ["IMC : 25,1 kg/m²"]
    first = unlocked.record.encounters.list.item(0).text()
    assert "Suivi tension" in first
    assert "Poids 72,5 kg" in unlocked.record.encounters.detail.toPlainText()


def test_a_refused_encounter_keeps_the_dialog_open_with_a_french_message(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    messages = []

    def fill(dialog):
        dialog.reason.setText("Chute")
        dialog.vitals["temperature"].setText("52")
        save(dialog)
        messages.append(dialog.error.text())
        assert dialog.isVisible()
        dialog.reject()

    def abandon(box):
        box.button(QMessageBox.StandardButton.Yes).click()

    answer_dialogs(fill, abandon)
    unlocked.record.new_encounter()
    assert "Température" in messages[0] and "hors des valeurs possibles" in messages[0]
    assert unlocked.record.encounters.list.count() == 1


def test_writing_and_renewing_a_prescription(unlocked, qtbot):
    """Émilie's old free-text amoxicillin meets her recorded penicillin allergy at the renewal:
    refused as free text, in French; without it, the renewal is saved."""
    open_emilie(unlocked, qtbot)
    seen = {}

    def renew(dialog):
        assert dialog.table.item(0, 0).text() == "Amoxicilline 1 g"
        dialog.add_line({"drug": "Paracétamol 1 g", "dosage": "1 cp si douleur",
                         "duration": "5 jours", "ald": True})
        save(dialog)
        seen["refused"] = dialog.error.text()
        dialog.table.setCurrentCell(0, 0)
        dialog.remove_line()
        save(dialog)

    unlocked.record.tabs.setCurrentWidget(unlocked.record.prescriptions)
    answer_dialogs(renew)
    qtbot.keyClick(unlocked, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert seen["refused"].startswith("Ligne 1 : « Amoxicilline 1 g » rencontre une allergie "
                                      "notée (Allergie notée : Pénicilline — Urticaire")
    prescriptions = unlocked.ctx.records.open_record(unlocked.record.patient_id).of_kind(
        EntryKind.PRESCRIPTION)
    assert len(prescriptions) == 2
    assert [line["drug"] for line in prescriptions[0].payload["lines"]] == ["Paracétamol 1 g"]
    assert "affection de longue durée" in unlocked.record.prescriptions.detail.toPlainText()


def give_reason(dialog):
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue("erreur de côté")
    dialog.accept()


def test_correcting_an_entry_keeps_its_history(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    unlocked.record.tabs.setCurrentWidget(unlocked.record.encounters)

    def correct(dialog):
        dialog.texts["examination"].setPlainText("Crépitants base gauche")
        save(dialog)

    shown = answer_dialogs(correct, give_reason)
    unlocked.record.correct_selected(unlocked.record.encounters)
    assert len(shown) == 2
    entry = unlocked.record.encounters.current()
    assert entry.version == 2 and entry.payload["examination"] == "Crépitants base gauche"
    assert "motif : erreur de côté" in unlocked.record.encounters.detail.toPlainText()
    versions = unlocked.ctx.records.entry_history(entry.lineage)
    assert versions[0].payload["examination"] == "Crépitants base droite"


def test_importing_a_document_and_viewing_it_in_the_app(unlocked, qtbot, tmp_path):
    open_emilie(unlocked, qtbot)
    pdf = tmp_path / "compte-rendu.pdf"
    pdf.write_bytes(demo_pdf("Compte rendu d'échographie"))

    def describe(dialog):
        dialog.origin.setText("Imagerie du Parc")
        save(dialog)

    unlocked.record.tabs.setCurrentWidget(unlocked.record.documents)
    answer_dialogs(describe)
    unlocked.record.documents.import_file(pdf)
    documents = unlocked.record.documents
    assert documents.list.list.item(0).text().endswith("compte-rendu")
    assert len(documents.viewer.pages) == 1
    assert not documents.viewer.pages[0].pixmap().isNull()


def test_a_file_that_is_not_a_document_is_stored_but_explained(unlocked, qtbot, tmp_path):
    open_emilie(unlocked, qtbot)
    broken = tmp_path / "scan.pdf"
    broken.write_bytes(b"%PDF-1.7 pas vraiment un PDF")
    unlocked.record.tabs.setCurrentWidget(unlocked.record.documents)
    answer_dialogs(save)
    unlocked.record.documents.import_file(broken)
    viewer = unlocked.record.documents.viewer
    assert viewer.pages == []
    assert "ne peut pas être affiché" in viewer.widget().text()


def test_access_history_tab_lists_who_read_the_record(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    unlocked.record.tabs.setCurrentWidget(unlocked.record.access)
    table = unlocked.record.access
    actions = {table.item(r, 3).text() for r in range(table.rowCount())}
    assert {"Lecture", "Création"} <= actions
    assert table.item(0, 1).text() == "Dr Jeanne Martin"


def test_new_patient_dialog_refuses_a_wrong_nir_in_french(unlocked, qtbot):
    messages = []

    def fill(dialog):
        dialog.fields["birth_name"].setText("Petit")
        dialog.fields["first_names"].setText("Louise")
        dialog.fields["birth_date"].setText("01/02/2003")
        dialog.fields["nir"].setText("2030275123456 00")
        save(dialog)
        messages.append(dialog.error.text())
        dialog.fields["nir"].clear()
        save(dialog)

    answer_dialogs(fill)
    qtbot.keyClick(unlocked, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert "clé du NIR" in messages[0]
    assert unlocked.record.identity.display_name() == "PETIT Louise"


def test_dialogs_say_whose_record_is_written_and_the_title_never_does(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    seen = []

    def look(dialog):
        seen.append((dialog.windowTitle(), dialog.findChild(QLabel, "patientBanner").text()))
        dialog.interrupt()

    answer_dialogs(look)
    unlocked.record.new_prescription()
    title, banner = seen[0]
    assert "LEFÈVRE" in banner and "12/03/1961" in banner
    assert "LEFÈVRE" not in title and "LEFÈVRE" not in unlocked.windowTitle()


def test_access_history_speaks_french(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    unlocked.record.tabs.setCurrentWidget(unlocked.record.access)
    table = unlocked.record.access
    targets = {table.item(r, 4).text() for r in range(table.rowCount())}
    assert "Dossier" in targets and "Identité" in targets
    assert not any(t.startswith(("entry:", "record", "identity")) for t in targets)


def test_the_access_history_is_read_off_the_gui_thread(unlocked, qtbot, monkeypatch):
    open_emilie(unlocked, qtbot)
    slowed(monkeypatch, unlocked.ctx.journal, "access_history")
    with Heartbeat() as beat:
        unlocked.record.tabs.setCurrentWidget(unlocked.record.access)
    assert unlocked.record.access.rowCount() > 0
    assert beat.ticks > 20 and beat.latest_ms < FROZEN_MS


def test_a_document_is_read_and_rendered_off_the_gui_thread(unlocked, qtbot, monkeypatch):
    open_emilie(unlocked, qtbot)
    unlocked.ctx.records.add_document(unlocked.record.patient_id, {
        "doc_type": "result", "title": "Échographie", "date": "2026-10-05",
        "filename": "echo.pdf", "media_type": "application/pdf"}, demo_pdf("Échographie"))
    unlocked.record.reload()
    slowed(monkeypatch, unlocked.ctx.records, "read_document")
    with Heartbeat() as beat:
        unlocked.record.tabs.setCurrentWidget(unlocked.record.documents)
    assert len(unlocked.record.documents.viewer.pages) == 1
    assert beat.ticks > 20 and beat.latest_ms < FROZEN_MS


def test_an_open_record_fits_a_laptop_screen(qtbot, unlocked):
    """Every tab of the record, its buttons in one row, fits beside the search in 1366 px."""
    qtbot.keyClicks(unlocked.search.field, "emi")
    qtbot.keyClick(unlocked.search.field, Qt.Key.Key_Return)
    assert unlocked.record.patient_id is not None
    assert unlocked.minimumSizeHint().width() <= 1366


def test_a_new_encounter_and_an_imported_document_are_dated_by_the_practices_clock(
        unlocked, qtbot, tmp_path, monkeypatch, clock):
    """The practice's clock (here 02/11/2026), not the machine's date, as the journal is."""
    from PySide6.QtWidgets import QFileDialog

    open_emilie(unlocked, qtbot)
    expected = clock.now().astimezone().strftime("%d/%m/%Y")
    dated = []

    def look(dialog):
        dated.append(dialog.date.text())
        dialog.done(0)  # closed unsaved, without the question « Abandonner la saisie ? »

    answer_dialogs(look)
    qtbot.keyClick(unlocked, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    letter = tmp_path / "courrier.pdf"
    letter.write_bytes(demo_pdf("Courrier"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(letter), ""))
    answer_dialogs(look)
    unlocked.record.import_document()
    assert dated == [expected, expected]
