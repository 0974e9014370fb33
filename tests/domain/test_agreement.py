"""Words agree with the person; « (e) » is never written."""

import datetime as dt

import pytest

from cabinet.domain.agreement import born_on, the_person, undersigned

DAY = dt.date(1961, 3, 12)


@pytest.mark.parametrize(("sex", "born", "person"), [
    ("F", "née le 12/03/1961", "l'intéressée"),
    ("M", "né le 12/03/1961", "l'intéressé"),
    ("I", "date de naissance : 12/03/1961", "la personne intéressée"),
])
def test_the_patient_s_words_follow_the_recorded_sex(sex, born, person):
    assert born_on(sex, DAY) == born
    assert the_person(sex) == person


@pytest.mark.parametrize(("sex", "opening"), [
    ("F", "Je soussignée, Dr Claire Martin,"),
    ("M", "Je soussigné, Dr Claire Martin,"),
    ("", "Dr Claire Martin"),
])
def test_the_physician_s_opening_follows_the_setting(sex, opening):
    assert undersigned(sex, "Dr Claire Martin") == opening
    assert "(e)" not in undersigned(sex, "Dr Claire Martin")


@pytest.mark.parametrize(("sex", "subject"), [
    ("F", "Je soussignée, Dr Claire Martin, RPPS 10101010105,"),
    ("M", "Je soussigné, Dr Claire Martin, RPPS 10101010105,"),
    ("", "Dr Claire Martin, RPPS 10101010105,"),
])
def test_details_sit_between_commas_before_the_verb(sex, subject):
    assert undersigned(sex, "Dr Claire Martin", "RPPS 10101010105") == subject
