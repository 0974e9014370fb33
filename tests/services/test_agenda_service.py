"""The agenda service on a real vault: appointments, their changes and reads, all journaled."""

import datetime as dt

import pytest

from cabinet.domain.agenda import Absence, AgendaSetup, Request, Status
from cabinet.errors import InvalidInput
from helpers.pdf_checks import pdf_text
from helpers.vaults import identity

TUESDAY = dt.date(2026, 11, 3)  # the test clock reads Monday 2 November 2026, 9:00 UTC


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def events(ctx, n=1):
    return ctx.vault.store.audit_rows(None, n)


@pytest.fixture
def patient(ctx):
    return ctx.patients.create(identity())


def test_booking_is_journaled_and_shown_in_the_day(ctx, patient):
    number = ctx.agenda.book(patient, Request("Consultation", at(9), 20, "Renouvellement"))
    created = events(ctx)[0]
    assert (created["action"], created["patient_id"], created["target"]) == (
        "create", patient, f"appointment:{number}")
    assert "Renouvellement" not in created["detail"]  # the reason stays out of the journal
    day = ctx.agenda.day(TUESDAY)
    shown = events(ctx)[0]
    assert (shown["action"], shown["target"], shown["patient_id"]) == (
        "read", "agenda:day 2026-11-03", None)
    assert shown["detail"] == f"1 rendez-vous ; patients n° {patient}"
    [appointment] = day.appointments
    assert (appointment.patient_name, appointment.reason, appointment.status) == (
        "LEFÈVRE Émilie", "Renouvellement", Status.PLANNED)


def test_bad_requests_are_refused_in_french_and_nothing_is_written(ctx, patient):
    before = ctx.vault.store.counts()["audit_events"]
    for request, said in [
            (Request("Consultation", at(7), 20), "horaires d'ouverture"),
            (Request("Consultation", dt.datetime(2026, 11, 2, 8, 30), 20), "déjà passé"),
            (Request("Ostéopathie", at(9), 20), "n'existe pas"),
            (Request("Consultation", at(9, day=dt.date(2026, 11, 11)), 20), "Armistice")]:
        with pytest.raises(InvalidInput, match=said):
            ctx.agenda.book(patient, request)
    assert ctx.vault.store.counts()["audit_events"] == before


def test_overlap_needs_confirmation(ctx, patient):
    other = ctx.patients.create(identity("Durand", "Paul"))
    ctx.agenda.book(patient, Request("Consultation", at(10), 20))
    with pytest.raises(InvalidInput, match="confirmez"):
        ctx.agenda.book(other, Request("Suivi court", at(10, 10), 15))
    ctx.agenda.book(other, Request("Suivi court", at(10, 10), 15, overlap_confirmed=True))
    assert "chevauchement confirmé" in events(ctx)[0]["detail"]
    assert len(ctx.agenda.day(TUESDAY).appointments) == 2


def test_move_shorten_cancel_absent_arrive_each_journaled(ctx, patient):
    number = ctx.agenda.book(patient, Request("Consultation", at(9), 20))
    ctx.agenda.move(number, at(11))
    assert events(ctx)[0]["detail"] == "déplacé : 03/11/2026 9 h 00 → 03/11/2026 11 h 00"
    ctx.agenda.shorten(number, 15)
    assert events(ctx)[0]["detail"] == "durée : 20 → 15 min"
    with pytest.raises(InvalidInput, match="plus courte que 15"):
        ctx.agenda.shorten(number, 30)
    ctx.agenda.set_status(number, Status.ABSENT)
    assert (events(ctx)[0]["action"], events(ctx)[0]["detail"]) == (
        "correct", "statut : prévu → absent")
    with pytest.raises(InvalidInput, match="Seul un rendez-vous prévu se déplace"):
        ctx.agenda.move(number, at(12))
    ctx.agenda.set_status(number, Status.PLANNED)
    ctx.agenda.set_status(number, Status.CANCELLED)
    with pytest.raises(InvalidInput, match="annulé ne peut pas devenir arrivé"):
        ctx.agenda.set_status(number, Status.ARRIVED)
    [kept] = ctx.agenda.of_patient(patient)
    assert (kept.start, kept.minutes, kept.status) == (at(11), 15, Status.CANCELLED)
    assert (events(ctx)[0]["target"], events(ctx)[0]["patient_id"]) == ("appointments", patient)


def test_waiting_room_in_order_of_arrival(ctx, patient, clock):
    monday = dt.date(2026, 11, 2)
    paul = ctx.patients.create(identity("Durand", "Paul"))
    early = ctx.agenda.book(patient, Request("Consultation", at(10, day=monday), 20))
    late = ctx.agenda.book(paul, Request("Consultation", at(9, 30, day=monday), 20))
    ctx.agenda.set_status(early, Status.ARRIVED)
    clock.advance(dt.timedelta(minutes=5))
    ctx.agenda.set_status(late, Status.ARRIVED)
    assert [a.id for a in ctx.agenda.waiting_room(monday)] == [early, late]
    assert events(ctx)[0]["target"] == "waiting room 2026-11-02"
    ctx.agenda.set_status(early, Status.SEEN)
    assert [a.id for a in ctx.agenda.waiting_room(monday)] == [late]


def test_setup_absences_close_days_and_the_holiday_zone_is_the_settings(ctx, patient):
    ctx.agenda.change_setup(AgendaSetup(
        absences=(Absence(dt.date(2026, 11, 16), dt.date(2026, 11, 20), "Congés"),)))
    assert events(ctx)[0]["target"] == "agenda setup"
    assert ctx.agenda.closed(dt.date(2026, 11, 18)) == "Absence : Congés"
    assert ctx.agenda.closed(dt.date(2027, 12, 20)) is None
    ctx.settings.change({"holiday_zone": "974"})
    assert ctx.agenda.closed(dt.date(2027, 12, 20)) == "Jour férié : Abolition de l'esclavage"
    with pytest.raises(InvalidInput, match="au moins un type"):
        ctx.agenda.change_setup(AgendaSetup(types=()))


def test_icalendar_export_then_import_into_the_same_vault_skips_what_is_there(ctx, patient):
    ctx.agenda.book(patient, Request("Consultation", at(9), 20, "Vaccin ; grippe, rappel"))
    data = ctx.agenda.export_calendar()
    assert events(ctx)[0]["action"] == "export"
    assert b"BEGIN:VCALENDAR" in data and b"DESCRIPTION:Vaccin \\; grippe\\, rappel" in data
    assert ctx.agenda.import_calendar(data) == 0
    with pytest.raises(InvalidInput, match=f"patient n° {patient}, absent du coffre"):
        ctx.agenda.import_calendar(data, lambda number: 999)
    with pytest.raises(InvalidInput, match="pas un agenda iCalendar lisible"):
        ctx.agenda.import_calendar(b"ceci n'est pas un agenda")


def test_the_days_list_is_a_pdf_in_the_export_folder_without_reasons(ctx, patient,
                                                                     tmp_path):
    ctx.agenda.book(patient, Request("Consultation", at(9), 20, "Douleur thoracique"))
    exports = tmp_path / "exports"
    exports.mkdir()
    path = ctx.agenda.print_day(TUESDAY, ctx.letterhead(), exports)
    assert path == exports / "rendez-vous-2026-11-03.pdf"
    assert [p.name for p in exports.iterdir()] == [path.name]  # nothing else left behind
    shown = pdf_text(path)
    assert "Rendez-vous du mardi 3 novembre 2026" in shown
    assert "09:00" in shown and "LEFÈVRE Émilie" in shown and "Consultation" in shown
    assert "Douleur" not in shown
    assert (events(ctx)[0]["action"], events(ctx)[0]["target"]) == ("export",
                                                                     "agenda:day 2026-11-03")
