"""The card in one reader, for all Cabinet asks of it: its token, its PIN once, sign, decipher.

The card code asks for the PIN through a `PinHandler`, as Electrum's hardware handler does:
the window's dialog or the terminal's prompt answers `get_pin(notice)`, and only once the
token's flags allow it (a blocked card is never asked; tries running out are said in the
notice). The PIN goes to the token once, inside `cabinet.card.token`, and is never kept.
Every signature is verified against the certificate before anyone uses it; a document is
signed only by a holder the vault knows. Never trusts the token's certificate on its own.
"""

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from cabinet.card import token
from cabinet.domain.signing import Signer
from cabinet.errors import KnownError
from cabinet.keys.card import holder_of

if TYPE_CHECKING:
    from cryptography import x509

    from cabinet.documents.signing import DocumentSigner

Decrypt = Callable[[bytes], bytes]
"""Deciphers a wrapped key with the card's key (RSA PKCS#1 v1.5)."""


@runtime_checkable
class PinHandler(Protocol):
    """The one way the card code asks for the PIN (a dialog, or the terminal)."""

    def get_pin(self, notice: str) -> str | None:
        """The PIN typed after `notice` ("" unless tries run out); None: none given."""


class PinNotGiven(KnownError):
    """The physician gave no PIN: the card did nothing, another way may be chosen."""

    def __init__(self) -> None:
        super().__init__("Aucun code PIN n'a été saisi : la carte n'a pas été utilisée.")


@dataclass(frozen=True)
class TypedPin:
    """A PIN typed before the card was asked (the lock screen's field), handed over as is."""

    pin: str = field(repr=False)

    def get_pin(self, notice: str) -> str | None:
        """The PIN already typed: its notice was shown beside the field."""
        return self.pin


@dataclass(frozen=True)
class AskedPin:
    """A function of the notice as a handler (a prompt written in one line)."""

    ask: Callable[[str], str | None]

    def get_pin(self, notice: str) -> str | None:
        """What `ask(notice)` answers."""
        return self.ask(notice)


def handler(pin: str | PinHandler | Callable[[str], str | None]) -> PinHandler:
    """A handler for a PIN already typed, a prompt function, or a handler."""
    if isinstance(pin, str):
        return TypedPin(pin)
    return pin if isinstance(pin, PinHandler) else AskedPin(pin)


class CardSession:
    """The card in `reader`, its token found among the allowed modules, `preferred` first."""

    def __init__(self, reader: str, preferred: Sequence[Path] = ()) -> None:
        self.reader = reader
        self._preferred = tuple(preferred)

    @functools.cached_property
    def _located(self) -> tuple[Path, Any]:
        return token.locate(self.reader, self._preferred)

    @property
    def module(self) -> Path:
        """The PKCS#11 module that serves this card."""
        return self._located[0]

    @property
    def development(self) -> bool:
        """Whether this is the development software card (signatures "sans valeur")."""
        return self.module in token.DEVELOPMENT_MODULES

    def pin_state(self) -> token.PinState:
        """The PIN state from the token's flags; a card its software cannot read has none."""
        try:
            return token.pin_state(self._located[1])
        except token.CardError:
            return token.PinState()

    def _pin(self, pins: PinHandler) -> str | None:
        """The PIN, asked once the flags allow it: a blocked card is refused, never asked."""
        state = token.pin_state(self._located[1])
        if state.blocked:
            raise token.blocked_card()
        return pins.get_pin(state.notice)

    @contextlib.contextmanager
    def signer(self, pins: PinHandler, *,
               for_documents: bool = False) -> Iterator[tuple[bytes, Signer]]:
        """(certificate, signer) for the block, the PIN given once; `PinNotGiven` if none."""
        pin = self._pin(pins)
        if pin is None:
            raise PinNotGiven
        with token.signer(self._located[1], pin, for_documents=for_documents) as signing:
            yield signing

    @contextlib.contextmanager
    def document_signer(self, pins: PinHandler,
                        holders: frozenset[str] | None = None) -> Iterator["DocumentSigner"]:
        """The card as a document signer, its signature key preferred (SIGN-3).

        With `holders` (the RPPS a card may sign as), a certificate naming someone else (a
        stale middleware cache) signs nothing.
        """
        from cabinet.documents.signing import DocumentSigner

        with self.signer(pins, for_documents=True) as (certificate, sign):
            holder = holder_of(certificate)
            if holders is not None and holder.rpps not in holders:
                raise token.CardError(
                    f"Le certificat de signature de cette carte est au nom de {holder.name} "
                    f"(RPPS {holder.rpps}), qui n'est pas le titulaire d'une carte enregistrée "
                    "pour ce coffre : rien n'a été signé ni écrit.")
            yield DocumentSigner(certificate, sign, holder=holder.name, rpps=holder.rpps,
                                 demo=self.development)

    @contextlib.contextmanager
    def decrypter(self, recipient: "x509.Certificate",
                  pins: PinHandler) -> Iterator[Decrypt | None]:
        """The key `recipient` certifies, deciphering; None if no PIN is given.

        A card that does not show the recipient's certificate is refused before its PIN.
        """
        card_token = self._located[1]
        token.check_recipient(card_token, recipient)
        pin = self._pin(pins)
        if not pin:
            yield None
            return
        with token.decrypter(card_token, pin, recipient) as (_, decrypt):
            yield decrypt
