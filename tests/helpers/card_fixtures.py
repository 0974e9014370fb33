"""Fixtures for the card tests: a physician's card = card emulator in a vpcd reader + SoftHSM token.

What it is for: a test writes `physician_card.insert()` and `physician_card.remove()`, and
reaches `physician_card.token_label`, `.pin`, `.certificate`, `.module_path`, `.serial`,
`.reader`. The card emulator (virtual_card.py) gives presence and identity through the real
pcscd (pcsc_stack.py); the token (softhsm_token.py) gives the key and certificate through
PKCS#11. The card's serial number is the token's serial number: that is how code finds the
token of the card in the reader. Unlike a real card's token, the SoftHSM token stays
reachable while the card is out: code under test must check presence through PC/SC.

Fixtures (registered in tests/conftest.py):
- `card_reader` (session): pcscd + vpcd, two readers; fails with the command to run when
  pcscd, vpcd or SoftHSM are missing, never skips;
- `softhsm` / `physician_tokens` (session): one private SoftHSM2 with a token for each of
  JEANNE_MARTIN (the titular physician) and PAUL_DURAND (another physician, "remplaçant");
- `physician_card`, `other_physician_card`: one card each, both for reader 0 (one reader
  holds one card at a time, as on a desk); removed at the end of the test;
- `long_reader_card`: Dr Martin's card in a reader whose name exceeds 64 characters;
- `stale_certificate_card`, `decrypt_only_key_card`: Dr Martin's tokens that go wrong as real
  ones did: a certificate for another key (a stale middleware cache), and a certificate saying
  non-repudiation on a key that may only decrypt;
- `pin_counter`: a CPS card's three-try PIN counter (fake_token.py) over every token Cabinet
  finds, for the PIN states SoftHSM2 never reaches;
- `openpgp_card`: an OpenPGP card read through OpenSC (openpgp_card.py), in the long-named
  reader, fresh for each test (its PIN tries are real).

Must never: be imported by src/; everything here is for the tests on this machine only.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from helpers.fake_token import PinCounter
from helpers.openpgp_card import OpenPgpCard
from helpers.pcsc_stack import PcscStack, PcscStackError, use_private_socket
from helpers.softhsm_token import CardToken, SoftHsm
from helpers.virtual_card import DEFAULT_ATR, VirtualCard


@dataclass(frozen=True)
class Physician:
    name: str
    rpps: str


JEANNE_MARTIN = Physician("Dr Jeanne Martin", "10101010101")
PAUL_DURAND = Physician("Dr Paul Durand", "10102020202")


class PhysicianCard:
    """One physician's test card; `insert()` and `remove()` wait until PC/SC reports it."""

    def __init__(self, stack: PcscStack, token: CardToken, reader_index: int = 0,
                 atr: bytes = DEFAULT_ATR) -> None:
        self.stack, self.token = stack, token
        self.reader = stack.reader_names[reader_index]
        self.emulator = VirtualCard(port=stack.port_of(reader_index), serial=token.serial,
                                    holder=token.holder, rpps=token.rpps, atr=atr)

    token_label = property(lambda self: self.token.label)
    pin = property(lambda self: self.token.pin)
    certificate = property(lambda self: self.token.certificate)
    module_path = property(lambda self: self.token.module_path)
    serial = property(lambda self: self.token.serial)
    holder = property(lambda self: self.token.holder)
    rpps = property(lambda self: self.token.rpps)
    atr = property(lambda self: self.emulator.atr)
    inserted = property(lambda self: self.emulator.inserted)

    def insert(self, wait: bool = True) -> None:
        """Put the card in its reader; with `wait`, return once PC/SC sees it (< ~0.5 s)."""
        occupant = self.stack.occupants.get(self.reader)
        if occupant is not None and occupant is not self:
            raise RuntimeError(f"{self.reader} already holds a card: remove it first")
        self.emulator.insert()
        self.stack.occupants[self.reader] = self
        if wait:
            self.stack.wait_for_card(self.reader, present=True)

    def remove(self, wait: bool = True) -> None:
        """Pull the card out; with `wait`, return once PC/SC reports the reader empty."""
        if not self.emulator.inserted:
            return
        self.emulator.remove()
        self.stack.occupants.pop(self.reader, None)
        if wait:
            self.stack.wait_for_card(self.reader, present=False)

    def enrol_into(self, vault: Any, clock: Any) -> Any:
        """Enrol this (inserted) card into an open vault through the product's token code.

        Test cards are outside IGC-Santé: the enrolment confirms it, as the physician would.
        """
        from pathlib import Path

        from cabinet.card import token

        library = token.load_module(Path(self.module_path))
        with token.signer(token.find_token(library, self.reader, self.serial), self.pin) as (
                certificate, sign):
            return vault.enrol_card(certificate, sign, clock,
                                    confirm_outside=lambda holder: True)  # a test card

    def open_session(self, pin: str | None = None) -> Any:
        """A logged-in PKCS#11 session on this card's token (use as a context manager)."""
        import pkcs11

        token = pkcs11.lib(self.module_path).get_token(token_label=self.token_label)
        return token.open(user_pin=self.pin if pin is None else pin)


@pytest.fixture(scope="session")
def card_reader() -> Iterator[PcscStack]:
    """pcscd with two vpcd readers, private to this test run."""
    stack = PcscStack(socket_path=use_private_socket())
    try:
        stack.start()
    except PcscStackError as error:
        pytest.fail(str(error), pytrace=False)
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def softhsm() -> Iterator[SoftHsm]:
    try:
        hsm = SoftHsm()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield hsm
    hsm.close()


@pytest.fixture(scope="session")
def physician_tokens(softhsm: SoftHsm) -> dict[Physician, CardToken]:
    return {physician: softhsm.create_token(physician.name, physician.rpps)
            for physician in (JEANNE_MARTIN, PAUL_DURAND)}


def _card(stack: PcscStack, token: CardToken,
          reader_index: int = 0) -> Iterator[PhysicianCard]:
    card = PhysicianCard(stack, token, reader_index)
    yield card
    if stack.process is None or stack.process.poll() is not None:
        stack.stop()  # the test stopped pcscd (or it died): the next tests need it
        stack.start()
    card.remove()


@pytest.fixture
def physician_card(card_reader: PcscStack,
                   physician_tokens: dict[Physician, CardToken]) -> Iterator[PhysicianCard]:
    """Dr Jeanne Martin's card, out of the reader at the start and at the end of the test."""
    yield from _card(card_reader, physician_tokens[JEANNE_MARTIN])


@pytest.fixture
def other_physician_card(card_reader: PcscStack,
                         physician_tokens: dict[Physician, CardToken]) -> Iterator[PhysicianCard]:
    """Dr Paul Durand's card (another physician), for the same reader."""
    yield from _card(card_reader, physician_tokens[PAUL_DURAND])



@pytest.fixture
def long_reader_card(card_reader: PcscStack,
                     physician_tokens: dict[Physician, CardToken]) -> Iterator[PhysicianCard]:
    """Dr Martin's card in a reader whose name is longer than a slot description."""
    yield from _card(card_reader, physician_tokens[JEANNE_MARTIN], reader_index=2)


@pytest.fixture(scope="session")
def odd_tokens(softhsm: SoftHsm) -> dict[str, CardToken]:
    name, rpps = JEANNE_MARTIN.name, JEANNE_MARTIN.rpps
    return {"stale": softhsm.create_token(name, rpps, label="CACHE PERIME",
                                          stale_certificate=True),
            "decrypt_only": softhsm.create_token(name, rpps, label="CLE DECHIFFREMENT",
                                                 decrypt_only_key=True)}


@pytest.fixture
def stale_certificate_card(card_reader: PcscStack,
                           odd_tokens: dict[str, CardToken]) -> Iterator[PhysicianCard]:
    """Dr Martin's card whose token shows her certificate for another key."""
    yield from _card(card_reader, odd_tokens["stale"])


@pytest.fixture
def decrypt_only_key_card(card_reader: PcscStack,
                          odd_tokens: dict[str, CardToken]) -> Iterator[PhysicianCard]:
    """Dr Martin's card with a decrypt-only key behind a non-repudiation certificate."""
    yield from _card(card_reader, odd_tokens["decrypt_only"])


@pytest.fixture
def pin_counter(monkeypatch: pytest.MonkeyPatch) -> PinCounter:
    """Every token Cabinet locates counts wrong PINs as a CPS card does (3 tries, then blocked)."""
    from cabinet.card import token

    counter = PinCounter()
    locate = token.locate

    def counted(reader: str, preferred: Any = ()) -> tuple[Any, Any]:
        module, found = locate(reader, preferred)
        return module, counter.wrap(found)

    monkeypatch.setattr(token, "locate", counted)
    return counter


@pytest.fixture
def openpgp_card(card_reader: PcscStack) -> Iterator[OpenPgpCard]:
    """Dr Martin's OpenPGP card, through OpenSC, in the long-named reader (not inserted)."""
    try:
        card = OpenPgpCard(card_reader, JEANNE_MARTIN.name, JEANNE_MARTIN.rpps, reader_index=2)
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield card
    card.close()


@pytest.fixture
def card_document_signer(physician_card: PhysicianCard, tmp_path: Any) -> Iterator[Any]:
    """Dr Martin's card, inserted, as a document signer through the application's own path."""
    from pathlib import Path

    from cabinet.bootstrap import VaultDoor

    physician_card.insert()
    door = VaultDoor(tmp_path / "aucun-coffre", card_module=Path(physician_card.module_path))
    with door.document_signer(physician_card.reader, physician_card.pin) as signer:
        yield signer
