"""Lock after a period without keyboard or mouse activity (AUTH-2), application-wide.

The deadline is computed from an injected clock, so tests move time instead of waiting.
"""

import datetime as dt

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from cabinet.domain.clock import Clock

DEFAULT_DELAY = dt.timedelta(minutes=10)
WARNING_BEFORE = dt.timedelta(seconds=60)
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class InactivityWatch(QObject):
    """Emits `expired` once the delay passes with no activity; `remaining` near the end."""

    expired = Signal()
    remaining = Signal(int)  # seconds left, emitted during the last minute only

    def __init__(self, clock: Clock, delay: dt.timedelta = DEFAULT_DELAY,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.delay = delay
        self._last_activity = clock.now()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.check)
        self.active = False

    def start(self) -> None:
        """Begin watching (after unlock)."""
        self._last_activity = self._clock.now()
        self.active = True
        self._timer.start()

    def stop(self) -> None:
        """Stop watching (at lock)."""
        self.active = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Any key or mouse event counts as activity."""
        if self.active and event.type() in _ACTIVITY:
            self._last_activity = self._clock.now()
        return False

    def check(self) -> None:
        """Compare the clock with the deadline; lock when it has passed."""
        if not self.active:
            return
        left = self._last_activity + self.delay - self._clock.now()
        if left <= dt.timedelta(0):
            self.stop()
            self.expired.emit()
        elif left <= WARNING_BEFORE:
            self.remaining.emit(int(left.total_seconds()))
