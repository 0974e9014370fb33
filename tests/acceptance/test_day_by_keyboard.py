"""A day in practice, by keyboard only (the acceptance test of issues 12 and 17).

The real main window (offscreen) on a demo practice of a few hundred synthetic patients made
by `cabinet demo`, driven only by the keys a physician presses: the shortcuts of the F1 help
and the README, Tab between fields, Alt and a letter for a button. Each stage of the day is
a test; they run in order on the same window, and each one first brings the day to where it
starts (unlocked, the patient's record open) so that one failing stage does not hide the
others. What is checked is what the physician sees: labels, messages, lists, and the text
poppler reads in the PDFs produced.
"""

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMenu

from cabinet.bootstrap import VaultDoor
from cabinet.demo.generator import demo_pdf
from cabinet.domain.agenda import WEEKDAYS, french_day
from cabinet.domain.audit import AccessMode
from cabinet.domain.fees import euros, shipped_table
from cabinet.domain.identity import Identity, Sex
from cabinet.domain.record import EntryKind
from cabinet.domain.rpps import is_valid_rpps
from cabinet.services.fees import ngap_data
from cabinet.ui.agenda.agenda_window import AgendaWindow
from cabinet.ui.main_window import MainWindow
from helpers.clock import WorkingDayClock
from helpers.cups_printer import cups_pdf_queue
from helpers.keyboard_day import (
    PATIENTS,
    Keyboard,
    demo_practice,
    in_french,
    plain,
    table_rows,
    visible_texts,
)
from helpers.pdf_checks import pdf_text, pdfsig_valid


@dataclass
class Day:
    """The window, the patient seen all day, and what the day produced."""

    window: MainWindow
    folder: Path
    patient: Identity
    clock: WorkingDayClock  # the practice's: a working weekday from 8 h, whenever the suite runs
    produced: dict[str, Path] = field(default_factory=dict)
    seen: dict[str, list[str]] = field(default_factory=dict)


def chosen_patient(vault: Path) -> Identity:
    """A woman of working age whose birth name and birth date no other patient shares."""
    ctx = VaultDoor(vault).open(AccessMode.DEMO, "demo")
    try:
        people = [ctx.patients.identity(n) for n in range(1, PATIENTS + 1)]
    finally:
        ctx.lock()
    today = dt.date.today()
    return next(p for p in people if p.sex is Sex.FEMALE and not p.used_name
                and 30 <= (today - p.birth_date).days // 365 <= 80
                and sum(q.birth_name == p.birth_name for q in people) == 1
                and sum(q.birth_date == p.birth_date for q in people) == 1)


@pytest.fixture(scope="module")
def day(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("journee")
    with in_french(), pytest.MonkeyPatch.context() as patch:
        from cabinet import guard

        patch.setattr(guard, "refusals_log", lambda: folder / "demarrages-refuses.jsonl")
        printed = demo_practice(folder / "coffre")
        assert f"Patients : {PATIENTS}" in printed
        (folder / "exports").mkdir()
        (folder / "recus").mkdir()
        (folder / "recus" / "radio-thorax.pdf").write_bytes(demo_pdf("Radiographie"))
        clock = WorkingDayClock()
        window = MainWindow(VaultDoor(folder / "coffre", clock))
        day = Day(window, folder, chosen_patient(folder / "coffre"), clock)
        window.show()
        window.activateWindow()
        yield day
        window.close()


@pytest.fixture
def keys(qtbot, day):
    keyboard = Keyboard(qtbot)
    if QApplication.activeWindow() is not day.window:
        keyboard.window_manager_activates()
    return keyboard


# --- where each stage starts ----------------------------------------------------------------

def unlock(keys: Keyboard) -> None:
    """The lock screen's demo way: type the password, Entrée."""
    keys.tab_to("Mot de passe de démonstration")
    keys.type("demo")
    keys.press("Return")


def unlocked(day: Day, keys: Keyboard) -> None:
    if day.window.ctx is None:
        unlock(keys)
    assert day.window.ctx is not None


def search(keys: Keyboard, text: str) -> None:
    """Ctrl+F, then type over what the field held."""
    keys.press("Ctrl+F")
    keys.type(text)


def record_open(day: Day, keys: Keyboard) -> None:
    """The patient's record open, reached by her NIR and Entrée."""
    unlocked(day, keys)
    if day.window.record.identity != day.patient:
        search(keys, day.patient.nir)
        keys.press("Return")
    assert day.patient.display_name() in day.window.record.header.text()


def names_in(day: Day) -> list[str]:
    return [row[0] for row in table_rows(day.window.search.results)]


def french(date: dt.date) -> str:
    return date.strftime("%d/%m/%Y")


# --- morning: unlock and find the patient ---------------------------------------------------

def test_the_demo_vault_opens_with_its_password(day, keys):
    window = day.window
    assert "Mot de passe de démonstration" in visible_texts(window.lock_screen)
    assert window.who.text() == "Verrouillé"
    unlock(keys)
    assert window.who.text().startswith("Connecté : ")
    assert "démonstration" in window.who.text()
    assert keys.focused_name() == "Rechercher un patient"


def test_a_second_window_on_the_open_vault_is_refused(day, keys):
    unlocked(day, keys)
    second = MainWindow(VaultDoor(day.folder / "coffre"))
    try:
        second.show()
        second.activateWindow()
        keys.qtbot.waitUntil(lambda: QApplication.activeWindow() is second, timeout=2000)
        unlock(keys)
        refusal = second.lock_screen.error.text()
        assert second.who.text() == "Verrouillé"
    finally:
        second.close()
    assert refusal.startswith(f"Ce dossier est déjà ouvert sur ce poste (processus "
                              f"{os.getpid()}, ")
    assert day.window.who.text().startswith("Connecté : ")


def test_a_search_by_name_lists_the_patients_of_that_name(day, keys):
    unlocked(day, keys)
    search(keys, day.patient.birth_name)
    names = names_in(day)
    assert day.patient.display_name() in names
    assert all(day.patient.birth_name.upper() in name.upper() for name in names)


def test_a_search_by_birth_date_lists_the_patients_born_that_day(day, keys):
    unlocked(day, keys)
    search(keys, french(day.patient.birth_date))
    rows = table_rows(day.window.search.results)
    assert [day.patient.display_name(), french(day.patient.birth_date)] in [r[:2] for r in rows]
    assert {r[1] for r in rows} == {french(day.patient.birth_date)}


def test_a_search_by_nir_finds_her_and_entree_opens_her_record(day, keys):
    unlocked(day, keys)
    search(keys, day.patient.nir)
    assert names_in(day) == [day.patient.display_name()]
    keys.press("Return")
    header = day.window.record.header.text()
    assert day.patient.display_name() in header
    assert f"NIR {day.patient.nir}" in header
    assert plain(day.window.record.tabs.tabText(day.window.record.tabs.currentIndex())) \
        == "Synthèse"


def cut_texts_of_tabs(tabs) -> list[str]:
    """Tab titles drawn narrower than they need (elided: « Accès au d… »)."""
    bar = tabs.tabBar()
    return [plain(bar.tabText(i)) for i in range(bar.count())
            if bar.tabRect(i).width() < bar.tabSizeHint(i).width()]


def cut_cells(table) -> list[str]:
    """Cells of a table whose text is wider than their column."""
    metrics = table.fontMetrics()
    return [table.item(r, c).text() for r in range(table.rowCount())
            for c in range(table.columnCount())
            if table.item(r, c) is not None and not table.isColumnHidden(c)
            and metrics.horizontalAdvance(table.item(r, c).text()) > table.columnWidth(c)]


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)])
def test_on_a_laptop_screen_tabs_names_and_nir_read_whole(day, keys, qtbot, size):
    record_open(day, keys)
    day.window.resize(*size)
    search(keys, day.patient.birth_name)
    qtbot.wait(50)  # the layout settles
    assert cut_texts_of_tabs(day.window.record.tabs) == []
    assert cut_cells(day.window.search.results) == []


def test_a_name_nobody_has_says_aucun_patient(day, keys):
    unlocked(day, keys)
    search(keys, "Zzyzxwq")
    assert names_in(day) == []
    assert any("Aucun patient" in text for text in visible_texts(day.window.search))


def test_the_readme_example_birth_date_finds_a_patient(day, keys):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"a birth date as (\d\d/\d\d/\d{4})", readme)
    assert example is not None, "README gives no birth date to try"
    unlocked(day, keys)
    search(keys, example.group(1))
    assert names_in(day)


def test_her_record_says_nee(day, keys):
    record_open(day, keys)
    header = day.window.record.header.text()
    assert f"née le {french(day.patient.birth_date)}" in header
    assert "femme" in header


# --- the consultation -------------------------------------------------------------------------

def test_an_encounter_with_vital_signs_and_the_bmi_as_typed(day, keys):
    record_open(day, keys)
    seen = {}

    def write(dialog):
        seen["banner"] = visible_texts(dialog)
        assert keys.focused_name() == "Motif"
        keys.type("Toux fébrile")
        keys.fill("Histoire de la maladie", "Depuis 4 jours, 38,5 °C le soir")
        keys.fill("Examen clinique", "Crépitants base droite")
        keys.fill("Poids en kg", "72,5")
        keys.fill("Taille en cm", "168")
        keys.fill("Pression systolique en mmHg", "128")
        keys.fill("Pression diastolique en mmHg", "82")
        seen["bmi"] = dialog.findChild(QLabel, "bmi").text()
        keys.fill("Conclusion", "Pneumopathie franche lobaire aiguë")
        keys.fill("Conduite à tenir", "Amoxicilline 1 g matin et soir, 7 jours")
        keys.press("Alt+E")

    with keys.dialogs(write):
        keys.press("Ctrl+N")
    assert f"Patient : {day.window.record.patient_text()}" in " ".join(seen["banner"])
    assert seen["bmi"] == "IMC : 25,7 kg/m²"
    encounters = day.window.record.encounters
    assert day.window.record.tabs.currentWidget() is encounters
    assert encounters.list.currentItem().text() == f"{french(day.clock.today)} — Toux fébrile"
    detail = encounters.detail.toPlainText()
    assert "Crépitants base droite" in detail and "72,5" in detail and "128" in detail


def abandon(keys: Keyboard):
    """« Oui » to the question that follows Échap in a dialog where something was typed."""

    def answer(box):
        assert "Abandonner cette saisie" in box.text()
        keys.press_button(box, "Oui", "Yes")
    return answer


def test_every_wrong_vital_sign_is_said_at_once(day, keys):
    record_open(day, keys)
    seen = {}

    def write(dialog):
        keys.type("Contrôle tensionnel")
        keys.fill("Poids en kg", "soixante")
        keys.fill("Taille en cm", "1,6 m")
        keys.fill("Pression systolique en mmHg", "80")
        keys.fill("Pression diastolique en mmHg", "90")
        keys.press("Alt+E")
        seen["error"] = dialog.findChild(QLabel, "dialogError").text()
        keys.fill("Poids en kg", "")
        keys.press("Ctrl+A")
        keys.type("236")
        keys.tab_to("Taille en cm")
        keys.press("Ctrl+A")
        keys.type("1")
        seen["bmi"] = dialog.findChild(QLabel, "bmi").text()
        keys.press("Escape")

    with keys.dialogs(write, abandon(keys)):
        keys.press("Ctrl+N")
    assert seen["error"].splitlines() == [
        "Poids : la valeur n'est pas un nombre.",
        "Taille : la valeur n'est pas un nombre.",
        "La pression systolique doit être supérieure à la pression diastolique."]
    assert seen["bmi"] == "IMC : invraisemblable, vérifiez le poids et la taille"


# --- the prescription, printed signed ---------------------------------------------------------

def test_a_prescription_found_in_the_drug_base_and_written_in_dci(day, keys):
    """Ctrl+P, « amoxicilline 1 g » and Entrée; in the line: Alt+J twice a day, Alt+T seven
    days (and the reason, should the patient be allergic); Alt+A, then Alt+E."""
    record_open(day, keys)
    keys.qtbot.waitUntil(lambda: day.window.record.drugs.base is not None, timeout=30000)
    seen = {}

    def find(dialog):
        keys.type("amoxicilline 1 g")
        seen["found"] = dialog.search.results.rowCount()
        keys.press("Return")
        keys.press("Alt+E")

    def line(dialog):
        keys.press("Alt+J")
        keys.type("2")
        keys.press("Alt+T")
        keys.type("7")
        if dialog.findChild(QLabel, "allergyAlerts") is not None:
            keys.press("Alt+O")
            keys.type("allergie ancienne non confirmée")
        seen["quantity"] = dialog.quantity.text()
        keys.press("Alt+A")

    with keys.dialogs(find, line):
        keys.press("Ctrl+P")
    assert seen["found"] > 0 and seen["quantity"].startswith("Qté : ")
    prescriptions = day.window.record.prescriptions
    assert day.window.record.tabs.currentWidget() is prescriptions
    assert prescriptions.list.currentItem().text().startswith(
        f"{french(day.clock.today)} — amoxicilline 1 g")
    shown = prescriptions.detail.toPlainText()
    assert "2 fois par jour" in shown and "7 jours" in shown


def set_export_folder(day: Day, keys: Keyboard) -> None:
    """Ctrl+, then the export folder typed in the practice's settings."""

    def settings(dialog):
        keys.tab_to("Dossier des exports")
        keys.press("Ctrl+A")
        keys.type(str(day.folder / "exports"))
        keys.press("Alt+E")

    with keys.dialogs(settings):
        keys.press("Ctrl+,")


@pytest.fixture(scope="module")
def printer():
    with cups_pdf_queue() as queue:
        yield queue


def test_ctrl_maj_p_prints_the_selected_prescription_signed(day, keys, printer):
    """Ctrl+Maj+P signs the ordonnance and keeps it in the record, then shows the preview;
    Alt+I opens the print dialog and Entrée prints on the practice's printer (CUPS)."""
    record_open(day, keys)
    set_export_folder(day, keys)  # for the stages after this one
    keys.press("Alt+O")  # the « Ordonnances » tab
    prescriptions = day.window.record.prescriptions
    shown = prescriptions.detail.toPlainText()
    before = printer.outputs()
    seen = {}

    def preview(dialog):
        dialog.printer.setPrinterName(printer.queue)  # the practice's printer
        dialog.show_where()
        seen["where"] = dialog.where.text()
        keys.press("Alt+I")

    def print_dialog(_dialog):
        keys.press("Return")

    with keys.dialogs(preview, print_dialog):
        keys.press("Ctrl+Shift+P")
    paper = pdf_text(printer.printed_after(before))
    assert "taille réelle" in seen["where"]
    ctx = day.window.ctx
    [kept] = [e for e in ctx.records.open_record(day.window.record.patient_id).of_kind(
        EntryKind.DOCUMENT) if e.payload["doc_type"] == "prescription"]
    pdf = day.folder / "ordonnance-gardee.pdf"  # the signed reference, as the vault keeps it
    pdf.write_bytes(ctx.records.read_document(kept.lineage))
    day.produced["ordonnance"] = pdf
    assert pdfsig_valid(pdf)
    text = pdf_text(pdf)
    for document in (text, paper):
        assert day.patient.birth_name.upper() in document
        assert day.patient.first_names in document
    drug = prescriptions.list.currentItem().text().split(" — ", 1)[1].split(", ")[0]
    assert drug in shown and drug in text and drug in paper
    assert drug == "amoxicilline 1 g" and "Qté : " in text  # in DCI, with its quantity


def test_the_printed_ordonnance_names_its_prescriber(day):
    text = pdf_text(day.produced["ordonnance"])
    rpps = re.search(r"RPPS\D{0,5}(\d{11})", text)
    assert rpps is not None and is_valid_rpps(rpps.group(1))
    assert "démonstration" in text


# --- certificate and letter (Alt+G) ------------------------------------------------------------

def pages_shown(dialog: QDialog) -> int:
    """Pages of the document laid out in the dialog's preview (images, as the eye sees them)."""
    return sum(1 for label in dialog.findChildren(QLabel)
               if label.isVisible() and label.pixmap() is not None
               and not label.pixmap().isNull())


def read_then_sign(keys: Keyboard, dialog: QDialog, seen: dict[str, list[str]]) -> None:
    """« Signer et enregistrer » (Alt+S) shows the document first; pressed again, signs it."""
    keys.press("Alt+S")
    keys.qtbot.waitUntil(lambda: pages_shown(dialog) > 0, timeout=20000)
    seen["before signing"] = [dialog.findChild(QLabel, "dialogError").text()]
    keys.press("Alt+S")


def result_box(keys: Keyboard, seen: dict[str, list[str]]):
    def read(box):
        seen["result"] = [box.text()]
        keys.press("Return")
    return read


def written_pdf(seen: dict[str, list[str]]) -> Path:
    return Path(seen["result"][0].splitlines()[-1])


def test_a_certificate_is_shown_as_it_will_be_signed_then_signed(day, keys):
    record_open(day, keys)
    seen: dict[str, list[str]] = {}

    def write(dialog):
        assert keys.focused_name() == "Texte du certificat"
        error = dialog.findChild(QLabel, "dialogError")
        keys.press("Alt+S")  # nothing certified yet
        seen["refused"] = [error.text()]
        keys.type("Je n'ai constaté aucune contre-indication à la pratique du tennis en "
                  "compétition.")
        seen["typing"] = [error.text()]
        read_then_sign(keys, dialog, seen)

    with keys.dialogs(write, result_box(keys, seen)):
        keys.press("Alt+G")
        keys.press("C")
    assert seen["refused"] == ["Écrivez ce que vous certifiez entre les deux formules."]
    assert seen["typing"] == [""]  # the refusal goes as typing resumes
    assert seen["before signing"] == ["Relisez le document tel qu'il sera signé (à droite), "
                                      "puis « Signer et enregistrer »."]
    pdf = written_pdf(seen)
    assert seen["result"] == [f"Certificat signé enregistré :\n{pdf}"]
    assert pdf.parent == day.folder / "exports"
    assert pdfsig_valid(pdf)
    text = " ".join(pdf_text(pdf).split())
    assert text.count("soussignée") == 1 and text.count("Certificat établi") == 1
    assert f"née le {french(day.patient.birth_date)}" in text
    assert "l'intéressée" in text
    assert "contre-indication à la pratique du tennis en compétition" in text


def test_a_letter_is_shown_as_it_will_be_signed_then_signed(day, keys):
    record_open(day, keys)
    seen: dict[str, list[str]] = {}

    def write(dialog):
        assert keys.focused_name() == "Destinataire"
        keys.type("Dr Paul Durand, pneumologue, Lyon")
        keys.tab_to("Texte du courrier")
        keys.type("Je vous adresse ma patiente pour une pneumopathie qui tarde à guérir.")
        read_then_sign(keys, dialog, seen)

    with keys.dialogs(write, result_box(keys, seen)):
        keys.press("Alt+G")
        keys.press("O")
    pdf = written_pdf(seen)
    assert seen["result"] == [f"Courrier signé enregistré :\n{pdf}"]
    assert pdfsig_valid(pdf)
    text = " ".join(pdf_text(pdf).split())
    assert "Dr Paul Durand, pneumologue, Lyon" in text
    assert "pneumopathie qui tarde à guérir" in text
    assert text.count("Cher confrère") == 1 and text.count("sentiments confraternels") == 1


def test_ctrl_maj_c_writes_a_sport_certificate_from_its_template(day, keys):
    record_open(day, keys)
    seen: dict[str, list[str]] = {}

    def write(dialog):
        keys.press("Alt+M")  # « Modèle »
        keys.press("Down")  # the sport certificate, filled from her record
        assert keys.focused_name() == "Texte du certificat"
        keys.type("tennis")  # over the […] the template left selected
        read_then_sign(keys, dialog, seen)

    with keys.dialogs(write, result_box(keys, seen)):
        keys.press("Ctrl+Shift+C")
    pdf = written_pdf(seen)
    assert seen["result"] == [f"Certificat signé enregistré :\n{pdf}"]
    assert pdfsig_valid(pdf)
    text = " ".join(pdf_text(pdf).split())
    assert (f"certifie avoir examiné ce jour Madame {day.patient.display_name()}, née le "
            f"{french(day.patient.birth_date)}, et n'avoir constaté") in text
    assert "pratique du sport suivant : tennis, en loisir et en compétition." in text
    assert "[…]" not in text and "{{" not in text


# --- a document received ----------------------------------------------------------------------

def test_ctrl_i_imports_a_received_pdf_into_the_documents(day, keys):
    record_open(day, keys)
    received = day.folder / "recus" / "radio-thorax.pdf"

    def choose(dialog):
        day.seen["file dialog"] = [*visible_texts(dialog),
                                   f"dossier : {dialog.directory().absolutePath()}"]
        keys.type(str(received))
        keys.press("Return")

    def describe(dialog):
        keys.tab_to("Titre")
        keys.press("Ctrl+A")
        keys.type("Radiographie thoracique")
        keys.fill("Origine", "Centre d'imagerie")
        keys.press("Alt+E")

    with keys.dialogs(choose, describe):
        keys.press("Ctrl+I")
    documents = day.window.record.documents
    assert day.window.record.tabs.currentWidget() is documents
    listed = [documents.list.list.item(i).text() for i in range(documents.list.list.count())]
    assert f"{french(day.clock.today)} — Courrier reçu : Radiographie thoracique" in listed


def test_the_file_dialog_speaks_french_and_opens_in_the_export_folder(day):
    texts = day.seen["file dialog"]
    assert "Annuler" in texts and "Cancel" not in texts
    assert f"dossier : {day.folder / 'exports'}" in texts


# --- the morning at the agenda: an appointment, her arrival, the encounter, its fee -----------

APPOINTMENT_REASON = "Lombalgie depuis hier"
CHEQUE = "4567890"


def open_menu(keys: Keyboard, menu: QMenu) -> None:
    """Alt and the letter underlined in the menu's title, as the menu bar shows it."""
    letter = QKeySequence.mnemonic(menu.title()).toString()
    keys.press(letter)
    shown = QApplication.activePopupWidget()
    opened = plain(shown.title()) if isinstance(shown, QMenu) else shown
    assert shown is menu, f"{letter} opens « {opened} », not « {plain(menu.title())} »"


def agenda_open(day: Day, keys: Keyboard) -> AgendaWindow:
    """Ctrl+D: the agenda on today, in front with the keyboard."""
    keys.press("Ctrl+D")
    agenda = day.window.agenda.agenda_window
    assert agenda is not None
    keys.qtbot.waitUntil(lambda: QApplication.activeWindow() is agenda, timeout=2000)
    return agenda


def her_appointment_selected(day: Day, keys: Keyboard, agenda: AgendaWindow) -> None:
    """From the grid's first slot, Bas until « Rendez-vous choisi » names her."""
    keys.tab_to("Agenda")
    keys.press("Ctrl+Home")
    for _ in range(agenda.grid.rowCount()):
        if day.patient.display_name() in agenda.selected.text():
            return
        keys.press("Down")
    raise AssertionError(f"her appointment is not in the grid: {agenda.selected.text()}")


def morning_booked(day: Day) -> str:
    """The time of the appointment booked this morning (the booking step ran first)."""
    assert "appointment" in day.seen, "the booking step did not book her appointment"
    return day.seen["appointment"][0]


def test_the_practice_opens_all_day_today_from_the_agenda_menu(day, keys):
    """The Agenda menu by its Alt letter, P, the day's opening hours typed over, Alt+E (the
    practice's clock starts a working weekday at 8 h: slots are ahead all morning)."""
    unlocked(day, keys)
    weekday = WEEKDAYS[day.clock.today.weekday()]

    def setup(dialog):
        keys.tab_to(f"Horaires du {weekday}")
        keys.press("Ctrl+A")
        keys.type("08:00-20:00")
        keys.press("Alt+E")

    with keys.dialogs(setup) as answered:
        open_menu(keys, day.window.agenda)
        keys.press("P")
    assert [plain(d.windowTitle()) for d in answered] == ["Paramétrer l'agenda"]
    assert not answered[0].isVisible()  # saved: the dialog is closed


def test_ctrl_d_opens_today_and_a_slot_to_come_is_given_to_her(day, keys):
    """T today; Bas to the next free slot; N; part of her name, Entrée, her line with Bas;
    Alt+T the type, Alt+M the reason, Alt+E."""
    unlocked(day, keys)
    agenda = agenda_open(day, keys)
    keys.press("T")
    today = day.clock.today
    assert agenda.title.text() == f"<b>{french_day(today).capitalize()}</b>"
    header = agenda.grid.horizontalHeaderItem(0).text()
    assert "\n" not in header, f"the practice's working day shows closed: {header}"
    assert keys.focused_name() == "Agenda"
    soon = day.clock.now().astimezone().replace(tzinfo=None) + dt.timedelta(minutes=2)
    for _ in range(agenda.grid.rowCount()):
        start = agenda.grid.selected_start()
        if start is not None and start >= soon:
            break
        keys.press("Down")
    assert start is not None and start >= soon, "no free slot ahead on the working day"
    part = day.patient.birth_name.lower()[:4]
    seen: dict[str, object] = {}

    def book(dialog):
        seen["when"] = visible_texts(dialog)
        assert keys.focused_name() == "Rechercher le patient"
        keys.type(part)
        keys.press("Return")  # to the patients found
        for _ in range(dialog.found.count()):
            if dialog.found.currentItem().text().startswith(f"{day.patient.display_name()} ("):
                break
            keys.press("Down")
        seen["chosen"] = dialog.found.currentItem().text()
        keys.press("Alt+T")
        keys.type("Su")  # « Suivi court (15 min) »
        keys.press("Alt+M")
        keys.type(APPOINTMENT_REASON)
        keys.press("Alt+E")

    with keys.dialogs(book):
        keys.press("N")
    assert f"{french_day(today)} à {start:%H:%M}" in seen["when"]
    assert seen["chosen"] == f"{day.patient.display_name()} ({french(day.patient.birth_date)})"
    shown = visible_texts(agenda)
    assert "Rendez-vous enregistré." in shown
    assert f"{start:%H:%M} {day.patient.display_name()} — Suivi court" in shown
    day.seen["appointment"] = [f"{start:%H:%M}"]


def test_she_arrives_and_from_the_waiting_room_her_encounter_opens_with_the_reason(day, keys):
    """A on her appointment; Alt+C « Consultation du patient choisi »: the encounter dated
    today, the appointment's reason written in; Alt+E; the appointment is « vu »."""
    time = morning_booked(day)
    unlocked(day, keys)
    agenda = agenda_open(day, keys)
    her_appointment_selected(day, keys, agenda)
    name = day.patient.display_name()
    keys.press("A")
    assert f"{name} : arrivé." in visible_texts(agenda)
    waiting = [agenda.waiting.list.item(i).text() for i in range(agenda.waiting.list.count())]
    assert len(waiting) == 1 and waiting[0].startswith(f"1. {name}, arrivé(e) à ")
    assert waiting[0].endswith(f" — rendez-vous de {time}, Suivi court")
    seen: dict[str, object] = {}

    def write(dialog):
        seen["reason"] = dialog.reason.text()
        seen["date"] = dialog.date.text()
        seen["banner"] = " ".join(visible_texts(dialog))
        keys.fill("Examen clinique", "Contracture paravertébrale droite, Lasègue négatif")
        keys.fill("Conclusion", "Lombalgie commune")
        keys.press("Alt+E")

    with keys.dialogs(write):
        keys.press_button(agenda, "Consultation du patient choisi")
    assert seen["reason"] == APPOINTMENT_REASON
    assert seen["date"] == french(day.clock.today)
    assert f"Patient : {day.window.record.patient_text()}" in seen["banner"]
    shown = visible_texts(agenda)
    assert f"{name} : vu." in shown
    assert f"{time} {name} — Suivi court (vu)" in shown
    assert agenda.waiting.list.count() == 0
    encounters = day.window.record.encounters
    assert encounters.list.currentItem().text() == \
        f"{french(day.clock.today)} — {APPOINTMENT_REASON}"


def test_ctrl_e_records_her_fee_paid_by_cheque_only_with_its_number(day, keys):
    """Ctrl+E on the encounter just written: Alt+A « G », Alt+M « Ch »èque, Alt+E refused
    without its number, Alt+C the number, Alt+E; Ctrl+E again says what is recorded."""
    morning_booked(day)
    record_open(day, keys)
    encounters = day.window.record.encounters
    assert encounters.list.currentItem().text().endswith(APPOINTMENT_REASON)
    seen: dict[str, str] = {}

    def pay(dialog):
        keys.press("Alt+A")
        keys.type("G")
        seen["total"] = dialog.findChild(QLabel, "feeTotal").text()
        seen["offered"] = dialog.paid.text()
        keys.press("Alt+M")
        keys.type("Ch")
        seen["method"] = dialog.method.currentText()
        keys.press("Alt+E")
        seen["refused"] = dialog.findChild(QLabel, "dialogError").text()
        keys.press("Alt+C")
        keys.type(CHEQUE)
        keys.press("Alt+E")

    def read_again(dialog):
        seen["already"] = dialog.findChild(QLabel, "feesAlready").text()
        keys.press("Escape")

    with keys.dialogs(pay):
        keys.press("Ctrl+E")
    with keys.dialogs(read_again):
        keys.press("Ctrl+E")
    g_today = euros(shipped_table(ngap_data()).rate_on("G", day.clock.today)[1])
    assert seen["total"] == g_today
    assert seen["offered"] == g_today.removesuffix(" €")
    assert seen["method"] == "Chèque"
    assert seen["refused"] == "Indiquez le numéro du chèque."
    assert seen["already"] == (f"Déjà noté pour cette consultation : G — {g_today}, "
                               f"payé {g_today}.")
    day.seen["fee"] = [g_today]


def test_ctrl_maj_e_closes_the_day_with_the_cheque_in_its_totals(day, keys):
    """The ledger on today: her line, the day's totals by method, the deposit slip (Alt+C)."""
    morning_booked(day)
    unlocked(day, keys)
    [amount] = day.seen["fee"]
    seen: dict[str, object] = {}

    def read(dialog):
        seen["lines"] = table_rows(dialog.lines)
        seen["day"] = dialog.findChild(QLabel, "dayTotals").text()
        keys.press("Alt+C")  # the « Chèques à remettre » tab
        seen["slip"] = table_rows(dialog.cheques)
        seen["slip total"] = dialog.findChild(QLabel, "slipTotal").text()
        keys.press("Alt+F")

    with keys.dialogs(read):
        keys.press("Ctrl+Shift+E")
    name = day.patient.display_name()
    assert [row[1:] for row in seen["lines"]] == [[name, "Chèque", CHEQUE, amount, ""]]
    totals = re.sub(r"</?b>", "", seen["day"])
    assert totals.startswith(f"Journée du {french(day.clock.today)} : ")
    assert f"chèque {amount}" in totals and totals.endswith(f"total {amount}")
    assert [row[1:] for row in seen["slip"]] == [[name, CHEQUE, amount]]
    assert re.sub(r"</?b>", "", seen["slip total"]) == f"1 chèque(s), total {amount}"


# --- end of the day: the journal, help, lock and unlock ------------------------------------

def test_ctrl_j_shows_the_journal_verified_with_the_day_in_it(day, keys, qtbot):
    unlocked(day, keys)

    def read(dialog):
        verdict = dialog.findChild(QLabel, "chainVerdict")
        qtbot.waitUntil(lambda: "Journal intègre" in verdict.text(), timeout=20000)
        day.seen["journal"] = [verdict.text(), *(" | ".join(row) for row in table_rows(
            dialog.table))]
        keys.press("Escape")

    with keys.dialogs(read):
        keys.press("Ctrl+J")
    verdict, *rows = day.seen["journal"]
    assert verdict.startswith("Journal intègre")
    actions = {row.split(" | ")[3] for row in rows}
    assert {"Connexion", "Lecture", "Création", "Export", "Administration"} <= actions


def test_the_journal_names_the_settings_changed_in_french(day):
    rows = day.seen["journal"][1:]
    assert [row for row in rows if "paramètres modifiés : Dossier des exports" in row]
    assert not [row for row in rows if "export_folder" in row]


def test_the_journal_holds_the_mornings_appointment_arrival_and_fee(day):
    morning_booked(day)
    [amount] = day.seen["fee"]
    rows = [row.split(" | ") for row in day.seen["journal"][1:]]
    said = {(row[3], row[6]) for row in rows}
    assert ("Administration", "paramétrage de l'agenda") in said
    hour, minute = day.seen["appointment"][0].split(":")
    booked = [row for row in rows if row[3] == "Création" and row[6].startswith(
        f"Suivi court, {day.clock.today:%d/%m/%Y} {int(hour)} h {minute}")]
    assert len(booked) == 1
    assert booked[0][5].startswith("Rendez-vous n° ")  # in French, never « appointment:12 »
    patient = booked[0][4]  # her number: the arrival, the « vu » and the fee name her too
    assert len([row for row in rows if row[3] == "Correction" and row[4] == patient
                and row[6].startswith("statut : ")]) == 2
    assert ("Création", f"{amount}, payé {amount}, tiers payant 0,00 €") in {
        (row[3], row[6]) for row in rows if row[4] == patient}


def test_f1_lists_the_shortcuts_of_the_day(day, keys):
    seen = {}

    def read(box):
        seen["help"] = box.text()
        keys.press("Return")

    with keys.dialogs(read):
        keys.press("F1")
    for shortcut in ("Ctrl+F", "Ctrl+N", "Ctrl+P", "Ctrl+Maj+P", "Alt+G", "Ctrl+I", "Ctrl+J",
                     "Ctrl+L"):
        assert shortcut in seen["help"]
    assert "Ctrl+Maj+P" in menu_shortcuts(day.window)  # spelled in the menus as in the help


def menu_shortcuts(window: MainWindow) -> set[str]:
    """The shortcuts the menu bar's menus show beside their entries."""
    shown = set()
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            shown.add(action.shortcut().toString(QKeySequence.SequenceFormat.NativeText))
    return shown


def test_ctrl_l_locks_and_nothing_of_the_patient_stays_on_screen(day, keys):
    record_open(day, keys)
    keys.press("Ctrl+L")
    window = day.window
    assert window.who.text() == "Verrouillé"
    assert window.lock_screen.isVisible() and not window.search.isVisible()
    shown = " ".join(visible_texts(window))
    assert day.patient.birth_name.upper() not in shown
    assert day.patient.nir not in shown
    assert QApplication.clipboard().text() == ""
    assert keys.focused_name() == "Mot de passe de démonstration"


def test_unlocked_again_the_day_resumes_from_a_clean_search(day, keys):
    unlocked(day, keys)
    window = day.window
    assert window.search.field.text() == ""
    assert window.search.results.rowCount() == 0 and window.search.recent.count() == 0
    assert window.record.placeholder.isVisible()
    search(keys, day.patient.birth_name)
    keys.press("Return")
    keys.press("Alt+C")  # the « Consultations » tab
    assert f"{french(day.clock.today)} — Toux fébrile" in [
        window.record.encounters.list.item(i).text()
        for i in range(window.record.encounters.list.count())]
