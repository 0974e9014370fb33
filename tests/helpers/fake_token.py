"""A PKCS#11 token that reports PIN states SoftHSM2 never reaches (it has no retry counter).

SoftHSM2 accepts unlimited wrong PINs and never sets CKF_USER_PIN_FINAL_TRY or
CKF_USER_PIN_LOCKED, so the messages a real CPS card triggers after two or three wrong PINs
cannot be produced with it: this fake reports those flags and raises what a CPS Cryptolib
raises. Everything else in the card tests uses the real SoftHSM2 token.
"""

from dataclasses import dataclass, field
from typing import Any

import pkcs11
import pkcs11.exceptions


@dataclass
class FakeToken:
    """Refuses every PIN; `flags` is what the token reports after the refusal, `flags_before`
    what it reports before any login."""

    flags: int = 0
    raises: type[Exception] = pkcs11.exceptions.PinIncorrect
    logins: list[str] = field(default_factory=list)
    flags_before: int = 0

    @property
    def slot(self) -> Any:
        token = self

        class Now:
            flags = token.flags if token.logins else token.flags_before

        class Slot:
            def get_token(self) -> Now:
                return Now()

        return Slot()

    def open(self, user_pin: str) -> Any:
        self.logins.append(user_pin)
        raise self.raises


FINAL_TRY = pkcs11.TokenFlag.USER_PIN_FINAL_TRY
LOCKED = pkcs11.TokenFlag.USER_PIN_LOCKED
COUNT_LOW = pkcs11.TokenFlag.USER_PIN_COUNT_LOW
