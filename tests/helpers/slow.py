"""Slowed operations and a heartbeat: the window must keep turning while long work runs.

`slowed` makes one method of a real object take longer (the operation itself still runs);
`Heartbeat` is a GUI-thread timer noting how late its ticks come.
"""

import functools
import time
from typing import Any

from PySide6.QtCore import QTimer

TICK_MS = 10
STALL_BUDGET_MS = 50  # the longest the window may stop answering (issue 14)


def slowed(monkeypatch: Any, owner: object, name: str, seconds: float = 0.5) -> None:
    """Make `owner.name(...)` wait `seconds` (on the thread calling it) before running."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)


class Heartbeat:
    """A timer ticking every `TICK_MS` on the GUI thread; `latest_ms` is its worst delay."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.ticks = 0
        self.latest_ms = 0.0
        self._last = 0.0

    def _tick(self) -> None:
        now = time.monotonic()
        self.latest_ms = max(self.latest_ms, (now - self._last) * 1000 - TICK_MS)
        self._last = now
        self.ticks += 1

    def __enter__(self) -> "Heartbeat":
        self._last = time.monotonic()
        self.timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.timer.stop()
