r"""Screenshots of Cabinet's main screens, taken from a real X server (Xvfb) on a demo vault.

    xvfb-run -a -s "-screen 0 1366x768x24" uv run python \
        docs/screenshots/take_screenshots.py DEMO_VAULT_DIR [OUT_DIR]

The demo vault is created (200 synthetic patients, seed 1) when the folder holds none.
Screens are captured from the X server's framebuffer (`QScreen.grabWindow`), so they show
what a physician would see, fonts and style included, the window filling a 1366×768 laptop
screen, Qt's own texts in French as `cabinet` starts them. Modal dialogs are driven from timers,
as `tests/helpers/qt.py` does. Each run adds an encounter and a prescription to the vault,
and records (again) a few patients' choices for the cessation of activity.

The portability archive of the whole practice is written into a temporary folder, then
checked for import into a second demo vault, made there too, where two patients of the
first were already created: the import's summary shows them as possible duplicates. The
register of copy requests is shown in that second vault, so that its dates stay current.
"""

import datetime as dt
import importlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QMenu,
    QPushButton,
    QWidget,
)

from cabinet.bootstrap import AppContext, VaultDoor
from cabinet.cli import main as cabinet_main
from cabinet.documents.demo_certificate import demo_signer
from cabinet.domain.identity import Identity
from cabinet.domain.rights import CopyRequest
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.services.results import Received
from cabinet.ui.app import prepare_application
from cabinet.ui.exports.copy_requests import CopyRequestsDialog
from cabinet.ui.exports.seizure_dialog import SeizureDialog
from cabinet.ui.main_window import MainWindow
from cabinet.ui.portability.archive_export import ArchiveExportDialog, ArchiveWrittenDialog
from cabinet.ui.portability.archive_import import SEPARATE, ArchiveImportDialog
from cabinet.ui.portability.cessation_dialog import CessationDialog
from cabinet.ui.record.audit_viewer import AuditViewer
from cabinet.ui.record.encounter_dialog import EncounterDialog
from cabinet.ui.record.prescription_dialog import PrescriptionDialog

AGENDA_DAY = (  # (hour, minute), (type, minutes), reason: one day of the demo's agenda
    ((9, 0), ("Consultation", 20), "Fièvre depuis deux jours"),
    ((9, 30), ("Suivi court", 15), "Renouvellement"),
    ((9, 45), ("Consultation", 20), "Certificat de sport"),
    ((10, 15), ("Consultation longue", 40), "Bilan annuel, diabète"),
    ((11, 15), ("Consultation", 20), "Lombalgie"),
    ((14, 0), ("Visite à domicile", 30), "Visite, patiente alitée"),
    ((15, 0), ("Consultation", 20), "Suivi HTA"),
    ((16, 0), ("Suivi court", 15), "Vaccin grippe"),
    ((17, 30), ("Consultation", 20), "Toux"))
SETTLE_MS = 400  # let the X server draw before grabbing
SCREEN = (1366, 768)  # a common laptop screen, the smallest the window is laid out for
# PySide6 6.12.0 on Python 3.11 drops a reference to None on every Qt call returning void,
# and None is immortal only from 3.12: without these extra references the journal viewer's
# 16,000 `setItem` calls abort the process ("none_dealloc"). Never released.
NONE_BALLAST = [None] * 2_000_000 if sys.version_info < (3, 12) else []
# The patient shown: an adult with an allergy, treatments, documents, prescriptions; most
# history (the demo generator gives any history to any age).
PATIENT_QUERY = """
SELECT patient_id FROM entry GROUP BY patient_id
HAVING (SELECT birth_date FROM patient_index i WHERE i.patient_id = entry.patient_id)
       < date('now', '-45 years')
   AND sum(kind = 'allergy' AND json_extract(payload, '$.substance') IS NOT NULL) > 0
   AND sum(kind = 'treatment') > 0 AND sum(kind = 'document') > 0
   AND sum(kind = 'prescription') > 0
ORDER BY sum(kind IN ('history', 'treatment', 'risk_factor')) DESC, count(*) DESC, patient_id
LIMIT 1"""
ENCOUNTER = {"reason": "Suivi hypertension artérielle",
             "history": "Pas de céphalées ni de douleur thoracique. Bonne observance.",
             "examination": "Auscultation cardio-pulmonaire normale. Pas d'œdème des membres "
                            "inférieurs. Pouls pédieux perçus.",
             "conclusion": "HTA équilibrée sous traitement.",
             "plan": "Poursuite du traitement. Bilan biologique. Revoir dans 3 mois."}
VITALS = {"weight": "72,5", "height": "170", "systolic": "132", "diastolic": "84",
          "heart_rate": "68", "temperature": "36,8", "spo2": "98"}
NEW_LINE = {"drug": "Paracétamol 1 g", "dosage": "1 comprimé si douleur, 3 par jour au plus",
            "duration": "5 jours", "ald": False}
SUCCESSOR = "Dr Antoine Lemoine, 12 place Bellecour, 69002 Lyon"
HANDOVER = "Remise au successeur, le Dr Antoine Lemoine"
COUNCIL = "Conseil départemental de l'Ordre du Rhône"
KEPT_AT = "Archive du reliquat chiffrée, remise au Dr Lemoine sur support scellé"
OTHER_PHYSICIAN = "Dr Hélène Marchand, Villeurbanne"
# Cessation choices: (choice, physician chosen, days ago), the first for the open record.
CHOICES = (("successor", "", 21), ("other", OTHER_PHYSICIAN, 14), ("successor", "", 9),
           ("successor", "", 3))
# Copy requests in the second vault: (requester, name or None for the patient, checks,
# days ago, delivered); then the form is filled for a guardian's request, not registered.
COPY_REQUESTS = (("patient", None, ("id_presented",), 5, True),
                 ("physician", OTHER_PHYSICIAN, ("id_copy", "standing_proof"), 12, False),
                 ("patient", None, ("known_person",), 1, False))
GUARDIAN = "Mme Sophie Garnier, mandataire judiciaire"


def save_png(widget: QWidget, path: Path) -> None:
    """Grab the widget's area from the screen and save it as a compact PNG."""
    QTest.qWait(SETTLE_MS)
    screen = widget.screen()
    frame = widget.frameGeometry()
    image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).toImage()
    image.convertToFormat(QImage.Format.Format_RGB888).save(str(path), "PNG", 0)
    print(f"{path} ({path.stat().st_size // 1024} KB)")


def when_dialog_shows(answer: Callable[[QDialog], None],
                      kind: type[QDialog] = QDialog) -> None:
    """Run `answer` on the next modal dialog of type `kind`, once shown (its `exec` blocks).

    Other dialogs, such as a job's progress dialog, are waited through.
    """
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            answer(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def click_save(dialog: QDialog) -> None:
    """Press the dialog's Save button."""
    assert isinstance(dialog, EncounterDialog | PrescriptionDialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def ensure_demo_vault(folder: Path, patients: int = 200) -> None:
    """Create the demo vault if the folder holds none."""
    if not VaultDoor(folder).exists():
        cabinet_main(["demo", "--vault", str(folder), "--patients", str(patients), "--no-gui"])


def open_window(folder: Path) -> MainWindow:
    """The main window on the vault in `folder`, filling the laptop's screen, locked."""
    window = MainWindow(VaultDoor(folder))
    window.move(0, 0)
    window.resize(*SCREEN)
    window.show()
    QTest.qWaitForWindowExposed(window)
    return window


def unlock(window: MainWindow) -> AppContext:
    """Type the demo password on the lock screen."""
    QTest.keyClicks(window.lock_screen.secret, "demo")
    QTest.keyClick(window.lock_screen.secret, Qt.Key.Key_Return)
    assert window.ctx is not None, window.lock_screen.error.text()
    for _ in range(600):  # the drug base opens off the GUI thread (its first import: seconds)
        if window.record.drugs.base is not None:
            break
        QTest.qWait(50)
    return window.ctx


def shortcut(window: MainWindow, key: Qt.Key) -> None:
    """Press Ctrl+key in the main window, as the physician would."""
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)


def button(parent: QWidget, text: str) -> QPushButton:
    """The push button whose label starts with `text` (mnemonics ignored)."""
    return next(b for b in parent.findChildren(QPushButton)
                if b.text().replace("&", "").startswith(text))


def choose(window: MainWindow, menu_title: str, item: str) -> None:
    """Trigger the menu bar's `menu_title` › `item` (mnemonics ignored), as a click would.

    Returns once the dialog it opens is closed.
    """
    def plain(text: str) -> str:
        return text.replace("&", "")

    menu = next(m for m in window.findChildren(QMenu) if plain(m.title()) == menu_title)
    next(a for a in menu.actions() if plain(a.text()).startswith(item)).trigger()


def take(window: MainWindow, out: Path) -> int:
    """Walk through the main screens, saving one PNG for each; return the patient shown."""
    save_png(window, out / "lock-screen.png")
    ctx = unlock(window)
    patient_id = int(ctx.vault.conn.execute(PATIENT_QUERY).fetchone()[0])
    name = ctx.vault.conn.execute("SELECT display_name FROM patient_index WHERE "
                                  "patient_id = ?", (patient_id,)).fetchone()[0]
    search, record = window.search, window.record
    QTest.keyClicks(search.field, str(name).split()[0][:3].lower())
    ids = [row.patient_id for row in search._rows]  # the rows' ids are not shown
    for _ in range(ids.index(patient_id)):
        QTest.keyClick(search.field, Qt.Key.Key_Down)
    QTest.keyClick(search.field, Qt.Key.Key_Return)
    assert record.patient_id == patient_id
    save_png(window, out / "record-summary.png")

    record.tabs.setCurrentWidget(record.encounters)
    save_png(window, out / "encounters.png")

    def fill_encounter(dialog: QDialog) -> None:
        assert isinstance(dialog, EncounterDialog)
        dialog.date.setDate(QDate.currentDate())
        dialog.reason.setText(ENCOUNTER["reason"])
        for key, text in ENCOUNTER.items():
            if key in dialog.texts:
                dialog.texts[key].setPlainText(text)
        for code, value in VITALS.items():
            dialog.vitals[code].setText(value)
        assert dialog.bmi.text().startswith("IMC : 25"), dialog.bmi.text()
        save_png(dialog, out / "new-encounter.png")
        click_save(dialog)

    when_dialog_shows(fill_encounter)
    shortcut(window, Qt.Key.Key_N)

    def renew(dialog: QDialog) -> None:
        assert isinstance(dialog, PrescriptionDialog)
        dialog.add_line(NEW_LINE)
        dialog.table.resizeRowsToContents()
        assert dialog.search is not None, "the drug base did not open"
        dialog.search.field.setText("doli 1000")  # the drug base searched as typed
        save_png(dialog, out / "prescription.png")
        dialog.search.field.clear()
        click_save(dialog)

    record.tabs.setCurrentWidget(record.prescriptions)
    when_dialog_shows(renew)
    # The button rather than Ctrl+R: with Ctrl still held when the dialog fills its table,
    # every renewed line shows selected (reported, not fixed here).
    QTest.mouseClick(button(record.prescriptions, "Renouveler"), Qt.MouseButton.LeftButton)

    record.tabs.setCurrentWidget(record.documents)
    assert record.documents.viewer.pages, "the selected document was not rendered"
    save_png(window, out / "documents.png")

    record.tabs.setCurrentWidget(record.access)
    save_png(window, out / "access-history.png")

    def journal(dialog: QDialog) -> None:
        assert isinstance(dialog, AuditViewer)
        save_png(dialog, out / "audit-viewer.png")
        dialog.accept()

    when_dialog_shows(journal)
    shortcut(window, Qt.Key.Key_J)
    return patient_id


def take_results(window: MainWindow, out: Path, patient_id: int) -> None:
    """The « Résultats » tab: two years of monthly HPRIM reports filed, the glucose curve.

    The files come from the tests' HPRIM writer; a second run finds them already received.
    """
    sys.path.append(str(Path(__file__).resolve().parents[2] / "tests"))
    monthly_files = importlib.import_module("helpers.hprim_files").monthly_files

    ctx = window.context()
    who = ctx.patients.identity(patient_id)
    for content in monthly_files(24, last_name=(who.used_name or who.birth_name).upper(),
                                 first_name=who.first_names.split()[0], nir=who.nir,
                                 birth_date=f"{who.birth_date:%d/%m/%Y}"):
        if ctx.results.receive("labo.hpr", content) is Received.PENDING:
            ctx.results.attach(ctx.results.pending()[-1].file.file_id, patient_id)
    record = window.record
    record.tabs.setCurrentWidget(record.results)
    record.results.choose("Glycémie")
    save_png(window, out / "results.png")


def take_archive_export(window: MainWindow, out: Path, usb: Path) -> tuple[Path, str]:
    """Export the whole practice into `usb` with a passphrase; return the archive and it."""
    shown: dict[str, str] = {}

    def read_result(dialog: QDialog) -> None:
        assert isinstance(dialog, ArchiveWrittenDialog) and dialog.noted is not None
        shown["passphrase"] = dialog.passphrase.text()
        save_png(dialog, out / "archive-passphrase.png")
        dialog.noted.setChecked(True)
        dialog.accept()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ArchiveExportDialog)
        assert dialog.whole.isChecked() and dialog.to_passphrase.isChecked()
        dialog.comments.setText(HANDOVER)
        dialog.folder.setText(str(usb))  # the settings' export folder stays as it is
        save_png(dialog, out / "archive-export.png")
        when_dialog_shows(read_result, ArchiveWrittenDialog)
        # Signs, writes on the worker thread behind the progress dialog, then shows the
        # result: returns once the result dialog is closed, or with the form's error.
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        if dialog.written is None:
            shown["error"] = dialog.error.text() or "export abandoned"
            dialog.reject()

    when_dialog_shows(fill)
    choose(window, "Portabilité", "Exporter une archive de portabilité")
    assert "error" not in shown, shown["error"]
    [archive] = usb.glob("*.cabarch")
    return archive, shown["passphrase"]


def take_cessation(window: MainWindow, out: Path) -> None:
    """Record a few patients' choices in the cessation dialog: the open record's, then others'."""
    ctx = window.ctx
    assert ctx is not None and window.record.patient_id is not None
    others = [int(row[0]) for row in ctx.vault.conn.execute(
        "SELECT patient_id FROM patient_index WHERE patient_id != ? ORDER BY patient_id "
        "LIMIT ?", (window.record.patient_id, len(CHOICES) - 1))]
    today = QDate.currentDate()

    def record_choices(dialog: QDialog) -> None:
        assert isinstance(dialog, CessationDialog)
        dialog.successor.setText(SUCCESSOR)
        dialog.council.setText(COUNCIL)
        dialog.kept_at.setText(KEPT_AT)
        for (choice, physician, days), patient in zip(CHOICES, [None, *others], strict=True):
            if patient is not None:
                dialog.patient.setText(str(patient))
            dialog.choice.setCurrentIndex(dialog.choice.findData(choice))
            dialog.physician.setText(physician)
            dialog.decided_on.setDate(today.addDays(-days))
            button(dialog, "Enregistrer le choix").click()
            assert not dialog.error.text(), dialog.error.text()
        dialog.table.clearSelection()
        button(dialog, "Enregistrer le choix").setFocus()  # not the date of cessation
        save_png(dialog, out / "cessation.png")
        dialog.reject()

    when_dialog_shows(record_choices)
    choose(window, "Portabilité", "Cessation d'activité")


def take_seizure(window: MainWindow, out: Path) -> None:
    """The seizure dialog's first page, on the open record; nothing is exported."""
    def first_page(dialog: QDialog) -> None:
        assert isinstance(dialog, SeizureDialog)
        save_png(dialog, out / "seizure.png")
        dialog.reject()

    when_dialog_shows(first_page)
    choose(window, "Documents signés", "Saisie judiciaire")


def take_certificate(window: MainWindow, out: Path) -> None:
    """The sport certificate filled from its template, previewed; nothing is signed."""
    from cabinet.ui.exports.export_dialogs import CertificateDialog

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, CertificateDialog)
        dialog.template.choose("sport")
        QTest.keyClicks(dialog.statement, "football")
        dialog.show_document()
        save_png(dialog, out / "certificate-template.png")
        dialog.reject()

    when_dialog_shows(fill, CertificateDialog)
    choose(window, "Documents signés", "Nouveau certificat")


def take_ledger(window: MainWindow, out: Path) -> None:
    """The day's livre-journal des recettes, after the fees of a few of today's encounters."""
    from cabinet.domain.fees import FeeInput
    from cabinet.ui.fees.ledger_window import LedgerWindow

    ctx = window.context()
    encounters = ctx.vault.conn.execute(  # the latest encounter of six patients
        "SELECT lineage, max(effective_date) FROM entry WHERE kind = 'encounter' "
        "GROUP BY patient_id ORDER BY 2 DESC LIMIT 6").fetchall()
    payments = (("cheque", 0), ("card", 0), ("cash", 0), ("card", 2100), ("cheque", 0),
                ("transfer", 0))
    for (lineage, dated), (method, third_party) in zip(encounters, payments, strict=True):
        total = ctx.fees.quote(FeeInput((("G", 1),)),
                               dt.date.fromisoformat(dated[:10])).total_cents
        ctx.fees.record(lineage, FeeInput(
            (("G", 1),), total - third_party, method,
            f"{4_810_000 + lineage}" if method == "cheque" else "", third_party))

    def grab(dialog: QDialog) -> None:
        save_png(dialog, out / "ledger.png")
        dialog.reject()

    when_dialog_shows(grab, LedgerWindow)
    choose(window, "Fichier", "Livre des recettes")


def take_agenda(window: MainWindow, out: Path) -> None:
    """The agenda of the week, then today with three patients in the waiting room.

    The appointments are written straight into the demo vault's agenda (earlier ones of the
    day cannot be given through the service, which refuses a slot already passed).
    """
    from cabinet.services.agenda_ports import AppointmentRow
    from cabinet.ui.agenda.agenda_window import AgendaWindow
    from cabinet.vault.agenda_store import SqlAgendaStore

    ctx = window.context()
    today = ctx.clock.now().astimezone().date()
    store = SqlAgendaStore(ctx.vault.conn)
    patients = [r[0] for r in ctx.vault.conn.execute(
        "SELECT patient_id FROM patient_index ORDER BY sort_name LIMIT 60")]
    monday = today - dt.timedelta(days=today.weekday())
    with ctx.vault.store.transaction():
        for number, (offset, (hour, minute), kind, reason) in enumerate(
                (o, slot, kind, reason) for o in range(5) for slot, kind, reason in AGENDA_DAY):
            day = monday + dt.timedelta(days=offset)
            start = dt.datetime.combine(day, dt.time(hour, minute))
            status, arrived = ("vu", "") if day < today else ("prevu", "")
            if day == today and number % len(AGENDA_DAY) in (0, 1, 2):
                status = "arrive"
                arrived = (dt.datetime.combine(day, dt.time(hour, minute)) - dt.timedelta(
                    minutes=7)).astimezone(dt.UTC).isoformat(timespec="milliseconds")
            if day < today and number % 9 == 4:
                status = "absent"
            store.add_appointment(AppointmentRow(
                0, patients[number % len(patients)], kind[0], start.isoformat(
                    timespec="minutes"), kind[1], reason, status, arrived, ""),
                "demo", ctx.trail.now())

    def grab(agenda: AgendaWindow) -> None:
        agenda.move(0, 0)
        agenda.resize(*SCREEN)
        agenda.toggle_week()
        save_png(agenda, out / "agenda-week.png")
        agenda.toggle_week()
        save_png(agenda, out / "waiting-room.png")
        agenda.close()

    shortcut(window, Qt.Key.Key_D)
    assert window.agenda.agenda_window is not None
    grab(window.agenda.agenda_window)


def known_patients(ctx: AppContext, patient_id: int) -> list[Identity]:
    """Two patients of the first vault, as the second vault will already know them.

    The patient shown, in full; another by birth name and birth date alone (no NIR).
    """
    other = int(ctx.vault.conn.execute("SELECT min(patient_id) FROM patient_index WHERE "
                                       "patient_id != ?", (patient_id,)).fetchone()[0])
    again = ctx.patients.identity(other)
    return [ctx.patients.identity(patient_id),
            Identity(again.birth_name, again.first_names, again.sex, again.birth_date)]


def take_successor(folder: Path, out: Path, *, archive: Path, passphrase: str,
                   known: list[Identity], usb: Path) -> None:
    """A second demo vault knowing two patients of the first: the import, the copy requests.

    The import's summary shows them as possible duplicates; the register of copy requests is
    the first one's.
    """
    ensure_demo_vault(folder, patients=0)
    window = open_window(folder)
    ctx = unlock(window)
    patients = [ctx.patients.create(identity) for identity in known]
    take_import(window, out, archive, passphrase)
    take_copy_requests(window, out, patients[0], known[0], usb)
    window.close()  # locks


def take_import(window: MainWindow, out: Path, archive: Path, passphrase: str) -> None:
    """The import dialog on its summary, one possible duplicate decided, one not."""
    def check(dialog: QDialog) -> None:
        assert isinstance(dialog, ArchiveImportDialog)
        dialog.use_archive(archive)
        dialog.passphrase.setText(passphrase)
        dialog.check.click()  # checks on the worker thread; returns once it has ended
        assert dialog.pages.currentIndex() == 1, dialog.error.text()
        table = dialog.duplicates
        for row in range(table.rowCount()):
            reason = table.item(row, 2)
            if reason is not None and reason.text().startswith("même nom"):
                decision = table.cellWidget(row, 3)
                assert isinstance(decision, QComboBox)
                decision.setCurrentIndex(decision.findData(SEPARATE))
        save_png(dialog, out / "archive-import.png")
        dialog.reject()

    when_dialog_shows(check)
    choose(window, "Portabilité", "Importer une archive")


def take_copy_requests(window: MainWindow, out: Path, patient_id: int, identity: Identity,
                       usb: Path) -> None:
    """The register of copy requests: one copy given, one late, one in its 48 hours."""
    ctx = window.ctx
    assert ctx is not None
    today = ctx.clock.now().astimezone().date()
    for requester, name, checks, days, delivered in COPY_REQUESTS:
        request_id = ctx.copies.register(patient_id, CopyRequest(
            requester, name or identity.display_name(), checks,
            today - dt.timedelta(days=days)))
        if delivered:
            ctx.copies.deliver(request_id, Output(demo_signer(), usb, CancelToken()),
                               with_history=True)
    window.record.open_patient(patient_id)

    def register(dialog: QDialog) -> None:
        assert isinstance(dialog, CopyRequestsDialog)
        dialog.requester.setCurrentIndex(dialog.requester.findData("guardian"))
        dialog.name.setText(GUARDIAN)
        for check in ("id_presented", "standing_proof"):
            dialog.checks[check].setChecked(True)
        save_png(dialog, out / "copy-requests.png")
        dialog.reject()

    when_dialog_shows(register)
    choose(window, "Documents signés", "Demandes de copie")


def main() -> int:
    """Create the vault if needed, open the window on X11 and take every screenshot."""
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    ensure_demo_vault(folder)
    prepare_application()
    if QGuiApplication.platformName() != "xcb":
        print(f"warning: running on {QGuiApplication.platformName()}, not X11", file=sys.stderr)
    window = open_window(folder)
    patient_id = take(window, out)
    take_results(window, out, patient_id)
    # The first folder stands for the USB key the archive goes to (its path is shown).
    with tempfile.TemporaryDirectory(prefix="cle-usb-") as usb_key, \
            tempfile.TemporaryDirectory(prefix="cabinet-successeur-") as successor:
        usb = Path(usb_key)
        archive, passphrase = take_archive_export(window, out, usb)
        take_cessation(window, out)
        take_seizure(window, out)
        take_certificate(window, out)
        take_ledger(window, out)
        take_agenda(window, out)
        assert window.ctx is not None
        known = known_patients(window.ctx, patient_id)
        window.close()  # locks
        take_successor(Path(successor) / "coffre", out, archive=archive,
                       passphrase=passphrase, known=known, usb=usb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
