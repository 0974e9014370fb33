"""The recovery slot (AUTH-6): a random key printed once for the sealed envelope.

The key is 23 random bytes plus a 2-byte checksum, written as ten groups of four base32
characters, so a typing mistake is told apart from a wrong key.
"""

import base64
import hashlib
import secrets
import uuid

from cabinet.errors import WrongKey
from cabinet.keys.header import KeyHeader, Slot, b64, unb64
from cabinet.keys.wrapping import derive_key, seal_slot, unwrap

SLOT_TYPE = "recovery"
_SECRET_BYTES = 23


def _checksum(secret: bytes) -> bytes:
    return hashlib.sha256(b"cabinet recovery" + secret).digest()[:2]


def format_recovery_key(secret: bytes) -> str:
    """Write a recovery secret as ABCD-EFGH-… for printing."""
    text = base64.b32encode(secret + _checksum(secret)).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str, what: str = "La clé de secours saisie") -> bytes:
    """Read a typed key of this format (case, spaces and dashes do not matter).

    `what` names the key in the French message (a recovery key, an archive's passphrase).
    """
    compact = "".join(c for c in text.upper() if c.isalnum())
    compact = compact.replace("0", "O").replace("1", "I").replace("8", "B")
    try:
        raw = base64.b32decode(compact)
    except ValueError:
        raw = b""
    secret, check = raw[:_SECRET_BYTES], raw[_SECRET_BYTES:]
    if len(raw) != _SECRET_BYTES + 2 or _checksum(secret) != check:
        raise WrongKey(f"{what} contient une faute de frappe : relisez-la.")
    return secret


def add_recovery_slot(header: KeyHeader, data_key: bytes, created_at: str) -> str:
    """Add a recovery slot to `header` and return the recovery key to print, once."""
    secret = secrets.token_bytes(_SECRET_BYTES)
    salt = secrets.token_bytes(16)
    slot_id = str(uuid.uuid4())
    wrapping_key = derive_key(secret, salt=salt, purpose=SLOT_TYPE)
    header.slots = [s for s in header.slots if s.type != SLOT_TYPE]
    header.slots.append(seal_slot(header, Slot(
        type=SLOT_TYPE, id=slot_id, created_at=created_at, wrapped={},
        params={"salt": b64(salt)}, label="Clé de secours (enveloppe scellée)",
    ), wrapping_key, data_key))
    return format_recovery_key(secret)


def unlock_with_recovery_key(header: KeyHeader, typed_key: str) -> bytes:
    """Return the data key from the recovery slot, or raise `WrongKey` in French."""
    slots = header.slots_of(SLOT_TYPE)
    if not slots:
        raise WrongKey("Ce coffre n'a pas de clé de secours.")
    secret = parse_recovery_key(typed_key)
    key = derive_key(secret, salt=unb64(slots[0].params["salt"]), purpose=SLOT_TYPE)
    return unwrap(header, slots[0], key, refusal="Cette clé de secours n'ouvre pas ce coffre.")
