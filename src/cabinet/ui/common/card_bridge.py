"""Card events from the watcher's thread, delivered to the GUI thread as a Qt signal.

Work that talks to the card runs off the GUI thread (`worker.BackgroundJob`), so this one
signal reaches the window, which locks when the card that unlocked leaves, and every running
job watching that card, which stops.
"""

from PySide6.QtCore import QObject, Signal

from cabinet.card.presence import CardWatcher, Readers


class CardBridge(QObject):
    """Emits `changed(Readers)` in the GUI thread whenever readers or cards change."""

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = CardWatcher(self.changed.emit)  # queued across threads by Qt

    @property
    def current(self) -> Readers:
        """The last state seen."""
        return self._watcher.current

    def start(self) -> None:
        """Start watching."""
        self._watcher.start()

    def stop(self) -> None:
        """Stop watching."""
        self._watcher.stop()
