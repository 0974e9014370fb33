"""From the record: « Effacer à la demande du patient… » on an entry, and « Droits… » with
the information given, the consents and the erasures (RIGHTS-1, RIGHTS-3)."""

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton

from cabinet.domain.record import EntryKind
from helpers.dialog_keys import open_emilie
from helpers.qt import answer_dialogs

REQUEST = {"doc_type": "scan", "title": "Demande d'effacement", "date": "2026-11-01",
           "filename": "demande.pdf", "media_type": "application/pdf"}


def _erase_action(entry_list):
    return next(a for a in entry_list.list.actions()
                if a.text() == "Effacer à la demande du patient…")


def _rights_shown(record):
    """What « Droits… » shows, read as the physician would, then closed."""
    shown: list[str] = []
    answer_dialogs(lambda rights: (shown.append(rights.view.toPlainText()), rights.reject()))
    record.show_rights()
    return shown[0]


def _confirm(reason="Demande écrite du patient", word="EFFACER"):
    def answer(dialog):
        dialog.reason.setText(reason)
        dialog.confirmation.setText(word)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    return answer


def test_an_entry_is_erased_with_the_scanned_request_and_the_backups_are_explained(unlocked,
                                                                                  qtbot):
    open_emilie(unlocked, qtbot)
    record = unlocked.record
    request = unlocked.ctx.records.add_document(record.patient_id, REQUEST, b"%PDF-1.4 demande")
    record.reload()
    record.tabs.setCurrentWidget(record.encounters)
    lineage = record.encounters.current().lineage
    told: list[str] = []
    answer_dialogs(_confirm(), lambda box: (told.append(box.text()),
                                            box.button(QMessageBox.StandardButton.Ok).click()))
    _erase_action(record.encounters).trigger()
    assert record.encounters.current() is None
    assert "détruite dans le coffre" in told[0] and "sauvegardes" in told[0]
    assert unlocked.ctx.vault.store.entry_versions(lineage) == []
    shown = _rights_shown(record)
    assert f"entrée n° {lineage} (consultation)" in shown
    assert f"à la demande écrite du patient (document n° {request})" in shown
    assert "Toux fébrile" not in shown


def test_without_a_scanned_request_the_dialog_says_so_and_nothing_is_erased(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    record = unlocked.record
    record.tabs.setCurrentWidget(record.encounters)
    said: list[str] = []

    def refused(dialog):
        _confirm()(dialog)
        said.append(dialog.error.text())
        dialog.reject()

    answer_dialogs(refused)
    _erase_action(record.encounters).trigger()
    assert "demande écrite du patient, numérisée" in said[0]
    assert record.encounters.current() is not None


def test_rights_record_the_information_given_beside_the_consents(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    record = unlocked.record
    unlocked.ctx.records.add_entry(record.patient_id, EntryKind.CONSENT, {
        "topic": "replacement_access", "choice": "agrees", "date": "2026-10-01"})
    assert "Aucune information enregistrée" in _rights_shown(record)

    def in_hand(dialog):
        dialog.means.setCurrentIndex(dialog.means.findData("in_hand"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    def inform(rights):
        answer_dialogs(in_hand)
        rights.inform.click()
        shown.append(rights.view.toPlainText())
        rights.reject()

    shown: list[str] = []
    answer_dialogs(inform)
    next(b for b in record.summary.findChildren(QPushButton) if b.text() == "Droits…").click()
    shown = shown[0]
    assert "remise en main propre (noté par Dr Jeanne Martin)" in shown
    assert "Le patient y consent : consultation du dossier par le médecin remplaçant" in shown
