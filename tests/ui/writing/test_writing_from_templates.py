"""A sport certificate and a referral letter written from templates, by keyboard, then signed.

The real main window over a demo vault (the demo certificate signs, no PIN); what is signed is
read back from the written PDF with poppler's pdftotext.
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cabinet.domain.correspondents import Correspondent
from helpers import pdf_checks
from helpers.dialog_keys import ALT, ANIMATED_CLICK_MS, at_keyboard, open_emilie, press, shortcut
from helpers.qt import answer_dialogs

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def exports(tmp_path, unlocked, qtbot):
    folder = tmp_path / "exports"
    folder.mkdir()
    unlocked.ctx.settings.change({"export_folder": str(folder)})
    open_emilie(unlocked, qtbot)
    assert unlocked.record.patient_id is not None
    return folder


def flat(path):
    return " ".join(pdf_checks.pdf_text(path).split())


def alt(qtbot, dialog, key):
    """Alt+key on whatever has the focus; a button animates its click first."""
    press(qtbot, dialog, key, ALT)
    qtbot.wait(ANIMATED_CLICK_MS)


def choose_down(qtbot, dialog, mnemonic, times=1):
    """Go to a list by its label's mnemonic, then down `times` items (each choice fills)."""
    alt(qtbot, dialog, mnemonic)
    for _ in range(times):
        press(qtbot, dialog, Qt.Key.Key_Down)


def preview_then_sign(qtbot, dialog, seen):
    alt(qtbot, dialog, Qt.Key.Key_A)  # « Aperçu »
    qtbot.waitUntil(lambda: dialog.prepared is not None and bool(dialog.preview.pages),
                    timeout=5000)
    seen["previewed"] = " ".join(dialog.prepared.text.split())
    alt(qtbot, dialog, Qt.Key.Key_S)  # « Signer et enregistrer »


def accept(box):
    box.accept()


def signed_text(qtbot, unlocked, exports, key, pattern, write):
    """Open the writing window by Ctrl+Shift+key, let `write` fill it; the signed PDF's text."""
    answer_dialogs(at_keyboard(qtbot, write), accept)
    shortcut(qtbot, unlocked, key, CTRL_SHIFT)
    qtbot.waitUntil(lambda: any(exports.glob(pattern)), timeout=10000)
    [written] = list(exports.glob(pattern))
    return flat(written)


def test_a_sport_certificate_from_its_template_by_keyboard(unlocked, exports, qtbot):
    seen = {}

    def write(dialog):
        choose_down(qtbot, dialog, Qt.Key.Key_M)  # « Modèle » : the sport certificate
        seen["selected"] = dialog.statement.textCursor().selectedText()
        seen["focus"] = QApplication.focusWidget() is dialog.statement
        qtbot.keyClicks(dialog.statement, "football")
        preview_then_sign(qtbot, dialog, seen)

    text = signed_text(qtbot, unlocked, exports, Qt.Key.Key_C,  # « Nouveau certificat… »
                       "certificat-*.pdf", write)
    assert seen["selected"] == "[…]" and seen["focus"]
    assert ("Dr Jeanne Martin certifie avoir examiné ce jour Madame LEFÈVRE Émilie, née le "
            "12/03/1961, et n'avoir constaté") in text
    assert "pratique du sport suivant : football, en loisir et en compétition." in text
    assert "[…]" not in text and "{{" not in text
    assert "pratique du sport suivant : football, en loisir" in seen["previewed"]


def test_a_template_left_incomplete_is_not_previewed(unlocked, exports, qtbot):
    seen = {}

    def leave_it(dialog):
        choose_down(qtbot, dialog, Qt.Key.Key_M, times=2)  # absence scolaire ou crèche
        alt(qtbot, dialog, Qt.Key.Key_A)
        seen["error"] = dialog.error.text()
        seen["pages"] = len(dialog.preview.pages)

    answer_dialogs(at_keyboard(qtbot, leave_it))
    shortcut(qtbot, unlocked, Qt.Key.Key_C, CTRL_SHIFT)
    qtbot.waitUntil(lambda: "error" in seen, timeout=5000)
    assert seen == {"error": "Complétez les passages marqués […] avant de signer.", "pages": 0}
    assert list(exports.iterdir()) == []


def test_a_referral_letter_goes_to_the_treating_physician_from_the_book(unlocked, exports,
                                                                         qtbot):
    ctx, patient = unlocked.ctx, unlocked.record.patient_id
    cardiologist = ctx.correspondents.save(Correspondent(
        "Dr Paul Durand", "Cardiologie", address="12 rue de la Paix\n75002 Paris"))
    ctx.correspondents.save(Correspondent("Dr Anne Roux", "Dermatologie"))
    ctx.correspondents.link(patient, cardiologist, "usual")
    seen = {}

    def write(dialog):
        choose_down(qtbot, dialog, Qt.Key.Key_M)  # « Adressage à un confrère »
        choose_down(qtbot, dialog, Qt.Key.Key_C)  # the carnet: the patient's own first
        seen["recipient"] = dialog.recipient.text()
        seen["focus"] = QApplication.focusWidget() is dialog.message
        qtbot.keyClicks(dialog.message, "un avis cardiologique")
        preview_then_sign(qtbot, dialog, seen)

    text = signed_text(qtbot, unlocked, exports, Qt.Key.Key_L,  # « Nouveau courrier… »
                       "courrier-*.pdf", write)
    assert seen["recipient"] == "Dr Paul Durand" and seen["focus"]
    assert "À l'attention de Dr Paul Durand Cardiologie 12 rue de la Paix 75002 Paris" in text
    assert "Je vous adresse Madame LEFÈVRE Émilie, 65 ans, pour un avis cardiologique." in text
    assert "Allergies : Allergie : Pénicilline (Urticaire)." in text
    assert "Ramipril 5 mg — 1 cp le matin" in text
