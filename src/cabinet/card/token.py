"""The card's keys through PKCS#11 (python-pkcs11), loaded only from allowed modules.

Which token belongs to the card in a reader: the slot whose description names the reader (how
the CPS Cryptolib and OpenSC present readers), else, for the development software card, the
token whose serial the card reports. The PIN is passed to the token once, inside `signer`,
and never kept, logged or retried; the certificate a token returns is used only to find the
slot, never trusted for verification (see `cabinet.keys.card`).
"""

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pkcs11
import pkcs11.exceptions
from cryptography import x509

from cabinet.errors import KnownError
from cabinet.keys.card import Signer

CPS_MODULES = (
    Path("/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so"),
    Path("C:/Windows/System32/cps3_pkcs11_w64.dll"),
    Path("C:/Windows/SysWOW64/cps3_pkcs11_w32.dll"),
    Path("/usr/local/lib/libcps3_pkcs11_osx.dylib"),
)
OPENSC_MODULES = (
    Path("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"),
    Path("/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so"),
    Path("/Library/OpenSC/lib/opensc-pkcs11.so"),
    Path("C:/Program Files/OpenSC Project/OpenSC/pkcs11/opensc-pkcs11.dll"),
)
DEVELOPMENT_MODULES = (
    Path("/usr/lib/softhsm/libsofthsm2.so"),
    Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
    Path("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"),
)


class CardError(KnownError):
    """The card or its token refused; the French message says what to do."""


def release_build() -> bool:
    """A frozen (installed) build never accepts the development software card."""
    return bool(getattr(sys, "frozen", False))


def allowed_modules() -> tuple[Path, ...]:
    """The PKCS#11 modules Cabinet may load, the development card's only outside releases."""
    return CPS_MODULES + OPENSC_MODULES + (() if release_build() else DEVELOPMENT_MODULES)


def load_module(path: Path) -> Any:
    """Load a PKCS#11 module from the allowed list only."""
    if path not in allowed_modules():
        raise CardError("Ce module PKCS#11 n'est pas autorisé : seuls ceux de la carte CPS "
                        "(Cryptolib CPS) ou d'OpenSC peuvent être utilisés.")
    if not path.exists():
        raise CardError("Le logiciel de la carte (module PKCS#11) n'est pas installé à "
                        "l'emplacement prévu : installez la Cryptolib CPS.")
    return pkcs11.lib(str(path))


def find_token(library: Any, reader: str, card_serial: str | None) -> Any:
    """The token of the card in `reader`."""
    tokens = []
    for slot in library.get_slots(token_present=True):
        token = slot.get_token()
        if reader and reader in str(slot.slot_description):
            return token
        tokens.append(token)
    for token in tokens:
        if card_serial and token.serial.decode("ascii", "replace").strip() == card_serial:
            return token
    raise CardError("Le logiciel de la carte ne trouve pas la carte insérée : retirez-la et "
                    "insérez-la de nouveau.")


def _certificate_and_key(session: Any, for_documents: bool) -> tuple[bytes, bytes]:
    """(certificate DER, key id) of the authentication key, or of the signature key.

    A certificate with a private key: to unlock, preferring one not meant for
    non-repudiation; to sign documents, preferring the one that is (the CPS's signature
    certificate), else the authentication key.
    """
    # One search at a time per session: list the certificates before looking for keys.
    certificates = [(bytes(c[pkcs11.Attribute.VALUE]), bytes(c[pkcs11.Attribute.ID]))
                    for c in session.get_objects({pkcs11.Attribute.CLASS:
                                                  pkcs11.ObjectClass.CERTIFICATE})]
    candidates = []
    for der, key_id in certificates:
        keys = list(session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY,
                                         pkcs11.Attribute.ID: key_id}))
        if keys:
            candidates.append((_non_repudiation(der), der, key_id))
    if not candidates:
        raise CardError("Cette carte ne porte pas de certificat d'authentification.")
    choose = max if for_documents else min
    _, der, key_id = choose(candidates, key=lambda c: c[0])
    return der, key_id


def _non_repudiation(der: bytes) -> bool:
    try:
        usage = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
            x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return bool(usage.content_commitment)


def pin_refusal(token: Any) -> CardError:
    """The French message after a wrong PIN, with what the token says now of the tries left."""
    try:
        flags = token.slot.get_token().flags  # fresh: `token.flags` predates the login
    except pkcs11.exceptions.PKCS11Error:
        flags = token.flags
    if flags & pkcs11.TokenFlag.USER_PIN_LOCKED:
        return blocked_card()
    if flags & pkcs11.TokenFlag.USER_PIN_FINAL_TRY:
        return CardError("Code PIN incorrect. Attention : dernier essai avant blocage de la "
                         "carte.")
    if flags & pkcs11.TokenFlag.USER_PIN_COUNT_LOW:
        return CardError("Code PIN incorrect. Il reste peu d'essais avant le blocage de la "
                         "carte.")
    return CardError("Code PIN incorrect.")


def blocked_card() -> CardError:
    """The card's PIN is blocked."""
    return CardError("Carte bloquée après trois codes PIN erronés. Elle se débloque avec son "
                     "code de déblocage à 8 chiffres (courrier de l'ANS). En attendant, "
                     "utilisez le mode dégradé (mot de passe).")


@contextlib.contextmanager
def _session(token: Any, pin: str) -> Iterator[Any]:
    """Log in once with `pin`; French messages for every refusal; closed on exit."""
    try:
        session = token.open(user_pin=pin)
    except pkcs11.exceptions.PinIncorrect:
        raise pin_refusal(token) from None
    except pkcs11.exceptions.PinLocked:
        raise blocked_card() from None
    except (pkcs11.exceptions.PinLenRange, pkcs11.exceptions.PinInvalid):
        raise CardError("Le code PIN de la carte CPS comporte 4 chiffres.") from None
    except (pkcs11.exceptions.TokenNotPresent, pkcs11.exceptions.DeviceRemoved):
        raise CardError("La carte a été retirée.") from None
    except pkcs11.exceptions.PKCS11Error as error:
        raise CardError("La carte ou son logiciel a refusé l'opération "
                        f"({type(error).__name__}) : retirez-la et réessayez.") from None
    try:
        yield session
    finally:
        session.close()


@contextlib.contextmanager
def signer(token: Any, pin: str, *,
           for_documents: bool = False) -> Iterator[tuple[bytes, Signer]]:
    """Log in once with `pin`; yield the certificate and a signer bound to this session.

    `for_documents` picks the card's signature key where it has one (SIGN-3).
    """
    with _session(token, pin) as session:
        certificate, key_id = _certificate_and_key(session, for_documents)
        key = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, id=key_id)

        def sign(digest_info: bytes) -> bytes:
            try:
                return bytes(key.sign(digest_info, mechanism=pkcs11.Mechanism.RSA_PKCS))
            except pkcs11.exceptions.PKCS11Error:
                raise CardError("La carte a été retirée ou n'a pas pu signer.") from None

        yield certificate, sign


@contextlib.contextmanager
def decrypter(token: Any, pin: str) -> Iterator[tuple[bytes, Callable[[bytes], bytes]]]:
    """Log in once; yield the authentication certificate and a decrypter with its key.

    RSA PKCS#1 v1.5 (CKM_RSA_PKCS), what the CPS's authentication key deciphers: an archive
    encrypted to the successor's certificate opens with the successor's card.
    """
    with _session(token, pin) as session:
        certificate, key_id = _certificate_and_key(session, for_documents=False)
        key = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, id=key_id)

        def decrypt(wrapped: bytes) -> bytes:
            try:
                return bytes(key.decrypt(wrapped, mechanism=pkcs11.Mechanism.RSA_PKCS))
            except pkcs11.exceptions.PKCS11Error:
                raise CardError("Cette carte ne déchiffre pas l'archive : elle a été chiffrée "
                                "pour une autre carte.") from None

        yield certificate, decrypt
