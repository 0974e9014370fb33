r"""Screenshots of Cabinet's main screens, taken from a real X server (Xvfb) on a demo vault.

    xvfb-run -a -s "-screen 0 1440x900x24" uv run python \
        docs/screenshots/take_screenshots.py DEMO_VAULT_DIR [OUT_DIR]

The demo vault is created (200 synthetic patients, seed 1) when the folder holds none.
Screens are captured from the X server's framebuffer (`QScreen.grabWindow`), so they show
what a physician would see, fonts and style included. Modal dialogs are driven from timers,
as `tests/helpers/qt.py` does. Each run adds an encounter and a prescription to the vault.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QWidget,
)

from cabinet.bootstrap import VaultDoor
from cabinet.cli import main as cabinet_main
from cabinet.ui.audit_viewer import AuditViewer
from cabinet.ui.encounter_dialog import EncounterDialog
from cabinet.ui.main_window import MainWindow
from cabinet.ui.prescription_dialog import PrescriptionDialog

SETTLE_MS = 400  # let the X server draw before grabbing
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


def save_png(widget: QWidget, path: Path) -> None:
    """Grab the widget's area from the screen and save it as a compact PNG."""
    QTest.qWait(SETTLE_MS)
    screen = widget.screen()
    frame = widget.frameGeometry()
    image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).toImage()
    image.convertToFormat(QImage.Format.Format_RGB888).save(str(path), "PNG", 0)
    print(f"{path} ({path.stat().st_size // 1024} KB)")


def when_dialog_shows(answer: Callable[[QDialog], None]) -> None:
    """Run `answer` on the next modal dialog, once it is shown (its `exec` blocks)."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            answer(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def click_save(dialog: QDialog) -> None:
    """Press the dialog's Save button."""
    assert isinstance(dialog, EncounterDialog | PrescriptionDialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def ensure_demo_vault(folder: Path) -> None:
    """Create the demo vault if the folder holds none."""
    if not VaultDoor(folder).exists():
        cabinet_main(["demo", "--vault", str(folder), "--patients", "200", "--no-gui"])


def shortcut(window: MainWindow, key: Qt.Key) -> None:
    """Press Ctrl+key in the main window, as the physician would."""
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)


def button(parent: QWidget, text: str) -> QPushButton:
    """The push button whose label starts with `text` (mnemonics ignored)."""
    return next(b for b in parent.findChildren(QPushButton)
                if b.text().replace("&", "").startswith(text))


def take(window: MainWindow, out: Path) -> None:
    """Walk through the screens, saving one PNG for each."""
    save_png(window, out / "lock-screen.png")
    QTest.keyClicks(window.lock_screen.secret, "demo")
    QTest.keyClick(window.lock_screen.secret, Qt.Key.Key_Return)
    assert window.ctx is not None, window.lock_screen.error.text()
    patient_id = int(window.ctx.vault.conn.execute(PATIENT_QUERY).fetchone()[0])
    name = window.ctx.vault.conn.execute("SELECT display_name FROM patient_index WHERE "
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
        save_png(dialog, out / "prescription.png")
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
    window.lock()


def main() -> int:
    """Create the vault if needed, open the window on X11 and take every screenshot."""
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    ensure_demo_vault(folder)
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Cabinet")
    if QGuiApplication.platformName() != "xcb":
        print(f"warning: running on {QGuiApplication.platformName()}, not X11", file=sys.stderr)
    window = MainWindow(VaultDoor(folder))
    window.move(0, 0)
    window.show()
    QTest.qWaitForWindowExposed(window)
    take(window, out)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
