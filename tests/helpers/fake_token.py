"""PKCS#11 tokens that report PIN states SoftHSM2 never reaches (it has no retry counter).

SoftHSM2 accepts unlimited wrong PINs and never sets CKF_USER_PIN_FINAL_TRY or
CKF_USER_PIN_LOCKED, so the messages a real CPS card triggers after two or three wrong PINs
cannot be produced with it: `FakeToken` reports those flags and raises what a CPS Cryptolib
raises; `PinCounter` puts a CPS card's three-try counter over the real SoftHSM2 token (the
window's tests). Everything else in the card tests uses the real SoftHSM2 token.
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


@dataclass
class PinCounter:
    """A CPS card's PIN counter (three tries) for a real SoftHSM2 token, which has none.

    `wrap(token)` gives the real token with the flags a CPS card's middleware reports after
    wrong PINs, and a blocked card's refusal (CKR_PIN_LOCKED) once none is left. A right PIN
    resets the counter, as on the card. `logins` lists every PIN the token received.
    """

    left: int = 3
    logins: list[str] = field(default_factory=list)

    def wrap(self, token: Any) -> Any:
        return _CountedToken(token, self)

    def flags(self) -> int:
        if self.left == 0:
            return int(LOCKED)
        return int(FINAL_TRY) if self.left == 1 else int(COUNT_LOW) if self.left < 3 else 0


class _CountedToken:
    def __init__(self, token: Any, counter: PinCounter) -> None:
        self._token, self._counter = token, counter

    def __getattr__(self, name: str) -> Any:
        return getattr(self._token, name)

    @property
    def flags(self) -> int:
        return int(self._token.flags) | self._counter.flags()

    @property
    def slot(self) -> Any:
        counted = self

        class Slot:
            def get_token(self) -> Any:
                return counted

        return Slot()

    def open(self, user_pin: str | None = None, **options: Any) -> Any:
        if user_pin is None:  # a public session: no PIN reaches the card
            return self._token.open(**options)
        self._counter.logins.append(user_pin)
        if self._counter.left == 0:
            raise pkcs11.exceptions.PinLocked
        try:
            session = self._token.open(user_pin=user_pin, **options)
        except pkcs11.exceptions.PinIncorrect:
            self._counter.left -= 1
            raise
        self._counter.left = 3
        return session
