"""The degraded-mode password slot (AUTH-3).

Argon2id stretches the password with the parameters recorded in the slot; the result is
mixed with the installation secret from the OS keyring through HKDF. The password must meet
the CNIL 80-bit rule, judged on its patterns, before a slot is made. Changing it requires
the vault to be unlocked (the caller holds the data key).

The password is normalised to NFKC before anything else: "é" typed as one character or as
"e" plus an accent (another keyboard, a paste), a no-break space or full-width letters are
the same password. NFKC rather than NFC because the compatibility forms look identical on
screen (NIST SP 800-63B advises NFKC or NFKD); the strength is judged on the normalised form.
The slot records the form; a slot made before it holds the password as it was typed, so it
is tried as typed, then composed and decomposed.
"""

import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Final

from argon2.low_level import Type, hash_secret_raw

from cabinet.domain.password import assess
from cabinet.errors import InvalidInput, WrongKey
from cabinet.keys.header import KeyHeader, Slot, b64, unb64
from cabinet.keys.installation_secret import SecretStore
from cabinet.keys.wrapping import derive_key, seal_slot, unwrap

SLOT_TYPE = "password"
NORMALIZATION: Final = "NFKC"
REFUSAL = "Mot de passe incorrect."


@dataclass(frozen=True)
class Argon2Parameters:
    """Argon2id cost; the defaults follow RFC 9106's second recommended option."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


def _stretch(password: str, salt: bytes, params: Argon2Parameters) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=params.time_cost,
                           memory_cost=params.memory_kib, parallelism=params.parallelism,
                           hash_len=32, type=Type.ID)


def derive_wrapping_key(password: str, salt: bytes, params: Argon2Parameters,
                        installation_secret: bytes) -> bytes:
    """Argon2id of the password, mixed with the installation secret (one guess's cost)."""
    stretched = _stretch(password, salt, params)
    return derive_key(stretched + installation_secret, salt=salt, purpose=SLOT_TYPE)


def set_password_slot(header: KeyHeader, data_key: bytes, password: str, *, created_at: str,
                      store: SecretStore, params: Argon2Parameters | None = None) -> None:
    """Create or replace the password slot; refuse a password below the CNIL rule."""
    from cabinet.keys.strength import pattern_bits  # zxcvbn's dictionaries load in 0.16 s

    password = unicodedata.normalize(NORMALIZATION, password)
    strength = assess(password, estimate=pattern_bits)
    if not strength.acceptable:
        raise InvalidInput(strength.explanation())
    params = params or Argon2Parameters()
    salt = secrets.token_bytes(16)
    key = derive_wrapping_key(password, salt, params, store.installation_secret(create=True))
    slot_id = str(uuid.uuid4())
    header.slots = [s for s in header.slots if s.type != SLOT_TYPE]
    header.slots.append(seal_slot(header, Slot(
        type=SLOT_TYPE, id=slot_id, created_at=created_at, wrapped={},
        params={"kdf": "argon2id", "salt": b64(salt), "time_cost": params.time_cost,
                "memory_kib": params.memory_kib, "parallelism": params.parallelism,
                "installation_secret": True, "normalization": NORMALIZATION},
        label="Mot de passe du mode dégradé",
    ), key, data_key))


def unlock_with_password(header: KeyHeader, password: str, store: SecretStore) -> bytes:
    """Return the data key from the password slot, or raise a French `KnownError`."""
    slots = header.slots_of(SLOT_TYPE)
    if not slots:
        raise WrongKey("Le mode dégradé par mot de passe n'est pas activé pour ce coffre.")
    slot = slots[0]
    params = Argon2Parameters(time_cost=int(slot.params["time_cost"]),
                              memory_kib=int(slot.params["memory_kib"]),
                              parallelism=int(slot.params["parallelism"]))
    installation_secret = store.installation_secret(create=False)
    for candidate in _typed_forms(slot, password):
        key = derive_wrapping_key(candidate, unb64(slot.params["salt"]), params,
                                  installation_secret)
        try:
            return unwrap(header, slot, key, refusal=REFUSAL)
        except WrongKey:
            continue
    raise WrongKey(REFUSAL)


def _typed_forms(slot: Slot, password: str) -> list[str]:
    """The forms of `password` to try, each costing one Argon2id derivation."""
    if slot.params.get("normalization") == NORMALIZATION:
        return [unicodedata.normalize(NORMALIZATION, password)]
    return list(dict.fromkeys([password, unicodedata.normalize("NFC", password),
                               unicodedata.normalize("NFD", password)]))
