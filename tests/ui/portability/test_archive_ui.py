"""The portability archive from the desktop: export, import, duplicates, refusals, cessation.

Real services on real vaults: a small synthetic practice is exported through the form with a
passphrase (demo certificate), imported through the import dialog into a second vault, and
the jobs run on their worker thread behind the progress dialog.
"""

import datetime as dt
import hashlib
import io
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QInputDialog, QProgressDialog

from cabinet.bootstrap import VaultDoor
from cabinet.demo.generator import DemoSize, generate
from cabinet.documents.demo_certificate import demo_signer
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.ui.main_window import MainWindow
from helpers.qt import answer_dialogs, card_lock_screen, type_pin
from helpers.vaults import PRESCRIBER, identity, new_context, valid_nir

SEED = 20261102


def menu_action(window, text):
    return next(a for m in window.menus.by_title.values() for a in m.actions()
                if text in a.text().replace("&", ""))


def patient_ids(ctx):
    return ctx.portability.patient_ids(0, 1000)


def identities(ctx):
    found = []
    for patient_id in patient_ids(ctx):
        who = ctx.patients.identity(patient_id)
        found.append((who.birth_name, who.first_names, who.birth_date, who.nir))
    return sorted(found)


@pytest.fixture
def practice(unlocked, tmp_path):
    """The window's demo vault (Émilie, Paul) with five synthetic patients more."""
    generate(unlocked.ctx, DemoSize(5), SEED)
    folder = tmp_path / "cle-usb"
    folder.mkdir()
    unlocked.ctx.settings.change({"export_folder": str(folder)})
    return folder


@pytest.fixture
def archive(unlocked, practice):
    """The practice exported with a passphrase (through the service: the form is tested once)."""
    from cabinet.archive.container import Recipient
    from cabinet.services.portability.export import Selection

    recipient = Recipient.new_passphrase()
    result = unlocked.ctx.archive_exporter.export(
        Selection("MASSIF"), recipient, Output(demo_signer(), practice, CancelToken()))
    return Path(result.path), recipient.passphrase, result.export_id


@pytest.fixture
def successor(qtbot, tmp_path, clock):
    """Another practice's window, over its own (demo) vault, unlocked."""
    folder = tmp_path / "successeur"
    ctx, _ = new_context(folder, clock, demo=True)
    ctx.lock()
    window = MainWindow(VaultDoor(folder, clock))
    qtbot.addWidget(window)
    window.show()
    window.unlock("demo", "demo")
    assert window.ctx is not None
    yield window
    window.lock()


def export_with_passphrase(window, shown):
    """Answers for the export form (whole practice, passphrase) and its result dialog."""
    def fill(dialog):
        assert dialog.whole.isChecked() and dialog.to_passphrase.isChecked()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        shown["error"] = dialog.error.text()

    def read_result(dialog):
        shown["path"] = dialog.path.text()
        shown["details"] = dialog.details.text()
        shown["passphrase"] = dialog.passphrase.text()
        close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
        shown["close_before_noted"] = close.isEnabled()
        dialog.reject()  # Escape: refused until the passphrase is noted
        shown["open_after_escape"] = dialog.isVisible()
        dialog.noted.setChecked(True)
        close.click()

    return fill, read_result


def import_with(window, path, passphrase, monkeypatch, decide=None):
    """Drive the import dialog to its end; return what each page showed."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    seen = {}

    def run(dialog):
        dialog.choose_archive()
        seen["opening"] = dialog.opening.text()
        dialog.passphrase.setText(passphrase)
        dialog.check.click()
        seen["page"] = dialog.pages.currentIndex()
        seen["error"] = dialog.error.text()
        if seen["page"] != 1:
            dialog.reject()
            return
        seen["summary"] = dialog.summary.text()
        seen["start_enabled"] = dialog.start.isEnabled()
        if decide is not None:
            decide(dialog, seen)
        dialog.start.click()
        seen["result"] = dialog.outcome.text()
        dialog.close_button.click()

    answer_dialogs(run)
    menu_action(window, "Importer une archive").trigger()
    return seen


# --- export then import ----------------------------------------------------------------------

def test_a_practice_exported_with_a_passphrase_is_imported_into_another_vault(
        unlocked, practice, successor, monkeypatch):
    shown = {}
    answer_dialogs(*export_with_passphrase(unlocked, shown))
    menu_action(unlocked, "Exporter une archive de portabilité").trigger()

    [written] = list(practice.iterdir())
    assert written.suffix == ".cabarch" and shown["error"] == ""
    assert shown["path"] == f"Archive enregistrée : {written}"
    assert "Patients : 7" in shown["details"]
    assert f"SHA-256 : {hashlib.sha256(written.read_bytes()).hexdigest()}" in shown["details"]
    assert shown["close_before_noted"] is False and shown["open_after_escape"] is True
    passphrase = shown["passphrase"]
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4})+", passphrase)
    assert passphrase not in written.name and passphrase not in written.read_bytes().decode(
        "latin-1")
    assert passphrase not in unlocked.statusBar().currentMessage()

    before = patient_ids(successor.ctx)
    seen = import_with(successor, written, passphrase, monkeypatch)
    assert "phrase secrète" in seen["opening"]
    assert "Patients : 7" in seen["summary"] and "signature vérifiée" in seen["summary"]
    assert seen["start_enabled"] is True  # nothing to decide in an empty vault
    assert seen["result"].startswith("Import terminé.") and "Patients importés : 7" in \
        seen["result"]
    assert before == []
    assert identities(successor.ctx) == identities(unlocked.ctx)


def test_a_possible_duplicate_is_shown_and_not_imported_when_so_decided(
        successor, archive, monkeypatch):
    path, passphrase, _ = archive
    ctx = successor.ctx
    ctx.patients.create(identity("Lefèvre", "Émilie", nir=valid_nir("2610375123456")))
    ctx.patients.create(identity("DURAND", "Paul", birth_date=dt.date(1950, 1, 2)))

    def decide(dialog, seen):
        rows = {dialog.duplicates.item(r, 0).text(): r
                for r in range(dialog.duplicates.rowCount())}
        seen["rows"] = {name: (dialog.duplicates.item(r, 1).text(),
                               dialog.duplicates.item(r, 2).text()) for name, r in rows.items()}
        emilie = dialog.duplicates.cellWidget(rows["LEFÈVRE Émilie"], 3)
        paul = dialog.duplicates.cellWidget(rows["DURAND Paul"], 3)
        seen["choices"] = [emilie.itemText(i) for i in range(emilie.count())]
        emilie.setCurrentIndex(emilie.findData("skip"))
        seen["enabled_half_decided"] = dialog.start.isEnabled()
        paul.setCurrentIndex(paul.findData("separate"))
        seen["enabled_decided"] = dialog.start.isEnabled()

    seen = import_with(successor, path, passphrase, monkeypatch, decide)
    assert seen["rows"] == {"LEFÈVRE Émilie": ("1", "même NIR"),
                            "DURAND Paul": ("2", "même nom de naissance et date de naissance")}
    assert seen["choices"] == ["— à décider —", "Créer un dossier distinct", "Ne pas importer"]
    assert seen["start_enabled"] is False and seen["enabled_half_decided"] is False
    assert seen["enabled_decided"] is True
    assert "Patients importés : 6" in seen["result"]
    assert "Non importés à votre demande : 1" in seen["result"]
    names = [name for name, first, *_ in identities(ctx)]
    assert names.count("Lefèvre") == 1  # the one already here, never merged nor doubled
    assert sorted(n.upper() for n in names).count("DURAND") == 2  # a separate record
    assert len(patient_ids(ctx)) == 2 + 6


def test_an_archive_for_the_successors_certificate_opens_with_the_private_key_file(
        unlocked, practice, successor, tmp_path, monkeypatch):
    from cryptography.hazmat.primitives import serialization

    from helpers.certificates import card_certificate

    key, certificate = card_certificate("Dr Paul Suivant", "10202020202")
    (tmp_path / "successeur.der").write_bytes(certificate)
    key_file = tmp_path / "successeur-cle.pem"
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"mot de passe de la cle")))
    shown = {}

    def fill(dialog):
        dialog.use_certificate(tmp_path / "successeur.der")
        shown["certificate"] = dialog.certificate_name.text()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    def read(dialog):
        shown["passphrase_shown"] = dialog.noted is not None
        dialog.accept()

    answer_dialogs(fill, read)
    menu_action(unlocked, "Exporter une archive de portabilité").trigger()
    assert "Dr Paul Suivant" in shown["certificate"] and shown["passphrase_shown"] is False
    [written] = list(practice.iterdir())

    files = {"archive": str(written), "key": str(key_file)}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda _parent, title, *_: (
        files["key"] if "Clé" in title else files["archive"], ""))
    seen = {}

    def run(dialog):
        dialog.choose_archive()
        seen["opening"] = dialog.opening.text()
        seen["card_note"] = dialog.card_note.text()
        seen["passphrase_row"] = dialog._form.isRowVisible(dialog.passphrase_row)
        dialog.choose_key()
        dialog.key_password.setText("pas le bon")
        dialog.check.click()
        seen["wrong_password"] = dialog.error.text()
        dialog.key_password.setText("mot de passe de la cle")
        dialog.check.click()
        dialog.start.click()
        seen["result"] = dialog.outcome.text()
        dialog.close_button.click()

    answer_dialogs(run)
    menu_action(successor, "Importer une archive").trigger()
    assert "Dr Paul Suivant" in seen["opening"] and seen["passphrase_row"] is False
    assert "carte CPS" in seen["card_note"]
    assert seen["wrong_password"].startswith("Le mot de passe de la clé est incorrect")
    assert "Patients importés : 7" in seen["result"]
    assert identities(successor.ctx) == identities(unlocked.ctx)


# --- refusals ---------------------------------------------------------------------------

def _flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1:]


def tampered_inside(path: Path, passphrase: str) -> Path:
    """The same archive with one byte of a patient's sub-archive changed, re-encrypted.

    The envelope is intact, so the change is found by the check on the worker thread.
    """
    from cabinet.archive.container import EnvelopeReader, EnvelopeWriter, Recipient, key_opener

    with path.open("rb") as handle:
        clear = EnvelopeReader(handle, key_opener(passphrase=passphrase)).read()
    with zipfile.ZipFile(io.BytesIO(clear)) as outer:
        content = outer.read("PAT00002.ZIP")
    changed = _flip(clear, clear.index(content) + len(content) // 2)
    target = path.with_name("modifiee.cabarch")
    with target.open("wb") as handle:
        writer = EnvelopeWriter(handle, Recipient(passphrase=passphrase))
        writer.write(changed)
        writer.close()
    return target


@pytest.mark.parametrize("where", ["envelope", "sub-archive"])
def test_a_tampered_archive_is_refused_in_french_and_nothing_is_written(
        successor, archive, monkeypatch, where):
    path, passphrase, export_id = archive
    if where == "envelope":
        data = path.read_bytes()
        target = path.with_name("abimee.cabarch")
        target.write_bytes(_flip(data, len(data) // 2))
        expected = "L'archive a été modifiée ou tronquée"
    else:
        target = tampered_inside(path, passphrase)
        expected = "L'archive : « PAT00002.ZIP » est illisible, tronqué ou modifié : import refusé."
    journal_before = successor.ctx.vault.store.audit_events_written()
    seen = import_with(successor, target, passphrase, monkeypatch)
    assert seen["page"] == 0 and seen["error"].startswith(expected)
    assert patient_ids(successor.ctx) == []
    assert not successor.ctx.portability.archives_numbered(export_id)
    assert successor.ctx.vault.store.audit_events_written() == journal_before


def test_a_wrong_passphrase_is_named(successor, archive, monkeypatch):
    path, passphrase, _ = archive
    wrong = passphrase[::-1]
    seen = import_with(successor, path, wrong, monkeypatch)
    assert seen["page"] == 0 and seen["error"]
    assert patient_ids(successor.ctx) == []


# --- stopping an export -----------------------------------------------------------------

def paced_export(monkeypatch, ctx):
    """Make the export wait after its second patient until it is cancelled; return where it ran."""
    exporter = ctx.archive_exporter
    real = exporter.export
    threads = []

    def paced(selection, recipient, out, progress=None):
        threads.append(threading.current_thread())

        def step(done, total):
            progress(done, total)
            if done == 2:
                deadline = time.monotonic() + 10
                while not out.cancel.cancelled and time.monotonic() < deadline:
                    time.sleep(0.01)
        return real(selection, recipient, out, step)

    monkeypatch.setattr(exporter, "export", paced)
    return threads


def test_cancelling_an_export_leaves_no_file(unlocked, practice, qtbot, monkeypatch):
    threads = paced_export(monkeypatch, unlocked.ctx)
    seen = {}

    def fill(dialog):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen["error"] = dialog.error.text()
        seen["open"] = dialog.isVisible()
        dialog.reject()

    def cancel(progress):
        assert isinstance(progress, QProgressDialog)
        assert progress.windowModality() == Qt.WindowModality.ApplicationModal
        qtbot.waitUntil(lambda: "2 sur 7" in progress.labelText(), timeout=5000)
        progress.stop_button.click()
        seen["stopping"] = progress.labelText()

    answer_dialogs(fill, cancel, ignore=())
    menu_action(unlocked, "Exporter une archive de portabilité").trigger()
    assert seen["stopping"].startswith("Arrêt en cours")
    assert seen == {"stopping": seen["stopping"], "open": True,
                    "error": "Export annulé : aucun fichier n'a été écrit."}
    assert list(practice.iterdir()) == []  # not even the hidden stage
    assert threads and threads[0] is not threading.main_thread()  # the GUI stayed responsive


def test_locking_during_an_export_stops_it_before_the_vault_closes(unlocked, practice, qtbot,
                                                                   monkeypatch):
    paced_export(monkeypatch, unlocked.ctx)
    seen = {}

    def fill(dialog):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen["error"] = dialog.error.text()

    def lock(progress):
        qtbot.waitUntil(lambda: "2 sur 7" in progress.labelText(), timeout=5000)
        unlocked.lock()  # as the inactivity timer or the card's removal would
        seen["locked"] = unlocked.ctx is None

    answer_dialogs(fill, lock, ignore=())
    menu_action(unlocked, "Exporter une archive de portabilité").trigger()
    assert seen == {"locked": True, "error": "Export annulé : aucun fichier n'a été écrit."}
    assert list(practice.iterdir()) == []
    assert unlocked.stack.currentWidget() is unlocked.lock_screen


# --- the form's own checks --------------------------------------------------------------

def test_the_form_refuses_an_unknown_patient_number_before_signing(unlocked, practice):
    seen = []

    def fill(dialog):
        dialog.numbers.setText("1, 999")
        dialog.by_number.setChecked(True)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen.append(dialog.error.text())
        dialog.numbers.setText("1, deux")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen.append(dialog.error.text())
        dialog.to_certificate.setChecked(True)
        dialog.numbers.setText("1-2")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen.append(dialog.error.text())
        dialog.reject()

    answer_dialogs(fill)
    menu_action(unlocked, "Exporter une archive de portabilité").trigger()
    assert seen == ["Aucun patient ne porte le numéro 999.",
                    "« deux » n'est pas un numéro de patient (exemple : 12, 15, 20-25).",
                    "Choisissez le certificat du successeur, ou une phrase secrète."]
    assert list(practice.iterdir()) == []


# --- cessation of activity ---------------------------------------------------------------

def open_emilie(window, qtbot):
    qtbot.keyClicks(window.search.field, "emi")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert window.record.patient_id is not None
    return window.record.patient_id


def test_the_cessation_dialog_records_each_patients_choice(unlocked, qtbot, vault):
    emilie = open_emilie(unlocked, qtbot)
    paul = vault["paul"]
    seen = {}

    def choose(dialog):
        record = next(b for b in dialog.findChildren(type(dialog.to_successor))
                      if b.text() == "&Enregistrer le choix")
        seen["prefilled"] = dialog.patient.text()
        seen["successor_enabled_before"] = dialog.to_successor.isEnabled()
        dialog.choice.setCurrentIndex(dialog.choice.findData("successor"))
        record.click()
        dialog.patient.setText(str(paul))
        dialog.choice.setCurrentIndex(dialog.choice.findData("other"))
        record.click()
        seen["refused"] = dialog.error.text()
        dialog.physician.setText("Dr Claire Autre")
        record.click()
        seen["rows"] = [[dialog.table.item(r, c).text() for c in range(3)]
                        for r in range(dialog.table.rowCount())]
        seen["counts"] = dialog.counts.text()
        seen["physicians"] = [dialog.physicians.itemText(i)
                              for i in range(dialog.physicians.count())]
        seen["successor_enabled_after"] = dialog.to_successor.isEnabled()
        dialog.reject()

    answer_dialogs(choose)
    menu_action(unlocked, "Cessation d'activité").trigger()
    assert seen["prefilled"] == str(emilie)
    assert seen["refused"] == "Indiquez le médecin choisi par le patient."
    assert seen["rows"] == [[str(emilie), "Suit le successeur", ""],
                            [str(paul), "Choisit un autre médecin", "Dr Claire Autre"]]
    assert seen["counts"] == ("Suivent le successeur : 1 ; vont chez un autre médecin : 1 ; "
                              "sans réponse (reliquat) : 0")
    assert seen["physicians"] == ["Dr Claire Autre (1 patient(s))"]
    assert seen["successor_enabled_before"] is False and seen["successor_enabled_after"]
    choices = unlocked.ctx.cessation.choices()
    assert {p: (c.choice, c.physician) for p, c in choices.items()} == {
        emilie: ("successor", ""), paul: ("other", "Dr Claire Autre")}


def test_the_successor_and_the_remainder_get_their_own_archives(unlocked, practice, qtbot,
                                                                clock):
    emilie = open_emilie(unlocked, qtbot)
    unlocked.ctx.cessation.record_choice(emilie, "successor")
    shown, remainder = {}, {}

    def to_successor(dialog):
        dialog.successor.setText("Dr Paul Suivant")
        dialog.to_successor.click()
        clock.advance(dt.timedelta(seconds=2))  # archive names carry the second
        dialog.to_remainder.click()
        shown["outcome"] = dialog.outcome.text()
        dialog.reject()

    def fill(dialog):
        shown["title"] = dialog.windowTitle()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    def read(dialog):
        shown["details"] = dialog.details.text()
        dialog.noted.setChecked(True)
        dialog.accept()

    def fill_remainder(dialog):
        remainder["certificate_possible"] = dialog.to_certificate.isEnabled()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    def read_remainder(dialog):
        remainder["details"] = dialog.details.text()
        remainder["passphrase"] = dialog.passphrase.text()
        dialog.noted.setChecked(True)
        dialog.accept()

    answer_dialogs(to_successor, fill, read, fill_remainder, read_remainder)
    menu_action(unlocked, "Cessation d'activité").trigger()
    assert shown["title"] == "Archive pour le successeur : Dr Paul Suivant"
    assert "Patients : 1" in shown["details"]
    assert "Patients : 6" in remainder["details"] and remainder["passphrase"]
    assert remainder["certificate_possible"] is False
    assert len(list(practice.glob("*.cabarch"))) == 2
    assert shown["outcome"].startswith("Archive enregistrée : ")


# --- the card signs on the worker thread -----------------------------------------------------

@pytest.fixture
def card_window(qtbot, tmp_path, clock, physician_card):
    """A real vault unlocked by the physician's card (pcscd, vpcd, SoftHSM2), one patient."""
    from cabinet.bootstrap import build_context
    from cabinet.vault.session import create_vault
    from helpers.vaults import OWNER

    folder = tmp_path / "coffre-carte"
    opened, _ = create_vault(folder, OWNER, clock, "poste")
    physician_card.insert()
    physician_card.enrol_into(opened, clock)
    ctx = build_context(opened, clock)
    patient = ctx.patients.create(identity())
    exports = tmp_path / "exports-carte"
    exports.mkdir()
    ctx.settings.change({**PRESCRIBER, "export_folder": str(exports)})
    ctx.lock()
    window = card_lock_screen(qtbot, folder, clock, physician_card)
    type_pin(qtbot, window, physician_card.pin)
    assert window.ctx is not None
    window.record.open_patient(patient)
    yield window, exports
    window.lock()


def test_the_card_signs_the_archive_after_its_pin(card_window, physician_card, successor,
                                                  monkeypatch):
    window, exports = card_window
    shown = {}

    def fill(dialog):
        dialog.current.setChecked(True)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        shown["error"] = dialog.error.text()

    def pin(dialog):
        shown["asked"] = dialog.labelText()
        dialog.setTextValue(physician_card.pin)
        dialog.accept()

    def read(dialog):
        shown["details"] = dialog.details.text()
        shown["passphrase"] = dialog.passphrase.text()
        dialog.noted.setChecked(True)
        dialog.accept()

    answer_dialogs(fill, pin, read)
    menu_action(window, "Exporter une archive de portabilité").trigger()
    assert shown["asked"] == "Code PIN de votre carte CPS pour signer :"
    assert "Patients : 1" in shown["details"] and shown["error"] == ""
    [written] = list(exports.glob("*.cabarch"))
    fingerprint = hashlib.sha256(physician_card.certificate.public_bytes(
        serialization.Encoding.DER)).hexdigest()  # the test card chains to no anchor
    seen = import_with(successor, written, shown["passphrase"], monkeypatch,
                       decide=lambda dialog, _: dialog.fingerprint.setText(fingerprint))
    assert "Exportée par : Dr Jeanne Martin (RPPS 10101010101), signature vérifiée" in \
        seen["summary"]
    assert "Type : UNITAIRE" in seen["summary"]
    assert "Patients importés : 1" in seen["result"]


def test_the_letters_and_the_declaration_are_written_from_the_cessation_dialog(
        unlocked, practice, vault, tmp_path, monkeypatch):
    from cabinet.documents.verification import verify_pdf

    unlocked.ctx.cessation.record_choice(vault["emilie"], "successor")
    letters = tmp_path / "lettres"
    letters.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(letters))
    seen = {}

    def close_the_practice(dialog):
        buttons = {b.text().replace("&", ""): b for b in dialog.findChildren(
            type(dialog.to_successor))}
        buttons["Lettres d'information…"].click()
        seen["no_successor"] = dialog.error.text()
        dialog.successor.setText("Dr Paul Suivant")
        buttons["Lettres d'information…"].click()
        seen["letters"] = dialog.outcome.text()
        buttons["Déclaration au conseil de l'Ordre…"].click()
        seen["no_council"] = dialog.error.text()
        dialog.council.setText("Conseil départemental de l'Ordre du Rhône")
        dialog.kept_at.setText("Archive chiffrée, coffre de l'étude de Me Garde")
        buttons["Déclaration au conseil de l'Ordre…"].click()
        seen["declaration"] = dialog.outcome.text()
        dialog.reject()

    answer_dialogs(close_the_practice)
    menu_action(unlocked, "Cessation d'activité").trigger()
    assert seen["no_successor"] == "Indiquez le nom du successeur."
    [folder] = list(letters.iterdir())
    assert folder.name.startswith("lettres-cessation-")
    assert len(list(folder.glob("LETTRE-*.pdf"))) == 6  # everyone but Émilie, who answered
    assert seen["letters"].startswith("6 lettre(s) enregistrée(s)")
    assert seen["no_council"].startswith("Indiquez le conseil départemental")
    [declaration] = list(practice.glob("declaration-cessation-*.pdf"))
    assert seen["declaration"] == f"Déclaration signée enregistrée : {declaration}"
    assert verify_pdf(declaration.read_bytes()).intact


def test_an_archive_for_the_card_holder_opens_with_the_card_and_its_pin(
        card_window, physician_card, tmp_path, clock, monkeypatch):
    """The predecessor encrypted the archive to Dr Martin's certificate; Dr Martin's card,
    in the reader, opens it after its PIN, through the real card stack, off the GUI thread
    (the opening made slow here: the window keeps turning)."""
    from cabinet.archive.container import Recipient
    from cabinet.archive.reader import ArchiveReader
    from helpers import archives
    from helpers.records import marked_practice
    from helpers.slow import FROZEN_MS, Heartbeat, slowed
    from helpers.vaults import new_context

    window, _ = card_window
    predecessor, _ = new_context(tmp_path / "predecesseur", clock)
    marked_practice(predecessor)
    forger = archives.forged_signer()  # a demo certificate never enters a real vault
    path = archives.export(predecessor, tmp_path / "support",
                           Recipient(certificate=physician_card.certificate), signer=forger)
    predecessor.lock()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    seen = {}

    def run(dialog):
        dialog.choose_archive()
        seen["note"] = dialog.card_note.text()
        dialog.check.click()
        seen["summary"] = dialog.summary.text()
        for decision in dialog.decisions.values():  # Émilie Lefèvre is already here
            decision.setCurrentIndex(1)  # « Créer un dossier distinct »
        dialog.fingerprint.setText(hashlib.sha256(forger.certificate_der).hexdigest())
        dialog.start.click()
        seen["result"] = dialog.outcome.text()
        dialog.close_button.click()

    def pin(dialog):
        seen["asked"] = dialog.labelText()
        dialog.setTextValue(physician_card.pin)
        dialog.accept()

    answer_dialogs(run, pin)
    slowed(monkeypatch, ArchiveReader, "open")
    with Heartbeat() as heart:
        menu_action(window, "Importer une archive").trigger()
    assert heart.latest_ms < FROZEN_MS
    assert "carte CPS du destinataire" in seen["note"]
    assert seen["asked"] == "Code PIN de votre carte CPS pour ouvrir l'archive :"
    assert "Patients : 2" in seen["summary"]
    assert "Patients importés : 2" in seen["result"]


def test_an_archive_for_another_physician_is_refused_before_the_card_s_pin_is_asked(
        card_window, tmp_path, clock, monkeypatch):
    """Encrypted to Dr Paul Suivant's certificate, with Dr Martin's card in the reader: the
    dialog says so at once and no PIN prompt appears."""
    from cryptography import x509

    from cabinet.archive.container import Recipient
    from helpers import archives
    from helpers.certificates import card_certificate
    from helpers.records import marked_practice

    window, _ = card_window
    predecessor, _ = new_context(tmp_path / "predecesseur", clock)
    marked_practice(predecessor)
    _, certificate = card_certificate("Dr Paul Suivant", "10202020202")
    path = archives.export(predecessor, tmp_path / "support", Recipient(
        certificate=x509.load_der_x509_certificate(certificate)))
    predecessor.lock()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    seen = {}

    def run(dialog):
        dialog.choose_archive()
        dialog.check.click()
        seen["error"] = dialog.error.text()
        seen["page"] = dialog.pages.currentIndex()
        dialog.reject()

    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **_k: asked.append(a) or ("", False))
    answer_dialogs(run)
    menu_action(window, "Importer une archive").trigger()
    assert asked == []  # no PIN prompt
    assert seen["error"].startswith("La carte insérée est celle de Dr Jeanne Martin ; son code "
                                    "PIN n'a pas été demandé.")
    assert seen["page"] == 0


def test_an_unvouched_signer_needs_its_fingerprint_typed_in_the_import_dialog(
        unlocked, successor, monkeypatch, tmp_path):
    """A manifest re-signed by a self-signed certificate: refused until its fingerprint is
    typed in the dialog's field, then imported (issue 19)."""
    from helpers import archives

    forger = archives.forged_signer()
    forged = archives.forge(archives.export(unlocked.ctx, tmp_path / "media"),
                            tmp_path / "forged.cabarch", forger)

    def typed(text):
        def decide(dialog, seen):
            seen["field_shown"] = dialog.fingerprint.isVisibleTo(dialog)
            dialog.fingerprint.setText(text)
            dialog.start.click()
            seen["refusal"] = dialog.error.text()
            dialog.fingerprint.setText(hashlib.sha256(forger.certificate_der).hexdigest())
        return decide

    seen = import_with(successor, forged, archives.PASSPHRASE, monkeypatch, decide=typed(""))
    assert seen["field_shown"]
    assert "n'est reconnu par aucune autorité de confiance" in seen["refusal"]
    assert "Patients importés : 2" in seen["result"]
