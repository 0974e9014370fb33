"""Wrap and unwrap the data key with AES-256-GCM, bound to its vault and slot.

The additional data names the vault and the slot, so a slot copied from another vault or
relabelled as another type fails to unwrap.
"""

import hashlib
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cabinet.errors import WrongKey
from cabinet.keys.header import KeyHeader, Slot, b64, unb64

KEY_BYTES = 32


def new_data_key() -> bytes:
    """A fresh random 256-bit key."""
    return secrets.token_bytes(KEY_BYTES)


def derive_key(material: bytes, *, salt: bytes, purpose: str) -> bytes:
    """HKDF-SHA256 of high-entropy `material` into a 256-bit key for one purpose."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt,
                info=f"cabinet/{purpose}".encode())
    return hkdf.derive(material)


def _associated_data(header: KeyHeader, slot: Slot) -> bytes:
    """Bind the wrapped key to its vault, its slot and every parameter of the slot.

    The enrolled certificate and holder of a card slot are parameters: none can be swapped.
    """
    params = hashlib.sha256(json.dumps(slot.params, sort_keys=True).encode()).hexdigest()
    return f"{header.vault_id}|{slot.id}|{slot.type}|{params}".encode()


def seal_slot(header: KeyHeader, slot: Slot, wrapping_key: bytes, data_key: bytes) -> Slot:
    """Wrap `data_key` into `slot` (whose parameters are final) and return it."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(wrapping_key).encrypt(nonce, data_key, _associated_data(header, slot))
    slot.wrapped = {"alg": "AES-256-GCM", "nonce": b64(nonce), "ciphertext": b64(sealed)}
    return slot


def unwrap(header: KeyHeader, slot: Slot, wrapping_key: bytes, *, refusal: str) -> bytes:
    """Unwrap the data key from `slot`, or raise `WrongKey` with the French `refusal`."""
    try:
        return AESGCM(wrapping_key).decrypt(
            unb64(slot.wrapped["nonce"]), unb64(slot.wrapped["ciphertext"]),
            _associated_data(header, slot))
    except (InvalidTag, KeyError, ValueError):
        raise WrongKey(refusal) from None
