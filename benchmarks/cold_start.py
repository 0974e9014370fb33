"""Run by `benchmarks.gui` in a fresh interpreter: start Cabinet as `cabinet` does, stop at paint.

    python benchmarks/cold_start.py VAULT_FOLDER     (the application)
    python benchmarks/cold_start.py --bare           (an empty PySide6 window, for reference)

The QApplication is created here first (the app's `run` reuses an existing one) only so an
event filter can see the first paint; the application itself then starts through
`cabinet.cli.main`, exactly as the `cabinet` command does. When the first paint pass is over
(the first event after it, which is also when the application's own after-paint work
begins), this notes the time on the `time.perf_counter` clock (the parent's clock too:
CLOCK_MONOTONIC) and the modules loaded by then. One event-loop turn later, once that work is
done, it notes the time again (`ready`), unlocks the demo vault once through
`MainWindow.unlock` (the first unlock of a fresh process, repainted), closes the window
(which locks) and prints one JSON line.
"""

import json
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class FirstPaint(QObject):
    """Notices the first paint event of any widget, then reports once it is on screen."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app
        self._seen = False
        self._painted: float | None = None
        self._modules: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Wait for the first paint, note the end of its pass; report on a later turn."""
        if not self._seen and event.type() == QEvent.Type.Paint:
            self._seen = True
            QTimer.singleShot(0, lambda: QTimer.singleShot(0, self._report))
        elif self._seen and self._painted is None and event.type() != QEvent.Type.Paint:
            self._painted = time.perf_counter()
            self._modules = sorted(sys.modules)
        return False

    def _report(self) -> None:
        ready = time.perf_counter()
        unlock_ms = None
        if "cabinet.ui.main_window" in sys.modules:  # not in --bare mode
            from cabinet.ui.main_window import MainWindow

            for window in self._app.topLevelWidgets():
                if isinstance(window, MainWindow):
                    start = time.perf_counter()
                    window.unlock("demo", "demo")
                    window.repaint()
                    elapsed = (time.perf_counter() - start) * 1000.0
                    unlock_ms = elapsed if window.ctx is not None else None
                    window.close()  # locks the vault
        print(json.dumps({"painted": self._painted, "ready": ready, "modules": self._modules,
                          "unlock_ms": unlock_ms}), flush=True)
        self._app.quit()


def main() -> int:
    """Start the application on the vault named on the command line (or a bare window)."""
    app = QApplication([sys.argv[0]])
    watcher = FirstPaint(app)
    app.installEventFilter(watcher)
    if sys.argv[1] == "--bare":
        window = QMainWindow()
        window.setCentralWidget(QLabel("Cabinet"))
        window.resize(1280, 800)
        window.show()
        return app.exec()
    from cabinet.cli import main as cabinet_main

    return cabinet_main(["--vault", sys.argv[1]])


if __name__ == "__main__":
    sys.exit(main())
