"""Wrap and unwrap the data key with AES-256-GCM, bound to its vault and slot.

The additional data names the vault and the slot, so a slot copied from another vault or
relabelled as another type fails to unwrap.
"""

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cabinet.errors import WrongKey
from cabinet.vault.header import KeyHeader, Slot, b64, unb64

KEY_BYTES = 32


def new_data_key() -> bytes:
    """A fresh random 256-bit key."""
    return secrets.token_bytes(KEY_BYTES)


def derive_key(material: bytes, *, salt: bytes, purpose: str) -> bytes:
    """HKDF-SHA256 of high-entropy `material` into a 256-bit key for one purpose."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt,
                info=f"cabinet/{purpose}".encode())
    return hkdf.derive(material)


def _associated_data(header: KeyHeader, slot_id: str, slot_type: str) -> bytes:
    return f"{header.vault_id}|{slot_id}|{slot_type}".encode()


def wrap(header: KeyHeader, slot_id: str, slot_type: str, wrapping_key: bytes,
         data_key: bytes) -> dict[str, str]:
    """Wrap `data_key` for one slot of `header`."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(wrapping_key).encrypt(
        nonce, data_key, _associated_data(header, slot_id, slot_type))
    return {"alg": "AES-256-GCM", "nonce": b64(nonce), "ciphertext": b64(sealed)}


def unwrap(header: KeyHeader, slot: Slot, wrapping_key: bytes, *, refusal: str) -> bytes:
    """Unwrap the data key from `slot`, or raise `WrongKey` with the French `refusal`."""
    try:
        return AESGCM(wrapping_key).decrypt(
            unb64(slot.wrapped["nonce"]), unb64(slot.wrapped["ciphertext"]),
            _associated_data(header, slot.id, slot.type))
    except (InvalidTag, KeyError, ValueError):
        raise WrongKey(refusal) from None
