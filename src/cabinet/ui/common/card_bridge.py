"""Card events from the watcher's thread, delivered to the GUI thread as a Qt signal.

A signed export runs on the GUI thread, which cannot receive the removal signal until the
export returns: `cancel_on_removal` lets the watcher's thread itself cancel the running
export the moment the signing card leaves its reader, before the signal is even queued.
"""

import contextlib
import threading
from collections.abc import Collection, Iterator

from PySide6.QtCore import QObject, Signal

from cabinet.card.presence import CardWatcher, Readers
from cabinet.exchange.staging import CancelToken


def _card_gone(readers: Readers, watched: frozenset[str]) -> bool:
    """Whether a watched reader lost its card (no watched reader: whether no card is left)."""
    holding = set(readers.card_readers())
    return not watched <= holding if watched else not holding


class CardBridge(QObject):
    """Emits `changed(Readers)` in the GUI thread whenever readers or cards change."""

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._guard = threading.Lock()
        self._tokens: dict[CancelToken, frozenset[str]] = {}
        self._watcher = CardWatcher(self._seen)

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

    @contextlib.contextmanager
    def cancel_on_removal(self, token: CancelToken,
                          readers: Collection[str] = ()) -> Iterator[CancelToken]:
        """Cancel `token` from the watcher's thread if a card of `readers` is pulled out.

        Without `readers`, the token is cancelled once no reader holds a card. A card already
        gone when the block starts cancels at once. The token is forgotten at the block's end.
        """
        watched = frozenset(readers)
        with self._guard:
            self._tokens[token] = watched
        if _card_gone(self.current, watched):  # registered first: no removal slips between
            token.cancel()
        try:
            yield token
        finally:
            with self._guard:
                self._tokens.pop(token, None)

    def _seen(self, readers: Readers) -> None:
        """The watcher's listener (its own thread): cancel exports first, then tell the GUI."""
        with self._guard:
            tokens = [t for t, watched in self._tokens.items() if _card_gone(readers, watched)]
        for token in tokens:
            token.cancel()
        self.changed.emit(readers)  # queued across threads by Qt
