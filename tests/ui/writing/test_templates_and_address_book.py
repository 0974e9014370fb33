"""The templates' editor and the address book, driven by keyboard in the real window."""

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from cabinet.domain.correspondents import Correspondent
from cabinet.domain.record import EntryKind
from helpers.certificates import card_certificate
from helpers.dialog_keys import (
    ALT,
    ANIMATED_CLICK_MS,
    at_keyboard,
    open_emilie,
    press,
    save_with_alt_e,
    type_here,
)
from helpers.qt import answer_dialogs


def alt(qtbot, dialog, key):
    press(qtbot, dialog, key, ALT)
    qtbot.wait(ANIMATED_CLICK_MS)


def test_a_field_is_inserted_from_the_list_saved_then_the_original_restored(unlocked, qtbot):
    ctx, seen = unlocked.ctx, {}

    def edit(dialog):
        dialog.text.setFocus()
        dialog.text.moveCursor(dialog.text.textCursor().MoveOperation.End)
        type_here(qtbot, dialog, " Age : ")
        alt(qtbot, dialog, Qt.Key.Key_H)  # « Champs à insérer »
        row = next(i for i in range(dialog.fields.count())
                   if dialog.fields.item(i).data(Qt.ItemDataRole.UserRole) == "patient.age")
        dialog.fields.setCurrentRow(row)
        press(qtbot, dialog, Qt.Key.Key_Return)
        seen["back"] = dialog.focusWidget() is dialog.text
        save_with_alt_e(qtbot, dialog)
        seen["saved"] = dialog.error.text()
        seen["listed"] = dialog.list.item(0).text()
        type_here(qtbot, dialog, " {{patient.poids}}")
        save_with_alt_e(qtbot, dialog)
        seen["refused"] = dialog.error.text()
        alt(qtbot, dialog, Qt.Key.Key_R)  # « Rétablir le modèle d'origine »
        seen["restored"] = dialog.text.toPlainText()

    answer_dialogs(at_keyboard(qtbot, edit))
    unlocked.show_templates()
    assert seen["back"] and seen["saved"] == "Modèle enregistré."
    assert seen["listed"].endswith("(modifié)")
    assert seen["refused"].startswith("Champ inconnu dans le modèle : {{patient.poids}}")
    assert "Age" not in seen["restored"] and "{{patient.ne_le}}" in seen["restored"]
    assert not any(t.edited for t in ctx.templates.templates())


def test_unsaved_changes_to_a_template_are_let_go_only_once_confirmed(unlocked, qtbot):
    seen = {}

    def answer(button):
        def press_it(box):
            box.button(button).click()
        return press_it

    def back_to(dialog):  # a desktop's window manager does it once the question is closed
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)

    def edit(dialog):
        dialog.text.setFocus()
        type_here(qtbot, dialog, "Brouillon ")
        alt(qtbot, dialog, Qt.Key.Key_M)  # the list of templates
        press(qtbot, dialog, Qt.Key.Key_Down)  # another template: asked first, « Non »
        back_to(dialog)
        seen["kept"] = (dialog.list.currentRow(), dialog.text.toPlainText()[:10])
        press(qtbot, dialog, Qt.Key.Key_Escape)  # close: asked, « Oui »
        seen["closed"] = not dialog.isVisible()

    answer_dialogs(at_keyboard(qtbot, edit), answer(QMessageBox.StandardButton.No),
                   answer(QMessageBox.StandardButton.Yes))
    unlocked.show_templates()
    assert seen == {"kept": (0, "Brouillon "), "closed": True}
    assert not any(t.edited for t in unlocked.ctx.templates.templates())


def test_a_correspondent_is_added_and_named_the_patients_treating_physician(unlocked, qtbot):
    open_emilie(unlocked, qtbot)
    ctx, patient, seen = unlocked.ctx, unlocked.record.patient_id, {}

    def add(dialog):
        alt(qtbot, dialog, Qt.Key.Key_V)  # « Nouveau »
        type_here(qtbot, dialog, "Dr Anne Roux")
        alt(qtbot, dialog, Qt.Key.Key_R)  # N° RPPS
        type_here(qtbot, dialog, "10101010106")  # a wrong key
        save_with_alt_e(qtbot, dialog)
        seen["refused"] = dialog.error.text()
        dialog.edits["rpps"].setText("10101010105")
        save_with_alt_e(qtbot, dialog)
        alt(qtbot, dialog, Qt.Key.Key_T)  # « Médecin traitant »
        seen["linked"] = [dialog.linked.item(i).text() for i in range(dialog.linked.count())]

    answer_dialogs(at_keyboard(qtbot, add))
    unlocked.show_address_book()
    assert "clé valide" in seen["refused"]
    assert seen["linked"] == ["Dr Anne Roux (médecin traitant)"]
    [(person, role)] = ctx.correspondents.of_patient(patient)
    assert (person.name, person.rpps, role) == ("Dr Anne Roux", "10101010105", "treating")


def test_a_transmission_takes_its_recipient_and_certificate_from_the_book(unlocked, qtbot,
                                                                         tmp_path):
    ctx, seen = unlocked.ctx, {}
    ctx.settings.change({"export_folder": str(tmp_path)})
    key, certificate = card_certificate("Paul Durand", "10101010105")
    ctx.correspondents.save(Correspondent("Dr Paul Durand", "Pneumologie",
                                          certificate=certificate))
    open_emilie(unlocked, qtbot)

    def transmit(dialog):
        alt(qtbot, dialog, Qt.Key.Key_R)  # « Choisir dans le carnet »
        press(qtbot, dialog, Qt.Key.Key_Down)
        seen["recipient"] = dialog.recipient.text()
        seen["certificate"] = dialog.certificate_name.text()
        dialog.parts[EntryKind.ENCOUNTER].setChecked(True)
        dialog.consent.setPlainText("Demande orale de la patiente")
        save_with_alt_s(qtbot, dialog)

    answer_dialogs(at_keyboard(qtbot, transmit), lambda box: box.accept())
    next(a for a in unlocked.record.exports.menu.actions()
         if "Transmettre" in a.text()).trigger()
    assert seen == {"recipient": "Dr Paul Durand",
                    "certificate": "certificat de Dr Paul Durand : archive chiffrée pour le "
                                   "destinataire"}
    [sealed] = list(tmp_path.glob("transmission-*.zip.p7m"))
    opened = pkcs7.pkcs7_decrypt_der(sealed.read_bytes(),
                                     x509.load_der_x509_certificate(certificate), key, [])
    assert opened.startswith(b"PK")


def save_with_alt_s(qtbot, dialog):
    """Alt+S (« Signer et enregistrer »)."""
    press(qtbot, dialog, Qt.Key.Key_S, ALT)
    qtbot.wait(ANIMATED_CLICK_MS)


def test_the_directory_is_imported_from_the_book_or_refused_line_by_line(unlocked, qtbot,
                                                                        tmp_path, monkeypatch):
    header = "Identifiant PP|Nom d'exercice|Prénom d'exercice|Libellé savoir-faire"
    good, bad = tmp_path / "annuaire.csv", tmp_path / "annuaire-faux.csv"
    good.write_text(f"{header}\n10101010105|DURAND|Paul|Pneumologie\n", encoding="utf-8")
    bad.write_text(f"{header}\n10101010105|DURAND|Paul|Pneumologie\n123|ROUX|Anne|\n",
                   encoding="utf-8")
    chosen, seen = [bad, good], []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_args, **_kw: (str(chosen.pop(0)), ""))

    def import_twice(dialog):
        for _ in range(2):
            alt(qtbot, dialog, Qt.Key.Key_U)  # « Importer l'Annuaire Santé… »
            qtbot.waitUntil(lambda: dialog.error.text() != (seen[-1] if seen else ""),
                            timeout=5000)
            seen.append(dialog.error.text())
            seen.append([dialog.list.item(i).text() for i in range(dialog.list.count())])

    answer_dialogs(at_keyboard(qtbot, import_twice))
    unlocked.show_address_book()
    assert seen[0].startswith("Import refusé, rien n'a été enregistré :\nligne 3 : Le numéro "
                              "RPPS doit compter 11 chiffres")
    assert seen[1] == []
    assert seen[2] == "Annuaire Santé importé : 1 correspondant(s) ajouté(s), 0 mis à jour."
    assert seen[3] == ["Paul DURAND — Pneumologie"]
