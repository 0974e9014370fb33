"""The demo slot: opens a demo vault with a password printed in the clear, on purpose.

Only a header marked `demo` may carry it, and everything that opens such a vault says so.
It protects nothing: demo vaults hold synthetic patients only.
"""

import secrets
import uuid

from cabinet.errors import VaultError
from cabinet.keys.header import KeyHeader, Slot, b64, unb64
from cabinet.keys.wrapping import derive_key, seal_slot, unwrap

SLOT_TYPE = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105 - printed on purpose: demo vaults hold synthetic data


def add_demo_slot(header: KeyHeader, data_key: bytes, created_at: str) -> None:
    """Give a demo vault its visible demo password."""
    if not header.demo:
        raise VaultError("Seul un coffre de démonstration peut avoir un mot de passe public.")
    salt = secrets.token_bytes(16)
    slot_id = str(uuid.uuid4())
    key = derive_key(DEMO_PASSWORD.encode(), salt=salt, purpose=SLOT_TYPE)
    header.slots.append(seal_slot(header, Slot(
        type=SLOT_TYPE, id=slot_id, created_at=created_at, wrapped={},
        params={"salt": b64(salt)}, label="Démonstration — sans valeur",
    ), key, data_key))


def unlock_demo(header: KeyHeader, password: str = DEMO_PASSWORD) -> bytes:
    """Open a demo vault; refuse a demo slot found in a real vault's header."""
    slots = header.slots_of(SLOT_TYPE)
    if not header.demo or not slots:
        raise VaultError("Ce coffre n'est pas un coffre de démonstration.")
    key = derive_key(password.encode(), salt=unb64(slots[0].params["salt"]), purpose=SLOT_TYPE)
    return unwrap(header, slots[0], key, refusal="Mot de passe de démonstration incorrect.")
