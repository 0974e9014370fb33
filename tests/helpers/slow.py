"""Slowed operations and a heartbeat: the window must keep turning while long work runs.

`slowed` makes one method of a real object take longer (the operation itself still runs);
`Heartbeat` is a GUI-thread timer noting how late its ticks come, the block's end counted as
one more tick.
"""

import functools
import time
from typing import Any

from PySide6.QtCore import QTimer

TICK_MS = 10
SLOWED_SECONDS = 0.6
FROZEN_MS = 300
"""A window that waited for a slowed operation stops for at least SLOWED_SECONDS; one that
kept turning is late by far less, even on a loaded machine. The 50 ms budget itself is a
figure of the benchmark suite (`--gui`), not of a test."""


def slowed(monkeypatch: Any, owner: object, name: str, seconds: float = SLOWED_SECONDS) -> None:
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
        self._tick()  # the stretch since the last tick counts: work may end the block
        self.timer.stop()
