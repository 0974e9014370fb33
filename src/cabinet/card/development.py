"""The development software card: a card that says its serial, its keys on a SoftHSM token.

For demonstrations and tests only, never in a release build (`token.release_build`). The
card answers a SELECT of the application below and an ISO 7816-4 GET DATA of tag 5A with
the serial of its token; a CPS card is matched to its token by the reader instead.
"""

from smartcard import scard

APPLICATION_AID = bytes.fromhex("F0434142494E4554")
_SELECT = [0x00, 0xA4, 0x04, 0x0C, len(APPLICATION_AID), *APPLICATION_AID]
_GET_SERIAL = [0x00, 0xCA, 0x00, 0x5A, 0x00]
_OK = [0x90, 0x00]


def card_serial(reader: str) -> str | None:
    """The serial a development card reports, or None for any other card."""
    try:
        result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if result != scard.SCARD_S_SUCCESS:
            return None
        try:
            result, card, protocol = scard.SCardConnect(
                context, reader, scard.SCARD_SHARE_SHARED,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            if result != scard.SCARD_S_SUCCESS:
                return None
            try:
                return _ask_serial(card, protocol)
            finally:
                scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
        finally:
            scard.SCardReleaseContext(context)
    except scard.error:
        return None


def _ask_serial(card: object, protocol: int) -> str | None:
    result, response = scard.SCardTransmit(card, protocol, _SELECT)
    if result != scard.SCARD_S_SUCCESS or list(response[-2:]) != _OK:
        return None
    result, response = scard.SCardTransmit(card, protocol, _GET_SERIAL)
    if result != scard.SCARD_S_SUCCESS or list(response[-2:]) != _OK:
        return None
    return bytes(response[:-2]).decode("ascii", "replace").strip()
