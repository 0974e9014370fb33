"""Getting in: the ways a vault offers, one credential tried, the card's state on the lock screen.

The lock screen paints before the unlock's code loads: the vault's door, the card's code and
the worker are only named here for the type checker. Opening the vault (the key's derivation,
the card's signature, the pending journal's import) runs off the GUI thread; pulling the card
out meanwhile stops it, and a vault opened all the same is closed again.
"""

from typing import TYPE_CHECKING

from cabinet.domain.audit import AccessMode
from cabinet.errors import KnownError
from cabinet.ui.session.lock_screen import CARD, DEMO, PASSWORD, RECOVERY, LockScreen, WayIn

if TYPE_CHECKING:
    from cabinet.bootstrap import AppContext, VaultDoor
    from cabinet.card.presence import Readers
    from cabinet.ui.common.card_bridge import CardBridge

NO_CARD = "Aucune carte n'est insérée."
OPENING = "Ouverture du coffre…"
STOPPED = "Ouverture interrompue : le coffre reste verrouillé."


def ways_in(door: "VaultDoor") -> list[WayIn]:
    """The ways in this vault offers, in the order a physician should try them."""
    if not door.exists():
        return []
    ways = [CARD] if door.has_cards() else []
    if door.is_demo():
        ways.append(DEMO)
    if door.has_password():
        ways.append(PASSWORD)
    return [*ways, RECOVERY]


class Unlocking:
    """Tries the lock screen's credentials on the door, and tells it the card's state."""

    def __init__(self, door: "VaultDoor", lock_screen: LockScreen) -> None:
        self.door = door
        self.lock_screen = lock_screen

    def open(self, mode: str, secret: str,
             cards: "CardBridge") -> "tuple[AppContext, str] | None":
        """The context and the reader of the card that opened it ("" without a card).

        None when refused or stopped: the lock screen says why (for a card, with its tries
        left).
        """
        from cabinet.ui.common.worker import BackgroundJob

        way = AccessMode(mode)
        readers = cards.current.card_readers() if way is AccessMode.CARD else [""]
        reader = readers[0] if readers else ""
        try:
            if not readers:
                raise KnownError(NO_CARD)
            job = BackgroundJob(self.lock_screen, OPENING, STOPPED)
            if reader:
                job.watch(cards, [reader])
            ctx = job.run(lambda _progress: self._open(way, secret, reader),
                          release=lambda opened: opened.lock() if opened else None)
        except KnownError as error:
            self.lock_screen.show_error(error.message)
            return None
        return None if ctx is None else (ctx, reader)

    def _open(self, way: AccessMode, secret: str, reader: str) -> "AppContext | None":
        """The door opened with one credential (worker thread)."""
        if way is AccessMode.CARD:
            return self.door.open_with_card(reader, secret)
        return self.door.open(way, secret)

    def show_card_status(self, readers: "Readers", locked: bool) -> None:
        """The readers' state; while locked, the card's PIN state read from its token.

        Tries running out are said, and a blocked card is never asked for its PIN.
        """
        present = readers.card_readers()
        notice, blocked = (self.door.pin_state(present[0]) if present and locked
                           and self.lock_screen.offers_card() else ("", False))
        self.lock_screen.show_card_status(readers.describe(), bool(present), notice, blocked)
