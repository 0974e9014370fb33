"""A practice whose records stand at each step of retention on the test clock's day (2026).

Each record has one encounter at a chosen date and a note carrying `MARKER`, so a test can
tell a destroyed record's content from a kept one.
"""

import datetime as dt
from dataclasses import dataclass

from cabinet.bootstrap import AppContext
from cabinet.domain.record import EntryKind
from helpers.vaults import identity

MARKER = "Canari-conservation"


@dataclass(frozen=True)
class Cases:
    """The records' numbers, by what the rules say of them in November 2026."""

    old: int  # last seen 2001: destruction proposed (20 years)
    minor: int  # a child seen at 3 in 2003: archived, kept until the 28th birthday (2028)
    archived: int  # last seen 2019: archived, destruction in 2039
    deceased: int  # seen 2015, died 2016: destruction proposed (10 years after the death)
    active: int  # seen 2025
    held: int  # last seen 1999, under legal hold


def seen(ctx: AppContext, name: str, birth: dt.date, last: str, **extra: object) -> int:
    """A patient with one encounter on `last` and a history line carrying the marker."""
    patient = ctx.patients.create(identity(name, "Test", birth_date=birth, **extra))
    ctx.records.add_entry(patient, EntryKind.HISTORY, {"category": "medical",
                                                       "text": f"{MARKER} {name}"})
    ctx.records.add_entry(patient, EntryKind.ENCOUNTER, {"date": last, "reason": "Suivi"})
    return patient


def retention_cases(ctx: AppContext) -> Cases:
    """Create the six records; the held one gets its hold (a litigation)."""
    cases = Cases(
        old=seen(ctx, "Ancien", dt.date(1950, 4, 2), "2001-01-10"),
        minor=seen(ctx, "Enfant", dt.date(2000, 9, 15), "2003-09-20"),
        archived=seen(ctx, "Archive", dt.date(1960, 1, 1), "2019-05-05"),
        deceased=seen(ctx, "Defunt", dt.date(1930, 6, 6), "2015-03-01",
                      death_date=dt.date(2016, 4, 1)),
        active=seen(ctx, "Actif", dt.date(1970, 2, 2), "2025-06-01"),
        held=seen(ctx, "Litige", dt.date(1945, 3, 3), "1999-02-02"))
    ctx.retention.place_hold(cases.held, "Litige en cours (assignation du 12/01/2026)")
    return cases
