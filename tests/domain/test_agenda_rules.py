"""The agenda's rules: what an appointment may be, and the days the practice is closed."""

import datetime as dt

import pytest

from cabinet.domain.agenda import (
    Absence,
    AgendaError,
    AgendaSetup,
    Appointment,
    OverlapUnconfirmed,
    RecurringBlock,
    Request,
    Status,
    check_request,
    check_setup,
    check_status_change,
    closed_because,
    hours_text,
    parse_hours,
    setup_from_dict,
    setup_to_dict,
    waiting_order,
)
from cabinet.domain.holidays import holiday

NOW = dt.datetime(2026, 11, 2, 9, 0)  # a Monday
SETUP = AgendaSetup(absences=(Absence(dt.date(2026, 11, 16), dt.date(2026, 11, 20), "Congés"),),
                    blocks=(RecurringBlock(3, dt.time(14), dt.time(16), "Visites"),))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute)


def check(start, *, minutes=20, type_name="Consultation", others=(), confirmed=False,
          holiday_name=None, reason=""):
    return check_request(SETUP, Request(type_name, start, minutes, reason, confirmed), now=NOW,
                         holiday=holiday_name, day_appointments=others)


def booked(start, minutes=20, status=Status.PLANNED, ident=1):
    return Appointment(ident, 7, "Consultation", start, minutes, "", status)


def test_an_appointment_inside_opening_hours_is_accepted():
    assert check(at(3, 9)).minutes == 20


@pytest.mark.parametrize(("start", "minutes", "said"), [
    (at(3, 7, 30), 20, "horaires d'ouverture"),
    (at(3, 12, 20), 20, "horaires d'ouverture"),  # runs past the lunch closing
    (at(8, 10), 20, "cabinet fermé"),  # a Sunday
    (at(2, 8, 45), 20, "déjà passé"),
    (at(18, 10), 20, "absence : Congés"),
    (at(5, 14, 30), 20, "réservé : Visites"),
    (at(3, 9), 300, "de 5 à 240 minutes"),
])
def test_bad_slots_are_refused_in_french(start, minutes, said):
    with pytest.raises(AgendaError, match=said):
        check(start, minutes=minutes)


def test_unknown_type_and_long_reason_are_refused():
    with pytest.raises(AgendaError, match="type de rendez-vous n'existe pas"):
        check(at(3, 9), type_name="Acupuncture")
    with pytest.raises(AgendaError, match="200 caractères"):
        check(at(3, 9), reason="x" * 201)


def test_a_holiday_closes_the_day():
    with pytest.raises(AgendaError, match="jour férié : Armistice"):
        check(at(11, 9), holiday_name="Armistice")


def test_overlap_only_when_confirmed_and_not_with_cancelled_ones():
    taken = [booked(at(3, 9, 10))]
    with pytest.raises(OverlapUnconfirmed, match="chevauche 1 rendez-vous"):
        check(at(3, 9), others=taken)
    assert check(at(3, 9), others=taken, confirmed=True)
    assert check(at(3, 9), others=[booked(at(3, 9, 10), status=Status.CANCELLED)])


def test_status_changes_follow_the_day():
    check_status_change(Status.PLANNED, Status.ARRIVED)
    check_status_change(Status.ARRIVED, Status.SEEN)
    with pytest.raises(AgendaError, match="Un rendez-vous annulé ne peut pas devenir arrivé"):
        check_status_change(Status.CANCELLED, Status.ARRIVED)


def test_waiting_room_is_in_order_of_arrival():
    first = Appointment(1, 1, "Consultation", at(3, 9, 40), 20, "", Status.ARRIVED,
                        "2026-11-03T09:05")
    second = Appointment(2, 2, "Consultation", at(3, 9), 20, "", Status.ARRIVED,
                         "2026-11-03T09:10")
    assert [a.id for a in waiting_order([second, booked(at(3, 10), ident=3), first])] == [1, 2]


def test_setup_round_trips_and_refuses_nonsense():
    assert setup_from_dict(setup_to_dict(SETUP)) == SETUP
    with pytest.raises(AgendaError, match="couleur"):
        check_setup(AgendaSetup(types=(SETUP.types[0].__class__("A", 20, "rouge"),)))
    with pytest.raises(AgendaError, match="illisible"):
        setup_from_dict({"types": []})


def test_french_holidays_mainland_and_overseas():
    assert holiday("", dt.date(2026, 12, 25)) == "Noël"
    assert holiday("", dt.date(2026, 12, 20)) is None
    assert holiday("974", dt.date(2026, 12, 20)) == "Abolition de l'esclavage"
    assert holiday("971", dt.date(2026, 5, 27)) == "Abolition de l'esclavage"
    assert holiday("57", dt.date(2026, 4, 3)) == "Vendredi saint"
    assert closed_because(SETUP, dt.date(2026, 11, 11), holiday("", dt.date(2026, 11, 11))) \
        == "Jour férié : Armistice"


def test_opening_hours_are_typed_as_a_physician_writes_them():
    spans = parse_hours("8h30-12:30 ; 14 à 19h", "lundi")
    assert hours_text(spans) == "08:30-12:30, 14:00-19:00"
    assert parse_hours("  ", "dimanche") == ()
    with pytest.raises(AgendaError, match="Horaires du mardi : « 25:00 » n'est pas une heure"):
        parse_hours("08:00-25:00", "mardi")
    with pytest.raises(AgendaError, match="Horaires du mardi : écrivez par exemple"):
        parse_hours("08:00", "mardi")
