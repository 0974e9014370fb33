"""The lock screen paints before the rest of Cabinet loads: the PDF, signature, card and
archive libraries cost more than the cold-start budget, and load after the first paint (the
workspace) or when an export or an import starts."""

import json
import os
import subprocess
import sys

HEAVY = ("reportlab", "pyhanko", "pikepdf", "pypdfium2", "jsonschema", "fhir", "cabinet.archive")
# Third-party packages the lock screen may need before it paints: Qt, and the user folders.
BEFORE_PAINT_ALLOWED = {"PySide6", "shiboken6", "shibokensupport", "platformdirs"}
# Cabinet's layers that bring cryptography, the card stack and SQLCipher with them.
AFTER_PAINT_ONLY = ("cabinet.services", "cabinet.card", "cabinet.keys.card",
                    "cabinet.keys.wrapping", "cabinet.vault.session", "cabinet.documents",
                    "cabinet.exchange", "cabinet.audit")
# Started as the `cabinet` command does; the modules loaded are noted at the first paint, and
# once the window has settled the demo credential must unlock it (the workspace was built).
START = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([sys.argv[0]])
seen = {}

def wait_for(module):
    import time
    deadline = time.monotonic() + 20
    while module not in sys.modules and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    return module in sys.modules


def settled():
    from cabinet.ui.main_window import MainWindow
    window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
    window.unlock("demo", "demo")
    seen["unlocked"] = window.ctx is not None
    seen["numpy_before_use"] = wait_for("numpy")
    seen["qt_plotting_off_thread"] = "pyqtgraph" in sys.modules
    window.close()
    print(json.dumps(seen), flush=True)
    app.quit()

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "painted" not in seen:
            seen["painted"] = sorted(sys.modules)
            QTimer.singleShot(300, settled)
        return False

watcher = FirstPaint()
app.installEventFilter(watcher)
from cabinet.cli import main
main(["--vault", sys.argv[1]])
"""


def test_the_main_window_imports_no_pdf_or_archive_library():
    program = ("import sys\nimport cabinet.ui.app, cabinet.ui.main_window\n"
               f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_the_lock_screen_paints_with_qt_alone_and_the_window_then_unlocks(vault, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", START, str(vault["folder"])], env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    painted = set(seen["painted"])
    third_party = {m.split(".")[0] for m in painted} - set(sys.stdlib_module_names) - {
        "cabinet", "__main__", "__feature__", "signature_bootstrap"}
    assert {m for m in third_party if not m.startswith("_")} <= BEFORE_PAINT_ALLOWED
    assert sorted(m for m in painted if m.startswith(AFTER_PAINT_ONLY)) == []
    assert seen["unlocked"]
    assert seen["numpy_before_use"]  # loaded on a thread, not by the results tab's first use
    assert not seen["qt_plotting_off_thread"]  # what loads Qt libraries stays on the GUI thread
