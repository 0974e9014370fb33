"""GUI measures (``--gui``): cold start to the lock screen, unlock, and event-loop stalls.

- `cold_start`: from just before a fresh interpreter is spawned to the end of the lock
  screen's first paint pass (`cold_start.py`, offscreen Qt), repeated; `bare_qt_start` is the
  same for an empty PySide6 window, the floor no application can beat, and the detail gives
  their ratio (p50, same run); `cold_start_ready` runs to the end of the work the window
  does after that paint. The modules loaded at the paint are listed, and one more start
  under ``-X importtime`` gives the import cost of each third-party package and the module
  that imported it.
- `unlock`: the first `MainWindow.unlock` of each of those processes, demo credential,
  until the unlocked window is repainted.
- `event_loop_stall`: a scripted session on the workload's vault, driven by key and mouse
  events from timers so modal dialogs run in their own event loops, while a 5 ms timer
  records how late each of its ticks comes; every tick is attributed to the scripted step
  running then. Its budget applies to the longest stall, not to the p95, and to each step's.
  The session unlocks with the development card (`card_stack`), answers a judicial seizure
  of the 500-encounter record as the window does (menu, rule, names, signed export), and
  prints a signed prescription to the tests' CUPS queue (cups-pdf) through the print
  preview. `gui_detail.event_loop_stall` gives the longest stall of the card unlock and of
  the seizure apart.
- `prescription_dialog_open`: within that session, Ctrl+P until the prescription dialog's
  first paint pass is over (the drug base open, its search ready), repeated after one
  untimed opening.
"""

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox, QWidget

from benchmarks import card_stack
from benchmarks.scales import COLD_START_OVER_BARE, STALL_BUDGET_MS
from benchmarks.timing import Stats
from benchmarks.workload import open_context
from cabinet.bootstrap import VaultDoor
from cabinet.ui.common.dialogs import DRAFT_DELAY_MS
from cabinet.ui.common.printing import PrintPreview
from cabinet.ui.exports.seizure_dialog import SeizureDialog
from cabinet.ui.main_window import MainWindow
from cabinet.ui.record.encounter_dialog import EncounterDialog
from cabinet.ui.record.prescription_dialog import PrescriptionDialog

COLD_STARTS = 10
CHILD = Path(__file__).resolve().parent / "cold_start.py"
SHOULD_BE_LAZY = ("reportlab", "pyhanko", "fhir", "faker", "pypdfium2")  # DESIGN section 6
NOT_THIRD_PARTY = {"cabinet", "benchmarks", "PySide6", "shiboken6", "__main__", "__feature__",
                   "shibokensupport", "signature_bootstrap"}
PROBE_MS = 5
KEY_PAUSE_MS = 60  # a brisk typist
STEP_PAUSE_MS = 300  # looking at the screen between two actions
SESSION_TIMEOUT_MS = 180_000
PRESCRIPTION_OPENINGS = 20  # timed, after one untimed
NONE_BALLAST: list[None] = []  # see `none_refs_dropped_per_call`
IMPORT_LINE = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)$")
SEIZURE_TEXT = {
    "magistrate": "Mme Claire Juge, juge d'instruction",
    "decision": "Ordonnance de saisie n° 26/123 du 3 décembre 2026",
    "representative": "Dr Paul Ordre, conseil départemental de l'Ordre",
}
ENCOUNTER_TEXT = {
    "reason": "Suivi HTA",
    "examination": "TA 135/85 aux deux bras, auscultation cardio-pulmonaire normale.",
    "weight": "72,5", "height": "170", "systolic": "135", "diastolic": "85",
    "conclusion": "HTA équilibrée",
    "plan": "Poursuite du traitement, contrôle dans 3 mois.",
}


@dataclass
class GuiRun:
    """What the GUI measures found: stats by operation and the details behind them."""

    results: dict[str, Stats] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)


def measure(vault_folder: Path, record_patient_id: int, say: Callable[[str], None]) -> GuiRun:
    """Every GUI measure on the workload's vault (which must be closed meanwhile)."""
    run = GuiRun()
    say(f"Measuring cold start to the lock screen ({COLD_STARTS} fresh processes)")
    _cold_starts(vault_folder, run)
    say("Measuring event-loop stalls in a scripted session")
    _session(vault_folder, record_patient_id, run)
    return run


# --- cold start and first unlock, in fresh processes ------------------------------------
def _start_once(argument: str, *flags: str) -> tuple[float, dict[str, Any], str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - this interpreter running our own script
        [sys.executable, *flags, str(CHILD), argument], env=env, capture_output=True,
        text=True, timeout=120, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"cold start failed ({done.returncode}): {done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(lines[-1])
    return (report["painted"] - start) * 1000.0, report, done.stderr


def _cold_starts(vault_folder: Path, run: GuiRun) -> None:
    _start_once(str(vault_folder))  # warm the page cache: cold start here means a new process
    app_ms, ready_ms, bare_ms, unlock_ms = [], [], [], []
    report: dict[str, Any] = {}
    for _ in range(COLD_STARTS):
        bare_ms.append(_start_once("--bare")[0])
        elapsed, report, _ = _start_once(str(vault_folder))
        app_ms.append(elapsed)
        ready_ms.append(elapsed + (report["ready"] - report["painted"]) * 1000.0)
        if report["unlock_ms"] is None:
            raise RuntimeError("the demo credential did not unlock the vault")
        unlock_ms.append(report["unlock_ms"])
    app, bare = Stats(tuple(app_ms)), Stats(tuple(bare_ms))
    run.results["cold_start"] = app
    run.results["cold_start_ready"] = Stats(tuple(ready_ms))
    run.results["bare_qt_start"] = bare
    run.results["unlock"] = Stats(tuple(unlock_ms))
    loaded = sorted({m.split(".")[0] for m in report["modules"]}
                    - set(sys.stdlib_module_names) - NOT_THIRD_PARTY)
    costs = _import_costs(_start_once(str(vault_folder), "-X", "importtime")[2])
    run.detail["cold_start"] = {
        "platform": "offscreen",
        "over_bare_qt": {"cold_start_p50_ms": round(app.p50, 1),
                         "bare_qt_start_p50_ms": round(bare.p50, 1),
                         "ratio_p50": round(app.p50 / bare.p50, 2),
                         "budget_ratio": COLD_START_OVER_BARE},
        "should_be_lazy_but_loaded": [m for m in SHOULD_BE_LAZY if m in loaded],
        "third_party_loaded": {m: costs.get(m, {}) for m in loaded if not m.startswith("_")},
    }


def _import_costs(importtime: str) -> dict[str, dict[str, Any]]:
    """Import ms of each top-level package, and the modules that pulled it in.

    ``-X importtime`` prints a module after everything it imports, indented by depth; read
    backwards, each line's enclosing lines come before it, so a stack gives its importers.
    A package costs the cumulative time of its modules imported from outside the package.
    Those times include the option's own overhead: compare them with each other only.
    """
    costs: dict[str, dict[str, Any]] = {}
    stack: list[tuple[int, str]] = []
    for line in reversed(importtime.splitlines()):
        match = IMPORT_LINE.match(line)
        if match is None:
            continue
        cumulative, depth, name = int(match[1]), len(match[2]) // 2, match[3]
        while stack and stack[-1][0] >= depth:
            stack.pop()
        package = name.split(".")[0]
        if all(n.split(".")[0] != package for _, n in stack):
            cost = costs.setdefault(package, {"import_ms": 0.0, "via": []})
            cost["import_ms"] = round(cost["import_ms"] + cumulative / 1000, 1)
            via = stack[-1][1] if stack else None  # the importing module
            if via and via not in cost["via"]:
                cost["via"].append(via)
        stack.append((depth, name))
    return costs


# --- the scripted session and its stall probe -------------------------------------------
class StallProbe(QObject):
    """A precise 5 ms timer; each tick records how late it is, against the current step."""

    def __init__(self) -> None:
        super().__init__()
        self.step = "(start)"
        self.lateness_ms: list[float] = []
        self.longest_by_step: dict[str, float] = {}
        self._started: list[str] = []
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Begin ticking."""
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        """Stop ticking."""
        self._timer.stop()

    def enter(self, step: str) -> None:
        """A scripted step begins."""
        self.step = step
        self._started.append(step)

    def _tick(self) -> None:
        now = time.perf_counter()
        late = max(0.0, (now - self._last) * 1000.0 - PROBE_MS)
        self._last = now
        # A stall belongs to the steps that started since the previous tick, else the current.
        label = " + ".join(dict.fromkeys(self._started)) or self.step
        self._started.clear()
        self.lateness_ms.append(late)
        self.longest_by_step[label] = max(self.longest_by_step.get(label, 0.0), late)


class DialogOpening(QObject):
    """Times a dialog's opening: from `arm` to the end of the first paint pass of a window of
    type `kind` (the first event after it, as for the cold start)."""

    def __init__(self, app: QApplication, kind: type[QWidget]) -> None:
        super().__init__()
        self.app = app
        self.kind = kind
        self.samples_ms: list[float] = []
        self._start: float | None = None

    def arm(self) -> None:
        """The key that asks for the dialog is about to be pressed."""
        self._start = time.perf_counter()
        self.app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """At the first paint of the dialog, note the time once that paint pass is over."""
        if (self._start is not None and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget) and isinstance(watched.window(), self.kind)):
            start, self._start = self._start, None
            self.app.removeEventFilter(self)
            QTimer.singleShot(0, lambda: self.samples_ms.append(
                (time.perf_counter() - start) * 1000.0))
        return False


Step = tuple[str, Callable[[], None], int]  # label, action, pause before the next step (ms)


class Until:
    """A step that waits, the event loop turning, until `done()` holds (work off the GUI
    thread, whose end no fixed pause can foresee); then the next step is scheduled."""

    def __init__(self, done: Callable[[], bool], timeout_ms: int = SESSION_TIMEOUT_MS) -> None:
        self.done = done
        self.timeout_ms = timeout_ms

    def __call__(self) -> None:
        """Nothing to do at the step's start: `Session` polls `done`."""


class Session:
    """Runs steps one after the other from timers; any failure locks and ends the session."""

    def __init__(self, window: MainWindow, probe: StallProbe, steps: list[Step]) -> None:
        self.window = window
        self.probe = probe
        self.steps = steps
        self.error: BaseException | None = None
        self._loop = QEventLoop()

    def run(self) -> None:
        """Play every step; return when the last one has run."""
        QTimer.singleShot(STEP_PAUSE_MS, lambda: self._play(0))
        QTimer.singleShot(SESSION_TIMEOUT_MS, lambda: self._fail(TimeoutError("session")))
        self.probe.start()
        self._loop.exec()
        self.probe.stop()
        if self.error is not None:
            raise RuntimeError(f"the scripted session failed at {self.probe.step!r}") \
                from self.error

    def _play(self, index: int) -> None:
        if self.error is not None or index == len(self.steps):
            self._loop.quit()
            return
        label, action, pause = self.steps[index]
        if isinstance(action, Until):
            self.probe.enter(label)
            self._wait(action, time.monotonic() + action.timeout_ms / 1000,
                       lambda: QTimer.singleShot(pause, lambda: self._play(index + 1)))
            return
        # Scheduled first: the action may open a modal dialog and block in its event loop.
        QTimer.singleShot(pause, lambda: self._play(index + 1))
        self.probe.enter(label)
        try:
            action()
        except Exception as error:  # noqa: BLE001 - reported by run() with the step's name
            self._fail(error)

    def _wait(self, until: Until, deadline: float, then: Callable[[], None]) -> None:
        if self.error is not None:
            return
        if until.done():
            then()
        elif time.monotonic() > deadline:
            self._fail(TimeoutError(self.probe.step))
        else:
            QTimer.singleShot(20, lambda: self._wait(until, deadline, then))

    def _fail(self, error: BaseException) -> None:
        if self.error is None and self._loop.isRunning():
            self.error = error
            self.window.lock()  # closes every dialog, so nested event loops return
            self._loop.quit()


def _patient_line(vault_folder: Path, patient_id: int | None) -> tuple[int, str, str]:
    """A patient's id, name and birth date; by default: most documents, a prescription."""
    ctx = open_context(vault_folder)
    try:
        conn = ctx.vault.conn
        if patient_id is None:
            patient_id = int(conn.execute(
                "SELECT patient_id FROM entry WHERE kind = 'document' AND patient_id IN "
                "(SELECT patient_id FROM entry WHERE kind = 'prescription') "
                "GROUP BY patient_id ORDER BY count(*) DESC, patient_id LIMIT 1").fetchone()[0])
        name, birth = conn.execute("SELECT display_name, birth_date FROM patient_index "
                                   "WHERE patient_id = ?", (patient_id,)).fetchone()
    finally:
        ctx.lock()
    return patient_id, str(name), str(birth)


def _modal() -> QDialog:
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, QDialog):
        raise RuntimeError(f"expected a modal dialog, found {dialog!r}")
    return dialog


def type_text(widget: QWidget, text: str) -> None:
    """Press and release a key per character; unlike `QTest.keyClicks`, accents work."""
    for char in text:
        code = ord(char.upper()) if ord(char.upper()) < 0x100 else 0  # Latin-1 keys = code
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, code, Qt.KeyboardModifier.NoModifier,
                                                     char))


def _typing(label: str, target: Callable[[], QWidget], text: str, chunk: int = 1) -> list[Step]:
    """One step per keystroke (or per `chunk` characters) into the widget `target()` gives."""
    def keys(piece: str) -> Callable[[], None]:
        return lambda: type_text(target(), piece)

    return [(label, keys(text[i:i + chunk]), KEY_PAUSE_MS) for i in range(0, len(text), chunk)]


def _click_save() -> None:
    dialog = _modal()
    assert isinstance(dialog, EncounterDialog | PrescriptionDialog)
    QTest.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _modal_of(kind: type[QWidget]) -> Callable[[], bool]:
    return lambda: isinstance(QApplication.activeModalWidget(), kind)


def _seizure_steps(record: Any) -> list[Step]:
    """The seizure as the window answers it: menu, rule confirmed, names typed, signed export."""
    def open_dialog() -> None:
        next(a for a in record.exports.menu.actions()
             if "Saisie judiciaire" in a.text().replace("&", "")).trigger()

    def seizure() -> SeizureDialog:
        dialog = _modal()
        assert isinstance(dialog, SeizureDialog)
        return dialog

    def field(name: str) -> Callable[[], QWidget]:
        return lambda: getattr(seizure(), name)

    steps: list[Step] = [
        ("seizure: « Saisie judiciaire… » from the record's menu", open_dialog, STEP_PAUSE_MS),
        ("seizure: Space confirms the rule",
         lambda: QTest.keyClick(seizure().confirmed, Qt.Key.Key_Space), STEP_PAUSE_MS),
        ("seizure: Continuer", lambda: QTest.mouseClick(seizure().next, Qt.MouseButton.LeftButton),
         STEP_PAUSE_MS)]
    for name, text in SEIZURE_TEXT.items():
        steps += _typing(f"seizure: typing ({name})", field(name), text, chunk=6)
    steps += [
        ("seizure: Signer et exporter (500 encounters signed, off the GUI thread)",
         lambda: QTest.mouseClick(seizure().sign, Qt.MouseButton.LeftButton), 0),
        ("seizure: the export runs until « Export terminé »", Until(_modal_of(QMessageBox)),
         STEP_PAUSE_MS),
        ("seizure: OK closes « Export terminé »", lambda: _modal().accept(), STEP_PAUSE_MS)]
    return steps


def print_on(queue: str) -> None:
    """In the preview, the queue chosen as the print dialog would, then printed."""
    preview = _modal()
    assert isinstance(preview, PrintPreview)
    preview.printer.setPrinterName(queue)
    preview.print_now()


def _script(window: MainWindow, heavy: tuple[int, str, str], written: tuple[int, str, str],
            pin: str, opening: DialogOpening, queue: str) -> list[Step]:
    record, search = window.record, window.search

    def key(widget: QWidget, code: Qt.Key) -> Callable[[], None]:
        return lambda: QTest.keyClick(widget, code)

    def shortcut(code: Qt.Key, shift: bool = False,
                 before: Callable[[], None] = lambda: None) -> Callable[[], None]:
        modifiers = Qt.KeyboardModifier.ControlModifier
        if shift:
            modifiers |= Qt.KeyboardModifier.ShiftModifier

        def press() -> None:
            if QApplication.activeWindow() is not window:  # offscreen Qt has no window
                window.activateWindow()  # manager to give it back after a dialog closes
                QTest.qWaitForWindowActive(window)
            before()
            QTest.keyClick(window, code, modifiers)
        return press

    def arm_opening() -> None:
        if record.drugs.base is None:  # the dialog would open without its search
            raise RuntimeError("the drug base is not open")
        opening.arm()

    def choose_first_prescription() -> None:
        record.prescriptions.list.setFocus()
        QTest.keyClick(record.prescriptions.list, Qt.Key.Key_Home)
        if record.prescriptions.current() is None:
            raise RuntimeError("no prescription to print")

    def open_patient(patient_id: int) -> None:
        # By id: the workload's 500-encounter patient has patient 1's identity, NIR included.
        ids = [row.patient_id for row in search._rows]  # no public accessor
        for _ in range(ids.index(patient_id)):
            QTest.keyClick(search.field, Qt.Key.Key_Down)
        QTest.keyClick(search.field, Qt.Key.Key_Return)
        if record.patient_id != patient_id:
            raise RuntimeError(f"opened patient {record.patient_id}, not {patient_id}")

    def tab(index: int) -> Step:
        bar = record.tabs.tabBar()
        name = bar.tabText(index).replace("&", "")
        return (f"tab {name}", lambda: QTest.mouseClick(
            bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
            bar.tabRect(index).center()), STEP_PAUSE_MS)

    def encounter_field(name: str) -> Callable[[], QWidget]:
        def find() -> QWidget:
            dialog = _modal()
            assert isinstance(dialog, EncounterDialog)
            if name in dialog.vitals:
                return dialog.vitals[name]
            return dialog.reason if name == "reason" else dialog.texts[name]
        return find

    def clear_search() -> None:
        search.field.selectAll()
        QTest.keyClick(search.field, Qt.Key.Key_Backspace)

    def tabs(which: str) -> list[Step]:
        return [(f"{label} ({which})", action, pause) for label, action, pause in
                (tab(i) for i in range(record.tabs.count()))]

    steps: list[Step] = [
        *_typing("unlock: typing the card's PIN", lambda: window.lock_screen.secret, pin),
        ("unlock with the development card: Enter",
         key(window.lock_screen.secret, Qt.Key.Key_Return), STEP_PAUSE_MS),
        *_typing("search: typing a name", lambda: search.field, heavy[1]),
        ("search: Enter opens the 500-encounter record", lambda: open_patient(heavy[0]),
         STEP_PAUSE_MS),
        *tabs("500-encounter record"),
        *_seizure_steps(record),
        ("search: clear the field", clear_search, STEP_PAUSE_MS),
        *_typing("search: typing a name", lambda: search.field, written[1]),
        ("search: Enter opens a record with documents", lambda: open_patient(written[0]),
         STEP_PAUSE_MS),
        *tabs("record with documents"),
        # Written in this second record: the 500-encounter one must keep exactly 500.
        ("new encounter: Ctrl+N opens the dialog", shortcut(Qt.Key.Key_N), STEP_PAUSE_MS),
    ]
    for name, text in ENCOUNTER_TEXT.items():
        chunk = 6 if len(text) > 20 else 1  # long texts typed a few letters per step
        steps += _typing(f"new encounter: typing ({name})", encounter_field(name), text, chunk)
    steps += [
        ("new encounter: idle while the draft is saved", lambda: None, DRAFT_DELAY_MS + 500),
        ("new encounter: Save (the record reloads)", _click_save, STEP_PAUSE_MS),
        tabs("record with documents")[2],
        ("renew prescription: Ctrl+R opens the dialog", shortcut(Qt.Key.Key_R), STEP_PAUSE_MS),
        ("renew prescription: Save (the record reloads)", _click_save, STEP_PAUSE_MS),
        ("print signed prescription: choose the first", choose_first_prescription,
         STEP_PAUSE_MS),
        ("print signed prescription: Ctrl+Shift+P (signed, kept in the record, rendered)",
         shortcut(Qt.Key.Key_P, shift=True), 0),
        ("print signed prescription: until the preview is shown", Until(_modal_of(PrintPreview)),
         STEP_PAUSE_MS),
        ("print signed prescription: to the CUPS queue (the signed PDF handed to lp)",
         lambda: print_on(queue), STEP_PAUSE_MS),
    ]
    for _ in range(PRESCRIPTION_OPENINGS + 1):
        steps += [("new prescription: Ctrl+P opens the dialog (timed)",
                   shortcut(Qt.Key.Key_P, before=arm_opening), STEP_PAUSE_MS),
                  ("new prescription: Cancel", lambda: _modal().reject(), STEP_PAUSE_MS)]
    steps.append(("lock: Ctrl+L", shortcut(Qt.Key.Key_L), STEP_PAUSE_MS))
    return steps


def none_refs_dropped_per_call() -> float:
    """References to None lost per call of a Qt method returning void (should be 0).

    PySide6 6.12.0 on Python 3.11 loses one: None is immortal only from Python 3.12, so a
    process aborts ("none_dealloc: deallocating None") once it has made as many such calls
    as None had references, a few thousand in a fresh application.
    """
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        probe.setObjectName("probe")
    return round((before - sys.getrefcount(None)) / 1000, 2)


def _session(vault_folder: Path, record_patient_id: int, run: GuiRun) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    heavy = _patient_line(vault_folder, record_patient_id)
    written = _patient_line(vault_folder, None)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    exports = vault_folder.parent / "exports"
    exports.mkdir(exist_ok=True)
    probe = StallProbe()
    opening = DialogOpening(app, PrescriptionDialog)
    seizures_before = set(exports.iterdir())
    with card_stack.development_card() as card, card_stack.print_queue() as queue:
        card_stack.enrol(card, vault_folder, exports)
        door = VaultDoor(vault_folder, card_module=Path(card.module_path))
        printed_before, queue_name = queue.outputs(), queue.queue
        dropped = _play(app, door, probe,
                        _script_for(heavy, written, card.pin, opening, queue_name))
        printed = queue.printed_after(printed_before).stat().st_size
    seized = set(exports.iterdir()) - seizures_before
    if len(seized) != 1:
        raise RuntimeError(f"the seizure wrote {len(seized)} folders, not one")
    if len(opening.samples_ms) != PRESCRIPTION_OPENINGS + 1:
        raise RuntimeError(f"{len(opening.samples_ms)} prescription dialogs opened, not "
                           f"{PRESCRIPTION_OPENINGS + 1}")
    run.results["event_loop_stall"] = Stats(tuple(probe.lateness_ms))
    run.results["prescription_dialog_open"] = Stats(tuple(opening.samples_ms[1:]))
    run.detail["prescription_dialog_open"] = {
        "first_opening_ms": round(opening.samples_ms[0], 1),
        "drug_base": "opened at unlock, off the GUI thread"}
    longest = max(probe.longest_by_step, key=lambda step: probe.longest_by_step[step])
    run.detail["event_loop_stall"] = {
        "platform": app.platformName(), "probe_interval_ms": PROBE_MS,
        "budget_ms_each_step": STALL_BUDGET_MS,
        "longest_ms": round(probe.longest_by_step[longest], 1), "longest_step": longest,
        "steps_over_budget": sorted(step for step, ms in probe.longest_by_step.items()
                                    if ms >= STALL_BUDGET_MS),
        "longest_by_step_ms": {step: round(ms, 1) for step, ms in sorted(
            probe.longest_by_step.items(), key=lambda item: -item[1])},
        "records": {"browsed_500_encounters": heavy[0], "written": written[0]},
        "unlocked_with": "development card (SoftHSM2 through pcscd and vpcd)",
        "unlock_card_longest_ms": _longest(probe, "unlock with the development card"),
        "seizure_500_encounters_longest_ms": _longest(probe, "seizure:"),
        "printed_to": f"CUPS queue {queue_name} (cups-pdf): {printed} bytes",
        "none_refs_dropped_per_qt_call": dropped,
    }


def _longest(probe: StallProbe, prefix: str) -> float:
    """The longest stall of the steps whose label starts with `prefix` (alone or together)."""
    return round(max((ms for step, ms in probe.longest_by_step.items()
                      if any(part.startswith(prefix) for part in step.split(" + "))),
                     default=0.0), 1)


def _script_for(heavy: tuple[int, str, str], written: tuple[int, str, str], pin: str,
                opening: DialogOpening, queue: str) -> Callable[[MainWindow], list[Step]]:
    return lambda window: _script(window, heavy, written, pin, opening, queue)


def _play(app: QApplication, door: VaultDoor, probe: StallProbe,
          script: Callable[[MainWindow], list[Step]]) -> float:
    """Run the script on a fresh window once it sees the card; the None refs lost per call."""
    window = MainWindow(door)
    app.installEventFilter(window.inactivity)
    window.show()
    QTest.qWaitForWindowExposed(window)
    deadline = time.monotonic() + 5
    while "Carte insérée" not in window.lock_screen.card_status.text():
        if time.monotonic() > deadline:
            raise RuntimeError("the window did not see the development card")
        QTest.qWait(50)
    dropped = none_refs_dropped_per_call()
    if dropped and not NONE_BALLAST:  # keeps this process alive despite it; never released
        NONE_BALLAST.extend([None] * 5_000_000)
    try:
        Session(window, probe, script(window)).run()
    finally:
        window.lock()
        app.removeEventFilter(window.inactivity)
        window.close()
        window.deleteLater()
    if window.ctx is not None or window.stack.currentWidget() is not window.lock_screen:
        raise RuntimeError("the session did not end locked")
    return dropped
