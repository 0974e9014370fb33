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


class WorkingDayClock:
    """The practice's clock for a day run by hand: the first working weekday (mainland France,
    not a public holiday) from today, 8 h local, then running at real speed.

    A morning at the agenda then always has open slots ahead, whatever the day and hour the
    suite runs; everything the window dates (journal, encounters, documents, the agenda)
    follows this clock.
    """

    def __init__(self) -> None:
        from cabinet.domain.holidays import holiday

        day = dt.date.today()
        while day.weekday() >= 5 or holiday("", day):
            day += dt.timedelta(days=1)
        self.today = day
        self._start = dt.datetime.combine(day, dt.time(8)).astimezone(dt.UTC)
        self._started = dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return self._start + (dt.datetime.now(dt.UTC) - self._started)
