"""The development software card: a card that says its serial, its keys on a SoftHSM token.

For demonstrations and tests only. A release build (`release_build`) never talks to it, and a
development run talks to it only when the card's ATR says it is one (historical bytes
"CABINET-TEST"): no other card, a CPS least of all, ever receives its SELECT. The card then
answers a SELECT of the application below and an ISO 7816-4 GET DATA of tag 5A with the
serial of its token; a CPS card is matched to its token by the reader instead.
"""

import sys
import time

from smartcard import scard

RETRY_SECONDS = 0.15

HISTORICAL_BYTES = b"CABINET-TEST"
APPLICATION_AID = bytes.fromhex("F0434142494E4554")
_SELECT = [0x00, 0xA4, 0x04, 0x0C, len(APPLICATION_AID), *APPLICATION_AID]
_GET_SERIAL = [0x00, 0xCA, 0x00, 0x5A, 0x00]
_OK = [0x90, 0x00]


def release_build() -> bool:
    """A frozen (installed) build never accepts the development software card."""
    return bool(getattr(sys, "frozen", False))


def historical_bytes(atr: bytes) -> bytes:
    """The historical bytes of an ATR (ISO 7816-3): after T0 and every interface byte."""
    if len(atr) < 2:
        return b""
    count, presence, index = atr[1] & 0x0F, atr[1] >> 4, 2
    while True:
        index += bin(presence).count("1")  # TAi, TBi, TCi, TDi as announced
        if not presence & 0x8 or index > len(atr):
            break
        presence = atr[index - 1] >> 4  # TDi announces the next round
    return atr[index:index + count]


def card_serial(reader: str, attempts: int = 3) -> str | None:
    """The serial a development card reports, or None for any other card or build.

    A card inserted a moment ago may refuse the first connection while it powers up: only
    that is retried.
    """
    if release_build():
        return None
    for attempt in range(attempts):
        connected, serial = _read_serial(reader)
        if connected:
            return serial
        if attempt + 1 < attempts:
            time.sleep(RETRY_SECONDS)
    return None


def _read_serial(reader: str) -> tuple[bool, str | None]:
    """(whether the card could be reached, the serial it reported)."""
    try:
        result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if result != scard.SCARD_S_SUCCESS:
            return False, None
        try:
            result, card, protocol = scard.SCardConnect(
                context, reader, scard.SCARD_SHARE_SHARED,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            if result != scard.SCARD_S_SUCCESS:
                return False, None
            try:
                result, _, _, _, atr = scard.SCardStatus(card)
                if result != scard.SCARD_S_SUCCESS:
                    return False, None
                if historical_bytes(bytes(atr)) != HISTORICAL_BYTES:
                    return True, None  # another card: nothing is sent to it
                return _ask_serial(card, protocol)
            finally:
                scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
        finally:
            scard.SCardReleaseContext(context)
    except scard.error:
        return False, None


def _ask_serial(card: object, protocol: int) -> tuple[bool, str | None]:
    """A transport failure may be retried; a card answering 'no such thing' may not."""
    for command in (_SELECT, _GET_SERIAL):
        result, response = scard.SCardTransmit(card, protocol, command)
        if result != scard.SCARD_S_SUCCESS:
            return False, None
        if list(response[-2:]) != _OK:
            return True, None
    return True, bytes(response[:-2]).decode("ascii", "replace").strip()
