"""Retention rules (RET-1): when a record moves to the archive, when its destruction is due.

French practice for a physician's records (article R. 1112-7 of the public health code, the
CNIL's framework for medical practices): a record is kept 20 years after the last encounter;
for a minor, at least until the 28th birthday; when the patient died, 10 years after the
death. A record without an encounter for 5 years leaves the active base for the intermediate
archive. A record under a legal hold (a litigation, a seizure) is never proposed for
destruction. Pure rules: the pass that applies them is `cabinet.services.retention`.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    """Where a record stands in its retention."""

    ACTIVE = "active"
    ARCHIVE = "archive"
    DESTRUCTION = "destruction"
    HELD = "held"


class Rule(StrEnum):
    """Which rule sets a record's destruction date."""

    LAST_ENCOUNTER = "last_encounter"
    MINOR = "minor"
    DEATH = "death"


@dataclass(frozen=True)
class Policy:
    """The durations in years, as the settings hold them."""

    archive_years: int = 5
    destroy_years: int = 20
    minor_until_age: int = 28
    death_years: int = 10

    def rule_text(self, rule: Rule) -> str:
        """The rule as the window and the certificate say it."""
        if rule is Rule.MINOR:
            return f"jusqu'au {self.minor_until_age}e anniversaire (patient mineur)"
        if rule is Rule.DEATH:
            return f"{self.death_years} ans après le décès"
        return f"{self.destroy_years} ans après la dernière consultation"


@dataclass(frozen=True)
class Facts:
    """What the rules read of one record: no medical content, dates only.

    `reference` is the last encounter's date, or the record's creation date when it has none.
    """

    patient_id: int
    birth_date: dt.date
    reference: dt.date
    death_date: dt.date | None = None
    held: bool = False


@dataclass(frozen=True)
class Verdict:
    """A record's stage today, the rule setting its destruction date and that date."""

    stage: Stage
    rule: Rule
    archive_on: dt.date
    destroy_on: dt.date


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (a 29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def destruction_date(facts: Facts, policy: Policy) -> tuple[Rule, dt.date]:
    """The rule that applies and the day destruction may first be proposed.

    The later of « 20 years after the last encounter » and « the 28th birthday »; for a
    deceased patient, the death rule when it ends sooner (the law keeps a record 10 years
    after a death that came less than 10 years after the last encounter).
    """
    rule, day = Rule.LAST_ENCOUNTER, years_after(facts.reference, policy.destroy_years)
    adulthood = years_after(facts.birth_date, policy.minor_until_age)
    if adulthood > day:
        rule, day = Rule.MINOR, adulthood
    if facts.death_date is not None:
        after_death = years_after(facts.death_date, policy.death_years)
        if after_death < day:
            rule, day = Rule.DEATH, after_death
    return rule, day


def judge(facts: Facts, policy: Policy, today: dt.date) -> Verdict:
    """Where `facts`' record stands on `today`; a held record is archived, never proposed."""
    rule, destroy_on = destruction_date(facts, policy)
    archive_on = years_after(facts.reference, policy.archive_years)
    if today >= destroy_on:
        stage = Stage.HELD if facts.held else Stage.DESTRUCTION
    elif today >= archive_on:
        stage = Stage.ARCHIVE
    else:
        stage = Stage.ACTIVE
    return Verdict(stage, rule, archive_on, destroy_on)
