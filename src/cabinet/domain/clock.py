"""Time comes from an injected clock, so tests can move it and audit times stay honest."""

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time, always timezone-aware."""

    def now(self) -> dt.datetime:
        """Return the current time."""
        ...


class SystemClock:
    """The workstation's clock, in UTC."""

    def now(self) -> dt.datetime:
        """Return the workstation's current time in UTC."""
        return dt.datetime.now(dt.UTC)
