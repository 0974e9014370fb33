"""The degraded-mode password slot (AUTH-3).

Argon2id stretches the password with the parameters recorded in the slot; the result is
mixed with the installation secret from the OS keyring through HKDF. The password must meet
the CNIL 80-bit rule before a slot is made. Changing it requires the vault to be unlocked
(the caller holds the data key).
"""

import secrets
import uuid
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw

from cabinet.domain.password import assess
from cabinet.errors import InvalidInput, WrongKey
from cabinet.keys.installation_secret import SecretStore
from cabinet.keys.wrapping import derive_key, seal_slot, unwrap
from cabinet.vault.header import KeyHeader, Slot, b64, unb64

SLOT_TYPE = "password"


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
    strength = assess(password)
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
                "installation_secret": True},
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
    key = derive_wrapping_key(password, unb64(slot.params["salt"]), params,
                        store.installation_secret(create=False))
    return unwrap(header, slot, key, refusal="Mot de passe incorrect.")
