"""Break-glass from the desktop, and its review at the titular physician's next unlock."""

from PySide6.QtWidgets import QInputDialog, QMessageBox

from cabinet.bootstrap import VaultDoor, build_context
from cabinet.domain.audit import AccessMode
from cabinet.ui.main_window import MainWindow
from cabinet.vault.session import unlock_with_card
from helpers.certificates import signer
from helpers.practice import practice_with_substitute
from helpers.qt import answer_dialogs


def test_break_glass_then_review(qtbot, vault_dir, clock):
    practice = practice_with_substitute(vault_dir, clock)
    key, certificate = practice.substitute_key, practice.substitute_certificate
    recovery_key, patient = practice.recovery_key, practice.objecting

    window = MainWindow(VaultDoor(vault_dir, clock))
    qtbot.addWidget(window)
    window.ctx = build_context(unlock_with_card(vault_dir, certificate, signer(key), clock,
                                                "poste"), clock)
    window._show_unlocked()  # what a card unlock does, without a reader in this test

    def refuse(dialog):
        assert isinstance(dialog, QInputDialog) and "opposé" in dialog.labelText()
        dialog.reject()

    answer_dialogs(refuse)
    window.record.open_patient(patient)
    assert window.record.patient_id is None

    def give_reason(dialog):
        dialog.setTextValue("Malaise au cabinet, patiente inconsciente")
        dialog.accept()

    answer_dialogs(give_reason)
    window.record.open_patient(patient)
    assert window.record.patient_id == patient
    assert "BRIS DE GLACE" in window.who.text()
    window.lock()

    reviewed = []

    def review(box):
        reviewed.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    renewed = []

    def note_new_key(box):
        renewed.append(box.text())
        box.accept()

    def declare(dialog):
        assert isinstance(dialog, QInputDialog) and "Qui utilise" in dialog.labelText()
        dialog.setTextValue("M. Durand, conseil départemental de l'Ordre")
        dialog.accept()

    answer_dialogs(declare, note_new_key, review)
    window.unlock(AccessMode.RECOVERY.value, recovery_key)
    assert "Nouvelle" in renewed[0] or "remplacée" in renewed[0]
    new_key = renewed[0].split("\n\n")[1]
    assert new_key != recovery_key and len(new_key.split("-")) == 10
    assert "LEROY Marc" in reviewed[0] and "inconsciente" in reviewed[0]
    details = [e["detail"] for e in window.ctx.vault.store.audit_rows(None, 10)]
    assert any("utilisée par : M. Durand, conseil" in d for d in details)
    assert window.ctx.journal.break_glass_to_review() == []


def test_the_new_recovery_key_can_be_saved_as_a_sheet_to_print(qtbot, tmp_path, clock,
                                                                monkeypatch):
    """The sheet's PDF/A, made slow here, is laid out and written off the GUI thread (the
    window keeps turning), then handed to the desktop's viewer to print."""
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    from cabinet.documents import recovery_sheet
    from helpers import pdf_checks
    from helpers.slow import FROZEN_MS, Heartbeat, slowed

    practice = practice_with_substitute(tmp_path / "coffre", clock)
    window = MainWindow(VaultDoor(tmp_path / "coffre", clock))
    qtbot.addWidget(window)
    sheet = tmp_path / "feuille.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(sheet), ""))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    shown = []

    def declare(dialog):
        dialog.setTextValue("Dr Jeanne Martin")
        dialog.accept()

    def save_sheet(box):
        shown.append(box.text())
        next(b for b in box.buttons() if "feuille" in b.text()).click()

    answer_dialogs(declare, save_sheet)
    slowed(monkeypatch, recovery_sheet, "recovery_sheet")
    with Heartbeat() as heart:
        window.unlock(AccessMode.RECOVERY.value, practice.recovery_key)
    assert heart.latest_ms < FROZEN_MS
    new_key = shown[0].split("\n\n")[1]
    printed = " ".join(pdf_checks.pdf_text(sheet).split())
    assert " ".join(new_key.split("-")[:5]) in printed
    assert opened and opened[0].toLocalFile() == str(sheet)
