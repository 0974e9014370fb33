"""Retention rules (RET-1): archive after 5 years, destruction after 20, a minor's 28th
birthday, 10 years after a death, never while a legal hold stands."""

import dataclasses
import datetime as dt

import pytest

from cabinet.domain.identity import (
    Identity,
    IdentityError,
    Sex,
    identity_from_dict,
    identity_to_dict,
    validate_identity,
)
from cabinet.domain.retention import Facts, Policy, Rule, Stage, judge, years_after
from cabinet.domain.settings import (
    RETENTION_ARCHIVE_YEARS,
    RETENTION_DEATH_YEARS,
    RETENTION_DESTROY_YEARS,
    RETENTION_MINOR_AGE,
    SettingError,
)

POLICY = Policy()
ADULT = dt.date(1950, 4, 2)


def facts(reference: dt.date, birth: dt.date = ADULT, **changes: object) -> Facts:
    return dataclasses.replace(Facts(1, birth, reference), **changes)


def test_a_record_seen_recently_stays_active() -> None:
    verdict = judge(facts(dt.date(2024, 1, 10)), POLICY, dt.date(2026, 1, 1))
    assert verdict.stage is Stage.ACTIVE
    assert verdict.archive_on == dt.date(2029, 1, 10)


def test_five_years_without_an_encounter_moves_the_record_to_the_archive() -> None:
    last = dt.date(2020, 6, 1)
    assert judge(facts(last), POLICY, dt.date(2025, 5, 31)).stage is Stage.ACTIVE
    assert judge(facts(last), POLICY, dt.date(2025, 6, 1)).stage is Stage.ARCHIVE


def test_destruction_is_proposed_twenty_years_after_the_last_encounter() -> None:
    verdict = judge(facts(dt.date(2005, 3, 4)), POLICY, dt.date(2025, 3, 4))
    assert (verdict.stage, verdict.rule, verdict.destroy_on) == (
        Stage.DESTRUCTION, Rule.LAST_ENCOUNTER, dt.date(2025, 3, 4))
    assert judge(facts(dt.date(2005, 3, 4)), POLICY, dt.date(2025, 3, 3)).stage is Stage.ARCHIVE


def test_a_minor_s_record_waits_for_the_28th_birthday() -> None:
    child = dt.date(2000, 9, 15)
    seen_at_three = dt.date(2003, 9, 20)
    verdict = judge(facts(seen_at_three, child), POLICY, dt.date(2027, 1, 1))
    assert (verdict.stage, verdict.rule) == (Stage.ARCHIVE, Rule.MINOR)
    assert verdict.destroy_on == dt.date(2028, 9, 15)  # not 2023, twenty years after
    assert judge(facts(seen_at_three, child), POLICY, dt.date(2028, 9, 15)).stage \
        is Stage.DESTRUCTION


def test_a_deceased_patient_s_record_is_proposed_ten_years_after_the_death() -> None:
    verdict = judge(facts(dt.date(2014, 5, 1), death_date=dt.date(2014, 6, 1)), POLICY,
                    dt.date(2024, 6, 1))
    assert (verdict.stage, verdict.rule, verdict.destroy_on) == (
        Stage.DESTRUCTION, Rule.DEATH, dt.date(2024, 6, 1))


def test_a_death_long_after_the_last_encounter_keeps_the_twenty_years_rule() -> None:
    verdict = judge(facts(dt.date(2000, 1, 1), death_date=dt.date(2015, 1, 1)), POLICY,
                    dt.date(2020, 1, 1))
    assert (verdict.rule, verdict.destroy_on) == (Rule.LAST_ENCOUNTER, dt.date(2020, 1, 1))


def test_a_record_under_legal_hold_is_never_proposed() -> None:
    verdict = judge(facts(dt.date(1990, 1, 1), held=True), POLICY, dt.date(2026, 1, 1))
    assert verdict.stage is Stage.HELD


def test_a_29_february_ends_on_the_28th() -> None:
    assert years_after(dt.date(2004, 2, 29), 5) == dt.date(2009, 2, 28)


def test_longer_durations_delay_each_step() -> None:
    longer = Policy(archive_years=8, destroy_years=30, minor_until_age=30, death_years=12)
    verdict = judge(facts(dt.date(2000, 1, 1)), longer, dt.date(2026, 1, 1))
    assert (verdict.stage, verdict.destroy_on) == (Stage.ARCHIVE, dt.date(2030, 1, 1))
    assert longer.rule_text(Rule.MINOR) == "jusqu'au 30e anniversaire (patient mineur)"


@pytest.mark.parametrize(("setting", "typed", "words"), [
    (RETENTION_DESTROY_YEARS, "15", "au moins 20 ans"),
    (RETENTION_MINOR_AGE, "18", "28e anniversaire"),
    (RETENTION_DEATH_YEARS, "5", "au moins 10 ans après le décès"),
    (RETENTION_ARCHIVE_YEARS, "0", "un nombre entier de 1 à 19"),
])
def test_a_duration_below_its_legal_minimum_is_refused_in_french(setting, typed, words) -> None:
    with pytest.raises(SettingError, match=words):
        setting.check(typed)


def identity(**changes: object) -> Identity:
    return dataclasses.replace(Identity(birth_name="DUPONT", first_names="Jeanne",
                                        sex=Sex.FEMALE, birth_date=dt.date(1940, 1, 2)),
                               **changes)


def test_the_date_of_death_is_an_identity_field_kept_in_storage() -> None:
    died = identity(death_date=dt.date(2024, 2, 3))
    assert identity_from_dict(identity_to_dict(died)) == died
    assert "death_date" not in identity_to_dict(identity())  # older identities read the same


@pytest.mark.parametrize(("death", "message"), [
    (dt.date(1939, 12, 31), "précède la date de naissance"),
    (dt.date(2026, 6, 2), "dans le futur"),
])
def test_an_impossible_date_of_death_is_refused(death, message) -> None:
    with pytest.raises(IdentityError, match=message):
        validate_identity(identity(death_date=death), dt.date(2026, 6, 1))


@pytest.mark.parametrize(("target", "said"), [
    ("retention", "Conservation du dossier"),
    ("retention review", "Revue des durées de conservation"),
    ("destruction:3", "Destruction n° 3"),
])
def test_the_journal_words_retention_events_in_french(target, said) -> None:
    from cabinet.domain.wording import target_text

    assert target_text(target) == said
