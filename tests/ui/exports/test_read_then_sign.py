"""A certificate or a letter is read as it will be signed, then signed; driven by keyboard.

The real main window over a demo vault (the demo certificate signs, no PIN); the written
PDF is read back with poppler's pdftotext.
"""


import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from cabinet.documents.verification import verify_pdf
from cabinet.domain.record import EntryKind
from cabinet.ui.common.worker import ProgressDialog
from cabinet.ui.exports import record_exports
from helpers import pdf_checks
from helpers.qt import answer_dialogs

OPENING = ("Dr Jeanne Martin certifie avoir examiné ce jour LEFÈVRE Émilie, née le "
           "12/03/1961.")


@pytest.fixture
def exports(tmp_path, unlocked, qtbot):
    folder = tmp_path / "exports"
    folder.mkdir()
    unlocked.ctx.settings.change({"export_folder": str(folder)})
    qtbot.keyClicks(unlocked.search.field, "emi")
    qtbot.keyClick(unlocked.search.field, Qt.Key.Key_Return)
    assert unlocked.record.patient_id is not None
    return folder


def menu_action(window, text):
    return next(a for a in window.record.exports.menu.actions()
                if text in a.text().replace("&", ""))


def wait_for(condition, timeout_ms=5000):
    for _ in range(timeout_ms // 10):
        if condition():
            return
        QTest.qWait(10)
    raise AssertionError("waited in vain")


def focused(dialog):
    """The widget with the keyboard once `dialog` is the active window (after a job's
    progress, too): typing anywhere else would be lost."""
    if QApplication.activeWindow() is None:  # a job's progress closed: a desktop's window
        dialog.activateWindow()  # manager gives the keyboard back (the offscreen one does not)
    wait_for(lambda: QApplication.activeWindow() is dialog, 2000)
    widget = QApplication.focusWidget()
    assert widget is not None and dialog.isAncestorOf(widget), "nothing has the focus"
    return widget


def alt(dialog, key):
    """Alt+key: the button animates its click; wait until the dialog shows a result (pages,
    an error, or it closed)."""
    pages, error = len(dialog.preview.pages), dialog.error.text()
    QTest.keyClick(focused(dialog), key, Qt.KeyboardModifier.AltModifier)
    wait_for(lambda: not dialog.isVisible() or len(dialog.preview.pages) != pages
             or dialog.error.text() != error)


def type_here(dialog, text):
    """Type ASCII `text` into whatever has the focus, as a physician does."""
    QTest.keyClicks(focused(dialog), text)


def flat(path):
    return " ".join(pdf_checks.pdf_text(path).split())


def closing_on_failure(answer):
    """Run `answer`; close the dialog if it is still open (a failed check must not hang)."""
    def run(dialog):
        try:
            answer(dialog)
        finally:
            if dialog.isVisible():
                dialog.done(0)
    return run


def run_dialog(window, menu_text, first, *then):
    """Open the dialog from the record's menu; `first` handles it, `then` what follows."""
    answered = answer_dialogs(closing_on_failure(first), *then, ignore=(ProgressDialog,))
    menu_action(window, menu_text).trigger()
    return answered


def close_message(seen):
    def answer(box):
        seen.append(box.text())
        box.accept()
    return answer


def test_the_certificate_opens_typing_into_its_formula(unlocked, exports):
    seen = {}

    def look(dialog):
        seen["focus"] = focused(dialog) is dialog.statement
        seen["defaults"] = [b.text() for b in dialog.findChildren(QPushButton)
                            if b.isDefault() or b.autoDefault()]
        type_here(dialog, "Apte a la pratique du tennis.")
        seen["text"] = dialog.statement.toPlainText()
        dialog.reject()

    run_dialog(unlocked, "Nouveau certificat", look)
    assert seen["focus"] and seen["defaults"] == []
    opening, typed, closing = [p for p in seen["text"].split("\n") if p]
    assert opening == OPENING  # the civility is not set: no « soussigné(e) »
    assert typed == "Apte a la pratique du tennis."
    assert closing.startswith("Certificat établi à la demande de l'intéressée et remis")
    assert list(exports.iterdir()) == []


def test_the_certificate_is_shown_then_signed_with_its_formula_once(unlocked, exports):
    seen, results = {}, []

    def write_read_sign(dialog):
        type_here(dialog, "Apte a la pratique du tennis.")
        alt(dialog, Qt.Key.Key_A)  # « Aperçu »
        seen["pages"] = len(dialog.preview.pages)
        seen["written_at_preview"] = list(exports.iterdir())
        seen["focus_after_preview"] = focused(dialog) is dialog.preview
        alt(dialog, Qt.Key.Key_S)  # « Signer et enregistrer »

    run_dialog(unlocked, "Nouveau certificat", write_read_sign, close_message(results))
    assert seen["pages"] == 1 and seen["written_at_preview"] == []
    assert seen["focus_after_preview"]
    [written] = list(exports.glob("certificat-*.pdf"))
    assert str(written) in results[0]
    assert verify_pdf(written.read_bytes()).intact
    text = flat(written)
    assert text.count(OPENING) == 1
    assert text.count("Certificat établi à la demande") == 1
    assert "Apte a la pratique du tennis." in text and "(e)" not in text
    documents = unlocked.ctx.records.open_record(unlocked.record.patient_id).of_kind(
        EntryKind.DOCUMENT)
    assert len(documents) == 1  # kept in the record


def test_signing_unread_text_shows_it_first_and_writes_nothing(unlocked, exports):
    seen = {}

    def sign_at_once(dialog):
        type_here(dialog, "Apte.")
        alt(dialog, Qt.Key.Key_S)
        seen["error"] = dialog.error.text()
        seen["pages"] = len(dialog.preview.pages)
        seen["open"] = dialog.isVisible()
        QTest.keyClick(focused(dialog), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
        seen["back_in_text"] = focused(dialog) is dialog.statement
        type_here(dialog, " En bonne sante.")  # a change after reading: to be read again
        seen["pages_after_change"] = len(dialog.preview.pages)
        seen["error_after_change"] = dialog.error.text()
        dialog.reject()

    run_dialog(unlocked, "Nouveau certificat", sign_at_once)
    assert seen["error"].startswith("Relisez le document tel qu'il sera signé")
    assert seen["pages"] == 1 and seen["open"] and seen["back_in_text"]
    assert seen["pages_after_change"] == 0 and seen["error_after_change"] == ""
    assert list(exports.iterdir()) == []


def test_the_empty_text_error_goes_once_typing_resumes(unlocked, exports):
    seen = {}

    def empty_then_type(dialog):
        dialog.statement.selectAll()
        QTest.keyClick(dialog.statement, Qt.Key.Key_Delete)
        alt(dialog, Qt.Key.Key_S)
        seen["refused"] = dialog.error.text()
        type_here(dialog, "A")
        seen["after"] = dialog.error.text()
        dialog.statement.setPlainText(dialog.formula.text())
        alt(dialog, Qt.Key.Key_A)
        seen["formula_only"] = dialog.error.text()
        dialog.reject()

    run_dialog(unlocked, "Nouveau certificat", empty_then_type)
    assert seen == {"refused": "Le texte du certificat est vide.", "after": "",
                    "formula_only": "Écrivez ce que vous certifiez entre les deux formules."}
    assert list(exports.iterdir()) == []


def test_a_letter_is_shown_then_signed_with_its_greeting_once(unlocked, exports):
    seen, results = {}, []

    def write(dialog):
        seen["focus"] = focused(dialog) is dialog.recipient
        type_here(dialog, "Dr Paul Durand, cardiologue")
        dialog.message.setFocus()
        type_here(dialog, "Je vous adresse Mme Lefevre pour avis.")
        alt(dialog, Qt.Key.Key_A)
        seen["pages"] = len(dialog.preview.pages)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    run_dialog(unlocked, "Nouveau courrier", write, close_message(results))
    assert seen == {"focus": True, "pages": 1}
    [written] = list(exports.glob("courrier-*.pdf"))
    text = flat(written)
    assert text.count("Cher confrère, chère consœur,") == 1
    assert text.count("sentiments confraternels") == 1
    assert "Objet : LEFÈVRE Émilie, née le 12/03/1961" in text


def test_without_the_prescriber_the_certificate_says_what_to_set(unlocked, exports,
                                                                  monkeypatch):
    unlocked.ctx.settings.change({"rpps": ""})
    messages = []
    monkeypatch.setattr(record_exports, "show_known_error",
                        lambda _parent, error: messages.append(error.message))
    menu_action(unlocked, "Nouveau certificat").trigger()
    assert len(messages) == 1
    assert "indiquez votre numéro RPPS dans Fichier › Paramètres du cabinet" in messages[0]
    assert QApplication.activeModalWidget() is None
    assert list(exports.iterdir()) == []


def test_a_printed_ordonnance_without_the_prescriber_is_refused(unlocked, exports,
                                                                 monkeypatch):
    unlocked.ctx.settings.change({"physician_name": ""})
    messages = []
    monkeypatch.setattr(record_exports, "show_known_error",
                        lambda _parent, error: messages.append(error.message))
    unlocked.record.exports.print_prescription()
    assert messages and "indiquez votre nom dans Fichier › Paramètres" in messages[0]
    assert list(exports.iterdir()) == []


def test_settings_refuse_a_mistyped_rpps_and_offer_the_civility(unlocked, qtbot):
    seen = {}

    def fill(dialog):
        civility = dialog.fields["physician_sex"]
        seen["choices"] = [civility.itemText(i) for i in range(civility.count())]
        dialog.fields["rpps"].setText("10101010101")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen["refused"] = dialog.error.text()
        dialog.fields["rpps"].setText("10101010105")
        civility.setCurrentIndex(civility.findData("F"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    answer_dialogs(closing_on_failure(fill))
    unlocked.show_settings()
    assert "clé de contrôle" in seen["refused"]
    assert seen["choices"] == ["non précisée : « Dr … certifie »", "Madame : « Je soussignée »",
                               "Monsieur : « Je soussigné »"]
    current = unlocked.ctx.settings.current()
    assert (current["rpps"], current["physician_sex"]) == ("10101010105", "F")
