"""Getting in: the ways a vault offers, one credential tried, the card's state on the lock screen.

The lock screen paints before the unlock's code loads: the vault's door and the card's code
are only named here for the type checker.
"""

from typing import TYPE_CHECKING

from cabinet.domain.audit import AccessMode
from cabinet.errors import KnownError
from cabinet.ui.session.lock_screen import CARD, DEMO, PASSWORD, RECOVERY, LockScreen, WayIn

if TYPE_CHECKING:
    from cabinet.bootstrap import AppContext, VaultDoor
    from cabinet.card.presence import Readers

NO_CARD = "Aucune carte n'est insérée."


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
             readers: list[str]) -> "tuple[AppContext, str] | None":
        """The context and the reader of the card that opened it ("" without a card).

        None when refused: the lock screen says why (for a card, with its tries left).
        """
        try:
            if AccessMode(mode) is not AccessMode.CARD:
                return self.door.open(AccessMode(mode), secret), ""
            if not readers:
                raise KnownError(NO_CARD)
            ctx = self.door.open_with_card(readers[0], secret)
        except KnownError as error:
            self.lock_screen.show_error(error.message)
            return None
        return None if ctx is None else (ctx, readers[0])

    def show_card_status(self, readers: "Readers", locked: bool) -> None:
        """The readers' state; while locked, the card's PIN state read from its token.

        Tries running out are said, and a blocked card is never asked for its PIN.
        """
        present = readers.card_readers()
        notice, blocked = (self.door.pin_state(present[0]) if present and locked
                           and self.lock_screen.offers_card() else ("", False))
        self.lock_screen.show_card_status(readers.describe(), bool(present), notice, blocked)
