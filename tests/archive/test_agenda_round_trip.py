"""The agenda travels in a MASSIF archive as AGENDA.ICS and comes back on import (issue 17)."""

import datetime as dt
import io
import zipfile

import icalendar
import pytest

from cabinet.domain.agenda import Request, Status
from cabinet.services.portability.export import Selection
from helpers import archives

TUESDAY = dt.datetime(2026, 11, 3)


@pytest.fixture
def source(ctx):
    practice = archives.practice_with_history(ctx)
    agenda = ctx.agenda
    seen = agenda.book(practice["patient"], Request("Consultation", TUESDAY.replace(hour=9),
                                                    20, "Renouvellement ; tension"))
    agenda.set_status(seen, Status.ARRIVED)
    agenda.set_status(seen, Status.SEEN)
    cancelled = agenda.book(practice["other"], Request("Suivi court", TUESDAY.replace(
        hour=10), 15))
    agenda.set_status(cancelled, Status.CANCELLED)
    agenda.book(practice["other"], Request("Visite à domicile", TUESDAY.replace(hour=16), 30,
                                           "Visite, « fièvre »"))
    return ctx


def transverse(path):
    return zipfile.ZipFile(io.BytesIO(archives.members(path)["TRANSV.ZIP"]))


def kept(context, patient_id):
    return [(a.start, a.minutes, a.type_name, a.reason, a.status, a.patient_name)
            for a in context.agenda.of_patient(patient_id)]


def test_a_massif_archive_carries_the_agenda_and_its_import_brings_it_back(
        source, successor, tmp_path):
    path = archives.export(source, tmp_path / "sortie")
    calendar = icalendar.Calendar.from_ical(transverse(path).read("AGENDA.ICS"))
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED", "CANCELLED"}
    documentation = archives.members(path)["DOCUMENTATION/DICTIONNAIRE.HTM"].decode()
    assert "AGENDA.ICS" in documentation
    reader = archives.open_reader(path)
    prepared = successor.archive_importer.prepare(reader)
    imported = successor.archive_importer.run(reader, prepared)
    assert imported["appointments"] == 3
    by_name = {successor.patients.identity(p).display_name(): p
               for p in successor.portability.patient_ids(0, 100)}
    before = {source.patients.identity(p).display_name(): kept(source, p)
              for p in source.portability.patient_ids(0, 100)}
    assert {name: kept(successor, p) for name, p in by_name.items()} == before
    journal = successor.vault.store.audit_rows(None, 50)
    assert any(e["target"] == "appointments" and e["detail"].startswith("2 rendez-vous")
               for e in journal)


def test_a_targeted_export_carries_no_agenda(source, tmp_path):
    path = archives.export(source, tmp_path / "sortie", selection=Selection(
        "CIBLE", patient_ids=(source.portability.patient_ids(0, 1)[0],)))
    assert "AGENDA.ICS" not in transverse(path).namelist()


def test_a_spoiled_agenda_refuses_the_archive_before_anything_is_written(
        source, successor, tmp_path):
    from archive.test_refusals import patched

    def spoil(content):
        content["AGENDA.ICS"] = content["AGENDA.ICS"].replace(b"X-CABINET-PATIENT", b"X-AUTRE")

    files, announce = patched(archives.members(archives.export(source, tmp_path / "sortie")),
                              "TRANSV.ZIP", spoil)
    reader = archives.open_reader(archives.rebuild(files, tmp_path / "a.cabarch",
                                                   change_manifest=announce))
    with pytest.raises(archives.KnownError, match="rendez-vous n° 1 de l'agenda est incomplet"):
        successor.archive_importer.prepare(reader)
    assert successor.portability.patient_ids(0, 10) == []
