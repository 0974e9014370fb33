"""Signed documents and exports from the desktop: print, certificate, copy register, seizure,
verification, and the card pulled out during an export.

Real services on real vaults: the demo vault signs with the demo certificate, the card tests
sign with the physician's card through pcscd, vpcd and SoftHSM2.
"""

import datetime as dt
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
)

from cabinet.bootstrap import VaultDoor, build_context
from cabinet.card import token
from cabinet.documents.demo_certificate import demo_signer
from cabinet.documents.verification import trust_anchors, verify_pdf
from cabinet.domain.record import EntryKind
from cabinet.domain.rights import legal_dates
from cabinet.errors import KnownError
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.ui.exports import record_exports
from cabinet.ui.main_window import MainWindow
from cabinet.vault.session import create_vault
from helpers.pdf_checks import tamper_inside_signed_range
from helpers.qt import answer_dialogs, card_lock_screen, type_pin
from helpers.slow import FROZEN_MS, Heartbeat, slowed
from helpers.vaults import OWNER, PRESCRIBER, identity, new_context

PRESCRIPTION = {"date": "2026-10-05", "lines": [
    {"drug": "Amoxicilline 1 g", "dosage": "1 cp matin et soir", "duration": "7 jours"}]}


@pytest.fixture
def exports(tmp_path, unlocked):
    folder = tmp_path / "exports"
    folder.mkdir()
    unlocked.ctx.settings.change({"export_folder": str(folder)})
    return folder


@pytest.fixture
def previewed(monkeypatch):
    """The documents handed to the print preview (its own tests print them through CUPS)."""
    lineages = []
    monkeypatch.setattr(record_exports, "print_kept_document",
                        lambda _parent, _ctx, lineage: lineages.append(lineage) or True)
    return lineages


def kept_prescriptions(window):
    """The signed ordonnances the record keeps, each with its bytes."""
    ctx = window.ctx
    record = ctx.records.open_record(window.record.patient_id)
    return [ctx.records.read_document(e.lineage) for e in record.of_kind(EntryKind.DOCUMENT)
            if e.payload["doc_type"] == "prescription"]


def open_emilie(window, qtbot):
    qtbot.keyClicks(window.search.field, "emi")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert window.record.patient_id is not None


def menu_action(window, text):
    return next(a for m in window.menus.by_title.values() for a in m.actions()
                if text in a.text().replace("&", ""))


def close_box(seen):
    def answer(box):
        seen.append(box.text())
        box.accept()
    return answer


# --- the prescription, printed signed ---------------------------------------------------

def test_ctrl_shift_p_keeps_the_signed_ordonnance_in_the_record_then_previews_it(
        unlocked, qtbot, exports, previewed):
    open_emilie(unlocked, qtbot)
    qtbot.keyClick(unlocked, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    [pdf] = kept_prescriptions(unlocked)
    report = verify_pdf(pdf)
    assert report.intact and "DEMO" in report.summary
    [lineage] = previewed
    assert unlocked.ctx.records.read_document(lineage) == pdf
    assert list(exports.iterdir()) == []  # the vault keeps it: nothing written for a viewer
    assert unlocked.record.tabs.currentWidget() is unlocked.record.prescriptions


def test_printing_needs_no_export_folder(unlocked, qtbot, monkeypatch, previewed):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *_: pytest.fail("no folder is asked to print"))
    open_emilie(unlocked, qtbot)
    unlocked.record.exports.print_prescription()
    assert len(previewed) == 1


# --- copy requests ---------------------------------------------------------------------------

def test_the_copy_register_records_a_request_and_shows_its_legal_dates(unlocked, qtbot, exports):
    open_emilie(unlocked, qtbot)
    today = unlocked.ctx.clock.now().astimezone().date()
    shown = {}

    def register(dialog):
        assert "LEFÈVRE Émilie" in dialog.findChild(QLabel, "patientBanner").text()
        dialog.requester.setCurrentIndex(dialog.requester.findData("heir"))
        assert dialog.form.isRowVisible(dialog.purpose)
        dialog.name.setText("Jean Lefèvre")
        dialog.checks["id_presented"].setChecked(True)
        dialog.register()
        shown["refused"] = dialog.error.text()
        dialog.checks["standing_proof"].setChecked(True)
        dialog.purpose.setCurrentIndex(dialog.purpose.findData("causes_of_death"))
        dialog.register()
        shown["row"] = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
        dialog.requester.setCurrentIndex(dialog.requester.findData("patient"))
        shown["purpose_visible"] = dialog.form.isRowVisible(dialog.purpose)
        dialog.reject()

    answer_dialogs(register)
    menu_action(unlocked, "Demandes de copie").trigger()
    assert shown["refused"].startswith("La qualité du demandeur doit être justifiée")
    dates = legal_dates(today, dt.date(2026, 10, 5))
    number, requester, received, earliest, latest, status = shown["row"]
    assert requester == ("Jean Lefèvre — Un ayant droit (patient décédé) "
                         "(connaître les causes de la mort)")
    assert received == today.strftime("%d/%m/%Y")
    assert earliest == dates.earliest.strftime("%d/%m/%Y")
    assert latest == dates.latest.strftime("%d/%m/%Y") == (today + dt.timedelta(days=8)).strftime(
        "%d/%m/%Y")
    assert status == "Délai de réflexion de 48 heures en cours"
    assert shown["purpose_visible"] is False
    [request] = unlocked.ctx.copies.requests(unlocked.record.patient_id)
    assert request.row.request_id == int(number) and not request.delivered


def test_the_copy_is_delivered_signed_with_the_access_history(unlocked, qtbot, exports):
    open_emilie(unlocked, qtbot)
    today = unlocked.ctx.clock.now().astimezone().date()
    shown = {}

    def register_then_deliver(dialog):
        dialog.name.setText("Émilie Lefèvre")
        dialog.checks["id_presented"].setChecked(True)
        received = today - dt.timedelta(days=3)
        dialog.received.setDate(QDate(received.year, received.month, received.day))
        dialog.register()
        assert dialog.table.item(0, 5).text() == "Copie à remettre"
        dialog.with_history.setChecked(True)
        dialog.deliver_selected()
        shown["outcome"] = dialog.outcome.text()
        shown["status"] = dialog.table.item(0, 5).text()
        dialog.deliver_selected()
        shown["again"] = dialog.error.text()
        dialog.reject()

    answer_dialogs(register_then_deliver)
    unlocked.record.exports.copy_requests()
    [folder] = [p for p in exports.iterdir() if p.name.startswith("copie-dossier-")]
    assert shown["outcome"] == f"Copie du dossier enregistrée : {folder}"
    assert shown["status"].startswith("Copie remise le")
    assert shown["again"] == "La copie a déjà été remise pour cette demande."
    for name in ("dossier-medical.pdf", "historique-des-acces.pdf"):
        assert verify_pdf((folder / name).read_bytes()).intact
    assert (folder / "INVENTAIRE.txt").exists()


# --- judicial seizure ------------------------------------------------------------------------

def test_the_seizure_recalls_the_rule_refuses_an_unnamed_decision_then_exports(
        unlocked, qtbot, exports):
    open_emilie(unlocked, qtbot)
    seen, results = {}, []

    def seize(dialog):
        assert "simple réquisition" in dialog.pages.currentWidget().findChild(
            QLabel).text()
        assert not dialog.next.isEnabled() and not dialog.sign.isVisible()
        dialog.confirmed.setChecked(True)
        dialog.next.click()
        assert dialog.sign.isVisible()
        dialog.magistrate.setText("Mme Claire Juge, juge d'instruction")
        dialog.representative.setText("Dr Louis Ordre, conseil départemental")
        dialog.sign.click()
        seen["refused"] = dialog.error.text()
        seen["still_open"] = dialog.isVisible()
        dialog.decision.setText("Ordonnance n° 2026/123")
        dialog.sign.click()

    answer_dialogs(seize, close_box(results))
    menu_action(unlocked, "Saisie judiciaire").trigger()
    assert seen == {"refused": "La référence de la décision est obligatoire.",
                    "still_open": True}
    [folder] = [p for p in exports.iterdir() if p.name.startswith("saisie-judiciaire-")]
    assert str(folder) in results[0]
    assert verify_pdf((folder / "00-proces-verbal.pdf").read_bytes()).intact
    assert (folder / "INVENTAIRE.txt").exists()


def test_a_transmission_needs_a_part_then_records_the_consent(unlocked, qtbot, exports):
    open_emilie(unlocked, qtbot)
    seen, results = [], []

    def transmit(dialog):
        assert EntryKind.PRIVATE_NOTE not in dialog.parts
        dialog.recipient.setText("Dr Paul Durand, pneumologue")
        dialog.consent.setPlainText("Demande orale de la patiente")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen.append(dialog.error.text())
        dialog.parts[EntryKind.ENCOUNTER].setChecked(True)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    answer_dialogs(transmit, close_box(results))
    menu_action(unlocked, "Transmettre").trigger()
    assert seen == ["Choisissez au moins une partie du dossier à transmettre."]
    [archive] = list(exports.glob("transmission-*.zip"))
    assert str(archive) in results[0]
    consents = unlocked.ctx.records.open_record(unlocked.record.patient_id).of_kind(
        EntryKind.CONSENT)
    assert [c.payload["note"] for c in consents] == [
        "Transmission à Dr Paul Durand, pneumologue : Demande orale de la patiente"]


# --- verification ------------------------------------------------------------------------------

def signed_prescription(unlocked, folder):
    record = unlocked.ctx.records.open_record(unlocked.ctx.patients.search("emilie")[0]
                                              .patient_id)
    lineage = record.of_kind(EntryKind.PRESCRIPTION)[0].lineage
    result = unlocked.ctx.exports.prescription(lineage, Output(demo_signer(), folder,
                                                               CancelToken()))
    return Path(result.path)


@pytest.mark.parametrize("tampered", [False, True])
def test_the_verify_dialog_gives_the_verdict_first(unlocked, exports, monkeypatch, tampered):
    pdf = signed_prescription(unlocked, exports)
    if tampered:
        pdf = tamper_inside_signed_range(pdf)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_: (str(pdf), ""))
    seen = {}

    def read(dialog):
        seen["verdict"] = dialog.verdict.text()
        seen["style"] = dialog.verdict.styleSheet()
        seen["details"] = dialog.details.text()
        dialog.reject()

    answer_dialogs(read)
    menu_action(unlocked, "Vérifier un document signé").trigger()
    assert "font-weight: bold" in seen["style"]
    if tampered:
        assert "modifié après signature" in seen["verdict"] and "#b00020" in seen["style"]
    else:
        assert seen["verdict"].startswith("Document intact") and "#1b5e20" in seen["style"]
        assert "DEMO" in seen["details"]


def test_the_window_keeps_turning_while_a_signed_pdf_is_verified(unlocked, exports,
                                                                   monkeypatch):
    """The verification (reading the file, the signature, the chain) made slow: it runs off
    the GUI thread, and its verdict shows once done."""
    from cabinet.documents import verification

    pdf = signed_prescription(unlocked, exports)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_: (str(pdf), ""))
    seen = []

    def read(dialog):
        seen.append(dialog.verdict.text())
        dialog.reject()

    answer_dialogs(read)
    slowed(monkeypatch, verification, "verify_pdf")
    with Heartbeat() as heart:
        menu_action(unlocked, "Vérifier un document signé").trigger()
    assert heart.latest_ms < FROZEN_MS
    assert seen[0].startswith("Document intact")


def test_the_trust_folder_is_used_for_the_verdict(unlocked, exports, tmp_path, monkeypatch):
    from helpers.certificates import card_certificate

    roots = tmp_path / "autorites"
    roots.mkdir()
    (roots / "autre-racine.der").write_bytes(card_certificate("AUTRE Racine", "10909090909")[1])
    unlocked.ctx.settings.change({"trust_folder": str(roots)})
    pdf = signed_prescription(unlocked, exports)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_: (str(pdf), ""))
    seen = {}

    def read(dialog):
        seen["verdict"], seen["details"] = dialog.verdict.text(), dialog.details.text()
        dialog.reject()

    answer_dialogs(read)
    menu_action(unlocked, "Vérifier un document signé").trigger()
    assert "aucune autorité de confiance configurée" in seen["verdict"]
    assert "Chaîne de certification : non reconnue" in seen["details"]


def test_an_unreadable_trust_anchor_is_named(tmp_path):
    (tmp_path / "racine.pem").write_bytes(b"pas un certificat")
    (tmp_path / "lisez-moi.txt").write_text("ignoré")
    with pytest.raises(KnownError, match=r"racine\.pem"):
        trust_anchors(str(tmp_path))
    assert trust_anchors("") == []


# --- the card: signer, PIN, removal ----------------------------------------------------------

def test_without_a_card_a_real_vault_asks_for_it(qtbot, tmp_path, clock, monkeypatch):
    ctx, _ = new_context(tmp_path / "coffre", clock)
    patient = ctx.patients.create(identity())
    ctx.records.add_entry(patient, EntryKind.PRESCRIPTION, PRESCRIPTION)
    ctx.settings.change({"export_folder": str(tmp_path)})
    window = MainWindow(VaultDoor(tmp_path / "coffre", clock))
    qtbot.addWidget(window)
    window.ctx = ctx  # unlocked by the recovery key's creation, without a reader
    messages = []
    monkeypatch.setattr(record_exports, "show_known_error",
                        lambda _parent, error: messages.append(error.message))
    window.record.open_patient(patient)
    window.record.exports.print_prescription()
    assert messages == ["Insérez votre carte CPS pour signer ce document."]
    window.lock()


@pytest.fixture
def card_window(qtbot, tmp_path, clock, physician_card):
    folder = tmp_path / "coffre"
    vault, _ = create_vault(folder, OWNER, clock, "poste")
    physician_card.insert()
    physician_card.enrol_into(vault, clock)
    ctx = build_context(vault, clock)
    patient = ctx.patients.create(identity())
    ctx.records.add_entry(patient, EntryKind.PRESCRIPTION, PRESCRIPTION)
    exports = tmp_path / "exports"
    exports.mkdir()
    ctx.settings.change({**PRESCRIBER, "export_folder": str(exports)})
    ctx.lock()
    window = card_lock_screen(qtbot, folder, clock, physician_card)
    type_pin(qtbot, window, physician_card.pin)
    assert window.ctx is not None
    window.record.open_patient(patient)
    yield window, exports
    window.lock()


def pin_answer(pin, seen):
    def answer(dialog):
        assert isinstance(dialog, QInputDialog)
        seen.append(dialog.labelText())
        dialog.setTextValue(pin)
        dialog.accept()
    return answer


def test_printing_with_the_card_asks_its_pin_and_signs_with_it(card_window, physician_card,
                                                                previewed):
    window, _exports = card_window
    asked = []
    answer_dialogs(pin_answer(physician_card.pin, asked))
    window.record.exports.print_prescription()
    assert asked == ["Code PIN de votre carte CPS pour signer :"]
    [pdf] = kept_prescriptions(window)
    assert len(previewed) == 1
    report = verify_pdf(pdf)
    assert report.intact and report.signer == "Dr Jeanne Martin"


def test_pulling_the_card_during_an_export_cancels_it_and_locks(
        qtbot, card_window, physician_card, previewed, monkeypatch):
    window, exports = card_window
    exports_service = window.ctx.exports
    signing = exports_service.keep_prescription
    messages = []

    def pulled_while_signing(lineage, signer, cancel):
        physician_card.remove()  # the card watch's signal reaches the job and the window
        deadline = time.monotonic() + 2
        while not cancel.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)
        return signing(lineage, signer, cancel)

    monkeypatch.setattr(exports_service, "keep_prescription", pulled_while_signing)
    monkeypatch.setattr(record_exports, "show_known_error",
                        lambda _parent, error: messages.append(error.message))
    answer_dialogs(pin_answer(physician_card.pin, []))
    window.record.exports.print_prescription()
    assert messages and messages[0].startswith("Export annulé")
    assert list(exports.iterdir()) == [] and previewed == []
    qtbot.waitUntil(lambda: window.ctx is None, timeout=1000)
    assert window.stack.currentWidget() is window.lock_screen


def test_the_card_logs_in_and_signs_off_the_gui_thread(card_window, physician_card,
                                                       previewed, monkeypatch):
    window, _exports = card_window
    asked = []
    slowed(monkeypatch, token, "signer")  # C_Login and the signing session, made slow
    answer_dialogs(pin_answer(physician_card.pin, asked))
    with Heartbeat() as beat:
        window.record.exports.print_prescription()
    assert asked == ["Code PIN de votre carte CPS pour signer :"]
    [pdf] = kept_prescriptions(window)
    assert verify_pdf(pdf).signer == "Dr Jeanne Martin"
    assert beat.ticks > 20 and beat.latest_ms < FROZEN_MS


def test_pulling_the_card_while_its_pin_is_asked_stops_the_export_and_locks(
        qtbot, card_window, physician_card, previewed, monkeypatch):
    window, exports = card_window
    messages = []
    monkeypatch.setattr(record_exports, "show_known_error",
                        lambda _parent, error: messages.append(error.message))
    answer_dialogs(lambda _pin_dialog: physician_card.remove())  # left unanswered
    window.record.exports.print_prescription()
    assert messages and messages[0].startswith("Export annulé")
    assert list(exports.iterdir()) == [] and previewed == []
    qtbot.waitUntil(lambda: window.ctx is None, timeout=1000)
    assert window.stack.currentWidget() is window.lock_screen
    assert QApplication.activeModalWidget() is None


def test_a_wrong_pin_signs_nothing(card_window, previewed, monkeypatch):
    window, _exports = card_window
    messages = []
    monkeypatch.setattr(record_exports, "show_known_error",
                        lambda _parent, error: messages.append(error.message))
    answer_dialogs(pin_answer("0000", []))
    window.record.exports.print_prescription()
    assert messages[0].startswith("Code PIN incorrect")
    assert kept_prescriptions(window) == [] and previewed == []


# --- off the GUI thread -------------------------------------------------------------------

def test_the_window_keeps_turning_while_a_signed_prescription_is_written(
        unlocked, qtbot, previewed, monkeypatch):
    open_emilie(unlocked, qtbot)
    slowed(monkeypatch, unlocked.ctx.exports, "keep_prescription")
    with Heartbeat() as beat:
        unlocked.record.exports.print_prescription()
    assert len(previewed) == 1
    assert beat.ticks > 20 and beat.latest_ms < FROZEN_MS
