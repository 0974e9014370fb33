"""The way into a vault, and to the card, from a terminal: one choice for every command.

An enrolled card in a reader and its PIN first, then the degraded-mode password, then the
recovery key; a demo vault opens without a prompt. `VaultDoor` unlocks, as it does for the
lock screen: this module only chooses what to ask, and asks it.
"""

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cabinet.bootstrap import AppContext, VaultDoor
from cabinet.cli.prompts import TerminalPin, ask_secret
from cabinet.domain.audit import AccessMode
from cabinet.errors import KnownError
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.vault.layout import VaultLayout
from cabinet.vault.occupancy import VaultLock

if TYPE_CHECKING:
    from cabinet.services.issuing import Output

def open_context(folder: Path) -> AppContext:
    """Open the vault in `folder` with what the physician at this terminal has."""
    door = VaultDoor(folder)
    demo = door.is_demo()
    VaultLock.acquire(VaultLayout(folder).lock_file).release()  # refused before any secret
    if demo:
        print("Coffre de DÉMONSTRATION (patients fictifs).", file=sys.stderr)
        return door.open(AccessMode.DEMO, DEMO_PASSWORD)
    if door.has_cards() and (ctx := _open_with_inserted_card(door)):
        return ctx
    if door.has_password():
        password = ask_secret("Mot de passe du mode dégradé (vide : utiliser la clé de "
                              "secours) : ")
        if password:
            return door.open(AccessMode.DEGRADED, password)
    return door.open(AccessMode.RECOVERY, ask_secret("Clé de secours (ABCD-EFGH-…) : "))


@contextlib.contextmanager
def opened(folder: Path) -> Iterator[AppContext]:
    """The vault open for one command, and locked at its end whatever happens."""
    ctx = open_context(folder)
    try:
        yield ctx
    finally:
        ctx.lock()


def _open_with_inserted_card(door: VaultDoor) -> AppContext | None:
    """Unlock with the card in a reader and its PIN; None without a card or with no PIN typed."""
    reader = card_reader()
    if reader is None:
        return None
    from cabinet.card.session import PinNotGiven

    try:
        return door.open_with_card(reader, TerminalPin(
            "Code PIN de la carte CPS (vide : utiliser un autre moyen d'accès) : "))
    except PinNotGiven:
        return None


def card_reader() -> str | None:
    """The first reader holding a card, if any."""
    from cabinet.card.presence import read_readers

    readers = read_readers().card_readers()
    return readers[0] if readers else None


@contextlib.contextmanager
def signing_output(ctx: AppContext, destination: Path) -> Iterator["Output"]:
    """Where signed files go, and who signs: the demo certificate, or the card and its PIN."""
    from cabinet.exchange.staging import CancelToken
    from cabinet.services.issuing import Output

    if ctx.vault.header.demo:
        from cabinet.documents.demo_certificate import demo_signer

        yield Output(demo_signer(), destination, CancelToken())
        return
    reader = card_reader()
    if reader is None:
        raise KnownError("Insérez votre carte CPS dans le lecteur pour signer.")
    with VaultDoor(ctx.vault.layout.folder).document_signer(reader, TerminalPin(),
                                                             ctx) as signer:
        yield Output(signer, destination, CancelToken())
