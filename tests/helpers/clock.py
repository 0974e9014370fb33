"""A clock the tests control: starts at a fixed time and moves one millisecond per reading."""

import datetime as dt

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


class SteppingClock:
    """Deterministic time; `advance` jumps forward."""

    def __init__(self, start: dt.datetime = START) -> None:
        self._now = start

    def now(self) -> dt.datetime:
        self._now += dt.timedelta(milliseconds=1)
        return self._now

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta
