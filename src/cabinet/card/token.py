"""The card's keys through PKCS#11 (python-pkcs11), loaded only from allowed modules.

Which token belongs to the card in a reader: among the allowed modules installed here (the one
recorded at the card's enrolment, or chosen in Paramètres, asked first), the slot whose
description names the reader in any form a middleware cuts a long name to (`readers`); for
the development software card only, and only outside a release build, the token whose serial
the card reports. Keys are chosen by what their attributes allow (CKA_SIGN, CKA_DECRYPT). The
token's PIN flags are read before C_Login: a blocked card never receives the PIN. The PIN is
passed to the token once, inside `signer`, and never kept, logged or retried. Every signature
the card returns is checked against the certificate before anyone uses it; that certificate
is the token's and is never trusted on its own (see `cabinet.keys.card`). Every failure of
the token or of python-pkcs11 becomes a French `CardError`.
"""

import contextlib
import hashlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pkcs11
import pkcs11.exceptions
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cabinet.card import development, readers
from cabinet.card.development import release_build
from cabinet.domain.signing import Signer
from cabinet.errors import KnownError
from cabinet.keys.card import holder_of

SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def digest_info(message: bytes) -> bytes:
    """The DER DigestInfo of SHA-256(message), what CKM_RSA_PKCS signs.

    CKM_RSA_PKCS is the one mechanism every token accepts (a CPS3 authentication key refuses
    CKM_SHA256_RSA_PKCS).
    """
    return SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(message).digest()


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

MODULE_FAMILIES = {"cryptolib": CPS_MODULES, "opensc": OPENSC_MODULES}
"""The middlewares a physician may choose in Paramètres (setting `card_module`)."""


class CardError(KnownError):
    """The card or its token refused; the French message says what to do."""


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


def installed_modules(preferred: Sequence[Path] = ()) -> list[Path]:
    """The allowed modules installed here, `preferred` ones first (each once)."""
    allowed = allowed_modules()
    order = [p for p in preferred if p in allowed] + list(allowed)
    modules: list[Path] = []
    files: set[Path] = set()
    for path in order:  # a symlink names the same module: loading it twice is refused
        if path.exists() and path.resolve() not in files:
            files.add(path.resolve())
            modules.append(path)
    return modules


def locate(reader: str, preferred: Sequence[Path] = ()) -> tuple[Path, Any]:
    """(module, token) of the card in `reader`, asking the allowed modules in turn.

    With several middlewares installed (Cryptolib CPS and OpenSC are often both), the card
    decides: the first module that has a token for this reader serves it.
    """
    modules = installed_modules(preferred)
    if not modules:
        raise CardError("Le logiciel de la carte CPS (Cryptolib CPS) n'est pas installé sur ce "
                        "poste : la carte ne peut pas être lue. Utilisez un autre moyen "
                        "d'accès.")
    for module in modules:
        serial = (development.card_serial(reader) if module in DEVELOPMENT_MODULES
                  and not release_build() else None)
        token = _token_in(load_module(module), reader, serial)
        if token is not None:
            return module, token
    raise _not_found()


def find_token(library: Any, reader: str, card_serial: str | None) -> Any:
    """The token of the card in `reader` in one module, or a French refusal."""
    token = _token_in(library, reader, card_serial)
    if token is None:
        raise _not_found()
    return token


def _not_found() -> CardError:
    return CardError("Le logiciel de la carte ne trouve pas la carte insérée : retirez-la et "
                     "insérez-la de nouveau.")


def _token_in(library: Any, reader: str, card_serial: str | None) -> Any:
    """The token of the reader's slot, else the development card's by its serial, else None.

    OpenSC gives an OpenPGP card two tokens for one reader (User PIN, then User PIN (sig)):
    the first serves. A slot whose card the module does not know is passed over.
    """
    try:
        slots = list(library.get_slots(token_present=True))
    except (pkcs11.exceptions.PKCS11Error, AttributeError):
        return None
    tokens = []
    for slot in slots:
        with contextlib.suppress(pkcs11.exceptions.PKCS11Error, AttributeError):
            token = slot.get_token()
            if readers.describes(str(slot.slot_description), reader):
                return token
            tokens.append(token)
    return next((token for token in tokens if card_serial
                 and token.serial.decode("ascii", "replace").strip() == card_serial), None)


def _certificate_and_key(session: Any, purpose: Any, for_documents: bool,
                         public_key: bytes = b"") -> tuple[bytes, Any]:
    """(certificate DER, private key) of a certificate whose key allows `purpose`.

    `purpose` is CKA_SIGN or CKA_DECRYPT: a key is chosen only if its own attributes allow
    the operation (an OpenPGP card's decryption key must never be asked to sign). Among
    those: to unlock or decrypt, preferring a certificate not meant for non-repudiation; to
    sign documents, preferring the one that is (the CPS's signature certificate). With
    `public_key` (DER SubjectPublicKeyInfo), only the certificate of that key serves.
    """
    # One search at a time per session: list the certificates before looking for keys.
    certificates = [(bytes(c[pkcs11.Attribute.VALUE]), bytes(c[pkcs11.Attribute.ID]))
                    for c in session.get_objects({pkcs11.Attribute.CLASS:
                                                  pkcs11.ObjectClass.CERTIFICATE})]
    candidates = []
    for der, key_id in certificates:
        if public_key and _public_key_der(der) != public_key:
            continue
        keys = [key for key in session.get_objects(
                    {pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY,
                     pkcs11.Attribute.ID: key_id}) if _allows(key, purpose)]
        if keys:
            candidates.append((_non_repudiation(der), der, keys[0]))
    if not candidates and public_key:
        raise CardError(NOT_THE_RECIPIENT)
    if not candidates:
        raise CardError("Cette carte ne porte pas de certificat dont la clé puisse "
                        + ("signer." if purpose == pkcs11.Attribute.SIGN else "déchiffrer."))
    choose = max if for_documents else min
    _, der, key = choose(candidates, key=lambda c: c[0])
    return der, key


def _public_key_der(certificate_der: bytes) -> bytes:
    return x509.load_der_x509_certificate(certificate_der).public_key().public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def public_certificates(token: Any) -> list[bytes]:
    """The certificates the card shows without its PIN (public objects, as on a CPS)."""
    try:
        session = token.open()
    except (pkcs11.exceptions.PKCS11Error, AttributeError) as error:
        raise _refused(error) from None
    try:
        return [bytes(c[pkcs11.Attribute.VALUE]) for c in session.get_objects(
            {pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE})]
    except (pkcs11.exceptions.PKCS11Error, AttributeError) as error:
        raise _refused(error) from None
    finally:
        with contextlib.suppress(pkcs11.exceptions.PKCS11Error):
            session.close()


NOT_THE_RECIPIENT = ("Cette archive n'est pas chiffrée pour la carte insérée : elle ne peut pas "
                     "l'ouvrir. Insérez la carte du destinataire, ou choisissez le fichier de "
                     "sa clé privée.")


def check_recipient(token: Any, recipient: x509.Certificate) -> None:
    """Refuse, before any PIN, a card that does not show the certificate of `recipient`'s key.

    An archive opens only with its recipient's private key: any other card would be asked
    its PIN for nothing. The refusal names the card's holder, never the archive's (it is not
    vouched for until the archive is open), and tells a holder's other card (a previous one).
    """
    wanted = recipient.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    shown = public_certificates(token)
    if any(_public_key_der(der) == wanted for der in shown):
        return
    if not shown:
        raise CardError("La carte insérée ne présente aucun certificat : elle ne peut pas "
                        "ouvrir cette archive et son code PIN n'a pas été demandé.")
    holder = holder_of(shown[0])
    if holder.rpps and holder.rpps == holder_of(recipient.public_bytes(Encoding.DER)).rpps:
        raise CardError(f"Cette archive a été chiffrée pour une autre carte de {holder.name} "
                        "(une carte précédente ?) : la carte insérée ne l'ouvre pas et son "
                        "code PIN n'a pas été demandé.")
    raise CardError(f"La carte insérée est celle de {holder.name} ; son code PIN n'a pas été "
                    f"demandé. {NOT_THE_RECIPIENT}")


def _allows(key: Any, purpose: Any) -> bool:
    try:
        return bool(key[purpose])
    except pkcs11.exceptions.PKCS11Error:  # the attribute is absent: not allowed
        return False


def _non_repudiation(der: bytes) -> bool:
    try:
        usage = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
            x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return bool(usage.content_commitment)


def pin_refusal(token: Any) -> CardError:
    """The French message after a wrong PIN, with what the token says now of the tries left."""
    flags = _fresh_flags(token)  # `token.flags` predates the login
    if flags & pkcs11.TokenFlag.USER_PIN_LOCKED:
        return blocked_card()
    if flags & pkcs11.TokenFlag.USER_PIN_FINAL_TRY:
        return CardError("Code PIN incorrect. Attention : dernier essai avant blocage de la "
                         "carte.")
    if flags & pkcs11.TokenFlag.USER_PIN_COUNT_LOW:
        return CardError("Code PIN incorrect. Il reste peu d'essais avant le blocage de la "
                         "carte.")
    # OpenSC says nothing of an OpenPGP card's counter: never let that pass for many tries.
    return CardError("Code PIN incorrect. Le logiciel de la carte n'indique pas les essais "
                     "restants : la carte se bloque après trois codes erronés, vérifiez votre "
                     "code avant de réessayer.")


class PinState(NamedTuple):
    """What the token's flags say before the PIN is typed."""

    notice: str = ""  # "" unless tries are running out or the card is blocked
    blocked: bool = False  # the PIN must not be sent: the card would refuse it anyway


def pin_state(token: Any) -> PinState:
    """The token's PIN state, read from its flags without sending anything to the card."""
    flags = _fresh_flags(token)
    if flags & pkcs11.TokenFlag.USER_PIN_LOCKED:
        return PinState(blocked_card().message, blocked=True)
    if flags & pkcs11.TokenFlag.USER_PIN_FINAL_TRY:
        return PinState("Attention : un seul essai reste avant le blocage de la carte. "
                        "Vérifiez votre code PIN avant de le saisir.")
    if flags & pkcs11.TokenFlag.USER_PIN_COUNT_LOW:
        return PinState("Attention : un code PIN erroné a déjà été saisi sur cette carte.")
    return PinState()


def _fresh_flags(token: Any) -> Any:
    try:
        return token.slot.get_token().flags
    except (pkcs11.exceptions.PKCS11Error, AttributeError):
        return token.flags


def blocked_card() -> CardError:
    """The card's PIN is blocked."""
    return CardError("Carte bloquée après trois codes PIN erronés. Elle se débloque avec son "
                     "code de déblocage à 8 chiffres (courrier de l'ANS). En attendant, "
                     "utilisez le mode dégradé (mot de passe).")


def _refused(error: BaseException) -> CardError:
    """Any other failure of the token or of python-pkcs11, in French."""
    if isinstance(error, (pkcs11.exceptions.TokenNotPresent, pkcs11.exceptions.DeviceRemoved,
                          pkcs11.exceptions.SessionHandleInvalid)):
        return CardError("La carte a été retirée.")
    return CardError("La carte ou son logiciel a refusé l'opération "
                     f"({type(error).__name__}) : retirez-la et réessayez.")


@contextlib.contextmanager
def _session(token: Any, pin: str) -> Iterator[Any]:
    """Log in once with `pin`; French messages for every refusal; closed on exit.

    A token whose flags say the PIN is blocked is refused before C_Login: the PIN is not sent.
    OpenSC reports a wrong PIN on an OpenPGP card as CKR_USER_NOT_LOGGED_IN.
    """
    if _fresh_flags(token) & pkcs11.TokenFlag.USER_PIN_LOCKED:
        raise blocked_card()
    try:
        session = token.open(user_pin=pin)
    except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.UserNotLoggedIn):
        raise pin_refusal(token) from None
    except pkcs11.exceptions.PinLocked:
        raise blocked_card() from None
    except (pkcs11.exceptions.PinLenRange, pkcs11.exceptions.PinInvalid):
        raise CardError("Le code PIN de la carte CPS comporte 4 chiffres.") from None
    except (pkcs11.exceptions.PKCS11Error, AttributeError) as error:
        raise _refused(error) from None
    try:
        yield session
    finally:
        with contextlib.suppress(pkcs11.exceptions.PKCS11Error):
            session.close()


@contextlib.contextmanager
def _keys(token: Any, pin: str, purpose: Any, for_documents: bool,
          public_key: bytes = b"") -> Iterator[tuple[bytes, Any]]:
    """A logged-in session's (certificate, private key allowing `purpose`)."""
    with _session(token, pin) as session:
        try:
            certificate, key = _certificate_and_key(session, purpose, for_documents,
                                                    public_key)
        except (pkcs11.exceptions.PKCS11Error, AttributeError) as error:
            raise _refused(error) from None
        yield certificate, key


@contextlib.contextmanager
def signer(token: Any, pin: str, *,
           for_documents: bool = False) -> Iterator[tuple[bytes, Signer]]:
    """Log in once with `pin`; yield the certificate and a signer bound to this session.

    `for_documents` picks the card's signature key where it has one (SIGN-3). Each signature
    is verified against the certificate as soon as the card returns it: a card whose
    certificate is not its key's (a stale middleware cache) signs nothing.
    """
    with _keys(token, pin, pkcs11.Attribute.SIGN, for_documents) as (certificate, key):
        public_key = _rsa_key(certificate)

        def sign(message: bytes) -> bytes:
            wrapped = digest_info(message)
            try:
                signature = bytes(key.sign(wrapped, mechanism=pkcs11.Mechanism.RSA_PKCS))
            except (pkcs11.exceptions.PKCS11Error, AttributeError):
                raise CardError("La carte a été retirée ou n'a pas pu signer.") from None
            try:
                signed = public_key.recover_data_from_signature(signature, padding.PKCS1v15(),
                                                                None)
            except InvalidSignature:
                signed = b""
            if signed != wrapped:
                raise CardError(MISMATCHED_CERTIFICATE)
            return signature

        yield certificate, sign


MISMATCHED_CERTIFICATE = (
    "La signature de la carte ne correspond pas au certificat que son logiciel présente "
    "(certificat périmé en cache, ou carte défectueuse) : rien n'a été signé ni écrit. "
    "Retirez la carte, videz le cache du logiciel de la carte CPS, puis réessayez.")


def _rsa_key(certificate_der: bytes) -> rsa.RSAPublicKey:
    key = x509.load_der_x509_certificate(certificate_der).public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise CardError("Cette carte n'a pas de clé RSA utilisable par Cabinet.")
    return key


@contextlib.contextmanager
def decrypter(token: Any, pin: str,
              recipient: x509.Certificate) -> Iterator[tuple[bytes, Callable[[bytes], bytes]]]:
    """Log in once; yield the certificate and a decrypter with the key `recipient` certifies.

    RSA PKCS#1 v1.5 (CKM_RSA_PKCS), what the CPS's authentication key deciphers: an archive
    encrypted to the successor's certificate opens with the successor's card, with the key
    of that very certificate (the key must allow CKA_DECRYPT).
    """
    public_key = recipient.public_key().public_bytes(Encoding.DER,
                                                     PublicFormat.SubjectPublicKeyInfo)
    with _keys(token, pin, pkcs11.Attribute.DECRYPT, False, public_key) as (certificate, key):

        def decrypt(wrapped: bytes) -> bytes:
            try:
                return bytes(key.decrypt(wrapped, mechanism=pkcs11.Mechanism.RSA_PKCS))
            except (pkcs11.exceptions.PKCS11Error, AttributeError):
                raise CardError("Cette carte ne déchiffre pas l'archive : elle a été chiffrée "
                                "pour une autre carte.") from None

        yield certificate, decrypt
