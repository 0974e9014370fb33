"""The word for a patient in the record's header: age band and sex agree (issue 12, 7)."""

import datetime as dt

import pytest

from cabinet.domain.agreement import life_stage

TODAY = dt.date(2026, 11, 2)


def born(**ago: int) -> dt.date:
    years = ago.pop("years", 0)
    day = TODAY - dt.timedelta(**ago)
    return day.replace(year=day.year - years)


@pytest.mark.parametrize(("birth", "girl", "boy", "unknown"), [
    (born(days=0), "nouveau-née", "nouveau-né", "nouveau-né"),
    (born(days=27), "nouveau-née", "nouveau-né", "nouveau-né"),
    (born(days=28), "nourrisson (fille)", "nourrisson (garçon)", "nourrisson"),
    (born(days=31), "nourrisson (fille)", "nourrisson (garçon)", "nourrisson"),
    (born(years=2, days=-1), "nourrisson (fille)", "nourrisson (garçon)", "nourrisson"),
    (born(years=2), "fille", "garçon", "enfant"),
    (born(years=11, days=360), "fille", "garçon", "enfant"),
    (born(years=12), "adolescente", "adolescent", "enfant"),
    (born(years=17, days=364), "adolescente", "adolescent", "enfant"),
    (born(years=18), "femme", "homme", "adulte"),
    (born(years=95), "femme", "homme", "adulte"),
])
def test_the_age_band_and_the_sex_give_the_word(birth, girl, boy, unknown):
    assert [life_stage(sex, birth, TODAY) for sex in ("F", "M", "I")] == [
        girl, boy, f"{unknown} (sexe indéterminé)"]
