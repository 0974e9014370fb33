"""Watch smart-card readers and cards through PC/SC (AUTH-1, AUTH-2).

A small thread asks pcscd for every reader's state a few times a second and reports changes
to a listener. Polling with a fresh context after any error means the watcher survives pcscd
being stopped and restarted, which pyscard's own CardMonitor does not. Removal is reported
within pcscd's own polling delay plus `POLL_SECONDS`, well under the one second AUTH-2 allows.
It never raises into the application and never spins: errors become a French status.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

from smartcard import scard

POLL_SECONDS = 0.15
_PRESENT = scard.SCARD_STATE_PRESENT


@dataclass(frozen=True)
class ReaderState:
    """One reader and the card in it, if any."""

    reader: str
    atr: bytes | None


@dataclass(frozen=True)
class Readers:
    """What PC/SC says now: the readers, or why it cannot say."""

    states: tuple[ReaderState, ...]
    problem: str = ""

    def describe(self) -> str:
        """A French sentence for the lock screen."""
        if self.problem:
            return self.problem
        if not self.states:
            return "Aucun lecteur de carte n'est branché."
        with_card = [s for s in self.states if s.atr is not None]
        if not with_card:
            return "Lecteur prêt : insérez votre carte CPS."
        return "Carte insérée : saisissez votre code PIN."

    def card_readers(self) -> list[str]:
        """Readers holding a card."""
        return [s.reader for s in self.states if s.atr is not None]


NO_SERVICE = ("Le service des cartes à puce (pcscd) ne répond pas : la carte est "
              "inutilisable pour l'instant. Utilisez un autre moyen d'accès.")


def read_readers() -> Readers:
    """Ask PC/SC once for every reader's state."""
    try:
        result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if result != scard.SCARD_S_SUCCESS:
            return Readers((), NO_SERVICE)
        try:
            result, names = scard.SCardListReaders(context, [])
            if result == scard.SCARD_E_NO_READERS_AVAILABLE or (
                    result == scard.SCARD_S_SUCCESS and not names):
                return Readers(())
            if result != scard.SCARD_S_SUCCESS:
                return Readers((), NO_SERVICE)
            result, states = scard.SCardGetStatusChange(
                context, 0, [(name, scard.SCARD_STATE_UNAWARE) for name in names])
            if result not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
                return Readers((), NO_SERVICE)
            return Readers(tuple(
                ReaderState(name, bytes(atr) if event & _PRESENT and atr else None)
                for name, event, atr in states))
        finally:
            scard.SCardReleaseContext(context)
    except scard.error:
        return Readers((), NO_SERVICE)


class CardWatcher:
    """Calls `listener(readers)` from its own thread whenever readers or cards change."""

    def __init__(self, listener: Callable[[Readers], None],
                 poll_seconds: float = POLL_SECONDS) -> None:
        self._listener = listener
        self._poll = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current = Readers(())

    def start(self) -> None:
        """Begin watching; the first state is reported at once."""
        self._stop.clear()
        self.current = read_readers()
        self._listener(self.current)
        self._thread = threading.Thread(target=self._run, name="card-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.wait(self._poll):
            now = read_readers()
            if now != self.current:
                self.current = now
                self._listener(now)
