"""Card key slots (DESIGN.md §2, §3): the card signs the slot's challenge, HKDF unwraps.

Enrolment stores the card's authentication certificate and a random challenge in the slot.
Unlock asks the card to sign the challenge with RSA PKCS#1 v1.5 (deterministic: the same
card always gives the same signature), checks the signature against the certificate stored
at enrolment — never against the one the token hands over, which the CPS middleware caches in
a world-writable folder — and derives the wrapping key from it. A different card, a wrong
PIN or a replaced certificate yields no key.

The card signs through the one `Signer` type, as it signs documents: the message's SHA-256 in
PKCS#1 v1.5 (the token wraps the digest in its DigestInfo for CKM_RSA_PKCS).
"""

import datetime as dt
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from cabinet.domain.signing import Signer
from cabinet.errors import WrongKey
from cabinet.keys.header import KeyHeader, Slot, b64, unb64
from cabinet.keys.wrapping import derive_key, seal_slot, unwrap
from cabinet.trust import anchors

SLOT_TYPE = "card"
OUTSIDE_IGC_SANTE = "hors IGC-Santé"


@dataclass(frozen=True)
class CardHolder:
    """Who a card belongs to, read from its certificate (AUTH-5)."""

    name: str
    rpps: str
    fingerprint: str
    not_after: dt.datetime


def holder_of(certificate_der: bytes) -> CardHolder:
    """Name and RPPS of a card's holder.

    CPS certificates carry the holder's name in the common name, sometimes behind the
    national identifier ("810101010101/MARTIN Jeanne"); the RPPS is the last 11 digits of that
    identifier, or of the serialNumber attribute when the common name has none.
    """
    certificate = x509.load_der_x509_certificate(certificate_der)
    subject = certificate.subject

    def attribute(oid: x509.ObjectIdentifier) -> str:
        values = subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    common_name = attribute(NameOID.COMMON_NAME)
    identifier, _, name = common_name.rpartition("/")
    digits = re.sub(r"\D", "", identifier or attribute(NameOID.SERIAL_NUMBER))
    return CardHolder(name=name.strip() or common_name, rpps=digits[-11:],
                      fingerprint=hashlib.sha256(certificate_der).hexdigest(),
                      not_after=certificate.not_valid_after_utc)


def _public_key(certificate_der: bytes) -> rsa.RSAPublicKey:
    key = x509.load_der_x509_certificate(certificate_der).public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise WrongKey("Cette carte n'a pas de clé RSA d'authentification utilisable.")
    return key


def _verified_signature(certificate_der: bytes, challenge: bytes, sign: Signer) -> bytes:
    signature = sign(challenge)
    try:
        _public_key(certificate_der).verify(signature, challenge, padding.PKCS1v15(),
                                            hashes.SHA256())
    except InvalidSignature:
        raise WrongKey("La carte n'a pas produit la signature attendue : ce n'est pas la "
                       "carte enregistrée pour ce coffre.") from None
    return signature


class OutsideIgcSante(WrongKey):
    """A card the IGC-Santé authorities do not vouch for, enrolled only once confirmed."""


def vouched_for(certificate_der: bytes, now: dt.datetime,
                trusted: anchors.Anchors | None = None) -> bool:
    """Whether the IGC-Santé authorities vouch for a card; a card out of its validity is refused.

    No confirmation can enrol an expired card: it would not open the vault (see
    `unlock_with_card`) and its holder may no longer be entitled to it.
    """
    certificate = x509.load_der_x509_certificate(certificate_der)
    if now > certificate.not_valid_after_utc:
        raise WrongKey("Le certificat de cette carte a expiré : elle ne peut pas être "
                       "enregistrée. Utilisez votre nouvelle carte.")
    if now < certificate.not_valid_before_utc:
        raise WrongKey("Le certificat de cette carte n'est pas encore valable : vérifiez la "
                       "date et l'heure de ce poste.")
    return anchors.chains_to(certificate, trusted or anchors.igc_sante(), now)


def enrol_card(header: KeyHeader, data_key: bytes, certificate_der: bytes, sign: Signer,
               created_at: str, *, outside_igc_sante: bool = False,
               module: str = "") -> CardHolder:
    """Add a slot for a card (the first one, a renewed one, a remplaçant's).

    `outside_igc_sante` marks, in the slot's authenticated parameters, a card enrolled on its
    user's confirmation although the IGC-Santé authorities do not vouch for it. `module` is
    the PKCS#11 module that served the card, asked first when it comes back.
    """
    holder = holder_of(certificate_der)
    if any(s.params.get("fingerprint") == holder.fingerprint
           for s in header.slots_of(SLOT_TYPE)):
        raise WrongKey("Cette carte est déjà enregistrée pour ce coffre.")
    challenge, salt = secrets.token_bytes(32), secrets.token_bytes(16)
    signature = _verified_signature(certificate_der, challenge, sign)
    slot_id = str(uuid.uuid4())
    key = derive_key(signature, salt=salt, purpose=SLOT_TYPE)
    header.slots.append(seal_slot(header, Slot(
        type=SLOT_TYPE, id=slot_id, created_at=created_at, wrapped={},
        params={"challenge": b64(challenge), "salt": b64(salt),
                "certificate": b64(certificate_der), "fingerprint": holder.fingerprint,
                "holder": holder.name, "rpps": holder.rpps,
                **({"trust": OUTSIDE_IGC_SANTE} if outside_igc_sante else {}),
                **({"module": module} if module else {})},
        label=f"Carte de {holder.name}"), key, data_key))
    return holder


def card_slot_for(header: KeyHeader, certificate_der: bytes) -> Slot:
    """The slot enrolled for this card, or a French refusal."""
    fingerprint = hashlib.sha256(certificate_der).hexdigest()
    for slot in header.slots_of(SLOT_TYPE):
        if slot.params["fingerprint"] == fingerprint:
            return slot
    raise WrongKey("Cette carte n'est pas enregistrée pour ce coffre. Utilisez une carte "
                   "enregistrée, ou le mode dégradé.")


def unlock_with_card(header: KeyHeader, certificate_der: bytes, sign: Signer,
                     now: dt.datetime) -> tuple[bytes, CardHolder]:
    """Return the data key and the holder, checking the card against its enrolment."""
    slot = card_slot_for(header, certificate_der)
    enrolled = unb64(slot.params["certificate"])
    holder = holder_of(enrolled)
    if holder.fingerprint != slot.params["fingerprint"]:
        raise WrongKey("L'enregistrement de cette carte a été modifié : il n'est plus valable.")
    if now > holder.not_after:
        raise WrongKey("Le certificat de cette carte a expiré : utilisez votre nouvelle carte "
                       "(à enregistrer) ou le mode dégradé.")
    signature = _verified_signature(enrolled, unb64(slot.params["challenge"]), sign)
    key = derive_key(signature, salt=unb64(slot.params["salt"]), purpose=SLOT_TYPE)
    return unwrap(header, slot, key, refusal="La carte n'ouvre pas ce coffre."), holder


def revoke_card(header: KeyHeader, fingerprint: str) -> None:
    """Remove a card's slot (a lost card, a remplaçant who left)."""
    remaining = [s for s in header.slots if not (
        s.type == SLOT_TYPE and s.params.get("fingerprint") == fingerprint)]
    if len(remaining) == len(header.slots):
        raise WrongKey("Aucune carte enregistrée ne correspond.")
    if not any(s.type != "demo" for s in remaining):
        raise WrongKey("Impossible de retirer le dernier moyen d'accès au coffre.")
    header.slots = remaining

