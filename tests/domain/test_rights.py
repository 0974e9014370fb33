"""Legal dates of a copy request (article R. 1111-1 CSP) and the seizure's required fields."""

import datetime as dt

import pytest

from cabinet.domain.rights import RightsError, Seizure, legal_dates


def test_recent_information_eight_days_after_48_hours():
    dates = legal_dates(dt.date(2026, 11, 20), dt.date(2026, 6, 1))
    assert (dates.earliest, dates.latest, dates.old_information) == (
        dt.date(2026, 11, 22), dt.date(2026, 11, 28), False)


def test_information_older_than_five_years_two_months():
    dates = legal_dates(dt.date(2026, 11, 20), dt.date(2021, 11, 19))
    assert (dates.latest, dates.old_information) == (dt.date(2027, 1, 20), True)


def test_exactly_five_years_is_not_older_than_five_years():
    assert not legal_dates(dt.date(2026, 11, 20), dt.date(2021, 11, 20)).old_information


def test_two_months_from_the_end_of_december_lands_on_the_last_day_of_february():
    assert legal_dates(dt.date(2026, 12, 31), dt.date(2001, 1, 1)).latest == dt.date(2027, 2, 28)


def test_an_empty_record_has_the_short_limit():
    assert legal_dates(dt.date(2028, 2, 29), None).latest == dt.date(2028, 3, 8)


@pytest.mark.parametrize(("field", "message"), [
    ("magistrate", "magistrat"), ("decision_reference", "décision"),
    ("order_representative", "Ordre")])
def test_a_seizure_names_the_magistrate_the_decision_and_the_order(field, message):
    values = {"magistrate": "Mme Juge", "decision_reference": "Ordonnance 1",
              "order_representative": "Dr Ordre", field: "  "}
    with pytest.raises(RightsError, match=message):
        Seizure(**values).validated()
