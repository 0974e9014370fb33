"""No service method reads or writes medical data without its audit event (TRACE-1)."""

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from asn1crypto import x509

import cabinet
from cabinet.demo.generator import demo_pdf
from cabinet.documents.demo_certificate import demo_signer
from cabinet.documents.signing import DocumentSigner
from cabinet.domain.agenda import AgendaSetup, Request, Status
from cabinet.domain.audit import ChainWalker
from cabinet.domain.correspondents import Correspondent
from cabinet.domain.fees import FeeInput
from cabinet.domain.record import EntryKind
from cabinet.domain.rights import CopyRequest, Seizure
from cabinet.errors import AuditMissing
from cabinet.exchange.printing import PrintRequest
from cabinet.exchange.staging import CancelToken
from cabinet.services.auditing import (
    AUDITED_MARK,
    NOT_AUDITED_MARK,
    AuditedService,
    audited,
    service_marks,
)
from cabinet.services.exports import Transmission
from cabinet.services.issuing import Output
from cabinet.services.portability.cessation import Closure
from cabinet.services.ports import DraftKey, JournalFilter
from helpers import archives
from helpers.certificates import card_certificate, signer
from helpers.cups_printer import cups_pdf_queue
from helpers.hprim_files import HprimFile
from helpers.vaults import identity


def cabinet_modules():
    """Every module of the application, wherever it lives (the entry point aside)."""
    for info in pkgutil.walk_packages(cabinet.__path__, "cabinet."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)


def is_service(cls):
    marked = any(hasattr(member, AUDITED_MARK) or hasattr(member, NOT_AUDITED_MARK)
                 for member in vars(cls).values())
    return marked or (cls.__name__.endswith("Service") and bool(service_marks(cls))
                      and not getattr(cls, "_is_protocol", False))


def service_classes():
    return sorted({cls for module in cabinet_modules()
                   for _, cls in inspect.getmembers(module, inspect.isclass)
                   if cls.__module__ == module.__name__ and is_service(cls)},
                  key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_every_audited_class_is_found_wherever_it_lives():
    names = {f"{c.__module__}.{c.__name__}" for c in service_classes()}
    assert {"cabinet.services.portability.importer.ArchiveImporter",
            "cabinet.services.portability.export.ArchiveExporter",
            "cabinet.services.portability.cessation.CessationService",
            "cabinet.services.records.RecordService"} <= names
    assert service_marks(next(c for c in service_classes() if c.__name__ == "ArchiveImporter"))[
        "prepare"] == "audited"


@pytest.mark.parametrize("cls", service_classes(), ids=lambda c: c.__name__)
def test_every_public_method_is_marked(cls):
    marks = service_marks(cls)
    assert marks, f"{cls.__name__} has no public method"
    unmarked = [name for name, mark in marks.items() if mark == "unmarked"]
    assert unmarked == [], f"{cls.__name__}: not marked audited nor not_audited: {unmarked}"


def audit_count(ctx):
    return ctx.vault.store.counts()["audit_events"]


def test_each_audited_method_writes_its_event(ctx, tmp_path, printer):
    patient = ctx.patients.create(identity())
    lineage = ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabac"})
    document = ctx.records.add_document(patient, {
        "doc_type": "result", "title": "Bilan", "date": "2026-01-01",
        "filename": "bilan.pdf", "media_type": "application/pdf"}, b"%PDF-1.7 test")
    calls = {
        "PatientService.create": lambda: ctx.patients.create(identity("Durand")),
        "PatientService.correct": lambda: ctx.patients.correct(
            patient, identity("Lefèvre", "Émilie Anne"), "prénom complet"),
        "PatientService.identity": lambda: ctx.patients.identity(patient),
        "PatientService.identity_history": lambda: ctx.patients.identity_history(patient),
        "RecordService.add_entry": lambda: ctx.records.add_entry(
            patient, EntryKind.RISK_FACTOR, {"text": "Sédentarité"}),
        "RecordService.correct_entry": lambda: ctx.records.correct_entry(
            lineage, {"text": "Tabac sevré"}, "sevrage"),
        "RecordService.open_record": lambda: ctx.records.open_record(patient),
        "RecordService.entry_history": lambda: ctx.records.entry_history(lineage),
        "RecordService.add_document": lambda: ctx.records.add_document(patient, {
            "doc_type": "scan", "title": "Scan", "date": "2026-01-01",
            "filename": "scan.pdf", "media_type": "application/pdf"}, b"%PDF scan"),
        "RecordService.read_document": lambda: ctx.records.read_document(document),
        "RecordService.search_text": lambda: ctx.records.search_text("tabac"),
        "JournalService.access_history": lambda: ctx.journal.access_history(patient),
        "JournalService.events": lambda: ctx.journal.events(JournalFilter(action="read")),
        "JournalService.verify": ctx.journal.verify,
        "JournalService.finish_verification": lambda: ctx.journal.finish_verification(
            ChainWalker()),
        "SettingsService.change": lambda: ctx.settings.change({"inactivity_minutes": "5"}),
        "RecordService.break_glass": lambda: ctx.records.break_glass(
            patient, "Appel du SAMU, patient inconscient"),
        "JournalService.mark_break_glass_reviewed": lambda: ctx.journal.mark_break_glass_reviewed(
            1),
        "JournalService.acknowledge_anchor_alerts":
            lambda: ctx.journal.acknowledge_anchor_alerts(1, "Restauration voulue du disque"),
        "DraftService.save": lambda: ctx.drafts.save(DraftKey(patient, "encounter"),
                                                     {"reason": "Toux"}),
        "DraftService.restore": lambda: ctx.drafts.restore(DraftKey(patient, "encounter")),
        "DraftService.discard": lambda: ctx.drafts.discard(DraftKey(patient, "encounter")),
    }
    exports = (export_calls(ctx, patient, tmp_path) | portability_calls(ctx, tmp_path)
               | print_calls(ctx, patient, printer)
               | fee_calls(ctx, patient, tmp_path) | agenda_calls(ctx, patient, tmp_path)
               | writing_calls(ctx, patient)
               | erasure_calls(ctx, patient, document)
               | compliance_calls(ctx, patient, tmp_path) | results_calls(ctx, patient)
               | retention_calls(ctx, tmp_path))
    audited_methods = {f"{cls.__name__}.{name}" for cls in service_classes()
                       for name, mark in service_marks(cls).items() if mark == "audited"}
    assert set(calls) | set(exports) == audited_methods, "add a call for every audited method"
    for name, call in calls.items():
        before = audit_count(ctx)
        call()
        assert audit_count(ctx) == before + 1, name
    for name, call in exports.items():  # an export also journals what it writes in the record
        before = audit_count(ctx)
        call()
        assert audit_count(ctx) > before, name


def export_calls(ctx, patient, tmp_path):
    prescription = ctx.records.add_entry(patient, EntryKind.PRESCRIPTION, {
        "date": "2026-11-01", "lines": [{"drug": "Paracétamol", "dosage": "1 g",
                                         "duration": "3 jours"}]})
    ids = iter(range(1, 100))

    def out():
        folder = tmp_path / f"sortie-{next(ids)}"
        folder.mkdir()
        return Output(demo_signer(), folder, CancelToken())

    request = CopyRequest("patient", "Émilie Lefèvre", ("id_presented",), dt.date(2026, 10, 1))
    return {
        "ExportService.prescription": lambda: ctx.exports.prescription(prescription, out()),
        "ExportService.keep_prescription": lambda: ctx.exports.keep_prescription(
            prescription, demo_signer(), CancelToken()),
        "ExportService.keep_summary": lambda: ctx.exports.keep_summary(
            patient, demo_signer(), CancelToken()),
        "ExportService.certificate": lambda: ctx.exports.certificate(patient, "Apte.", out()),
        "ExportService.letter": lambda: ctx.exports.letter(patient, "Dr Durand", "Avis ?",
                                                           out()),
        "ExportService.sign_prepared": lambda: ctx.exports.sign_prepared(
            ctx.exports.prepare_certificate(patient, "Apte."), out()),
        "ExportService.transmit": lambda: ctx.exports.transmit(patient, Transmission(
            frozenset({EntryKind.RISK_FACTOR}), "Dr Durand", "À sa demande"), out()),
        "ExportService.seize": lambda: ctx.exports.seize(patient, Seizure(
            "Mme Juge", "Ordonnance 1", "Dr Ordre"), out()),
        "CopyService.register": lambda: ctx.copies.register(patient, request),
        "CopyService.requests": lambda: ctx.copies.requests(patient),
        "CopyService.deliver": lambda: ctx.copies.deliver(
            ctx.copies.register(patient, request), out(), with_history=False),
    }


@pytest.fixture
def printer():
    with cups_pdf_queue() as queue:
        yield queue


def print_calls(ctx, patient, printer):
    """Printing a kept document: the real CUPS queue of the tests."""
    kept = ctx.records.add_document(patient, {
        "doc_type": "certificate", "title": "Certificat", "date": "2026-01-01",
        "filename": "certificat.pdf", "media_type": "application/pdf"},
        demo_pdf("Certificat"))
    return {"PrintService.print_document": lambda: ctx.printing.print_document(
        kept, PrintRequest(printer.queue))}


def fee_calls(ctx, patient, tmp_path):
    """Fees: each call writes its event; the export also journals the ledger it reads."""
    encounter = ctx.records.add_entry(patient, EntryKind.ENCOUNTER, {
        "date": "2026-11-02", "reason": "Toux"})
    fee = ctx.fees.record(encounter, FeeInput((("G", 1),), third_party_cents=2100))
    day = dt.date(2026, 11, 2)
    return {
        "FeeService.add_rate": lambda: ctx.fees.add_rate("APC", "Avis ponctuel", 6000, day),
        "FeeService.record": lambda: ctx.fees.record(encounter, FeeInput((("G", 1),))),
        "FeeService.pay": lambda: ctx.fees.pay(fee, 900, "cash"),
        "FeeService.insurer_paid": lambda: ctx.fees.insurer_paid(fee, 100, day),
        "FeeService.encounter_fees": lambda: ctx.fees.encounter_fees(encounter),
        "FeeService.ledger": lambda: ctx.fees.ledger(day, day),
        "FeeService.deposit_slip": lambda: ctx.fees.deposit_slip(day, day),
        "FeeService.insurer_expected": ctx.fees.insurer_expected,
        "FeeService.export": lambda: ctx.fees.export(2026, 11, Output(
            demo_signer(), tmp_path, CancelToken())),
        "FeeService.cancel": lambda: ctx.fees.cancel(fee, "erreur de saisie"),
    }


def writing_calls(ctx, patient):
    """Templates and the address book: one event each (filling one: the record's reading)."""
    colleague = ctx.correspondents.save(Correspondent("Dr Paul Durand"))
    directory = b"Identifiant PP|Nom d'exercice\n10101010105|DURAND\n"
    return {
        "TemplateService.save": lambda: ctx.templates.save("sport", "{{patient.nom}} apte."),
        "TemplateService.restore": lambda: ctx.templates.restore("sport"),
        "TemplateService.fill": lambda: ctx.templates.fill("sport", patient),
        "CorrespondentService.save": lambda: ctx.correspondents.save(Correspondent("Dr Roux")),
        "CorrespondentService.import_directory":
            lambda: ctx.correspondents.import_directory(directory),
        "CorrespondentService.link": lambda: ctx.correspondents.link(patient, colleague, "usual"),
        "CorrespondentService.of_patient": lambda: ctx.correspondents.of_patient(patient),
        "CorrespondentService.unlink": lambda: ctx.correspondents.unlink(patient, colleague),
        "CorrespondentService.remove": lambda: ctx.correspondents.remove(colleague),
    }


def erasure_calls(ctx, patient, document):
    """Erasure on request and a record's destruction: one event each, no content."""
    erased = ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Alcool"})
    other, another = (ctx.patients.create(identity(name)) for name in ("Roux", "Blanc"))
    return {
        "ErasureService.request_documents": lambda: ctx.erasure.request_documents(patient),
        "ErasureService.erase_on_request": lambda: ctx.erasure.erase_on_request(
            erased, document, "EFFACER", "Demande écrite du patient"),
        "ErasureService.destroy_record": lambda: ctx.erasure.destroy_record(
            other, "20 ans après la dernière consultation", "Durée de conservation échue"),
        "ErasureService.destroy_records": lambda: ctx.erasure.destroy_records(
            [(another, "10 ans après le décès")], "Durée de conservation échue"),
    }


BREACH = {"occurred_on": "2026-10-30", "nature": "Ordinateur portable volé",
          "data": "Agenda", "people": "40 patients", "consequences": "Faibles (chiffré)",
          "measures": "Plainte, carte révoquée", "cnil_notified": "no",
          "people_informed": "no", "why_not": "Données chiffrées, risque faible"}


def compliance_calls(ctx, patient, tmp_path):
    """The GDPR paperwork and the patients' information: each journaled."""
    breach = ctx.compliance.record_breach(BREACH)
    folders = [tmp_path / name for name in ("affiche", "registre", "violations", "cnil")]
    for folder in folders:
        folder.mkdir()
    return {
        "ComplianceService.write_notice": lambda: ctx.compliance.write_notice(folders[0]),
        "ComplianceService.write_processing_register":
            lambda: ctx.compliance.write_processing_register(folders[1]),
        "ComplianceService.record_breach": lambda: ctx.compliance.record_breach(
            {**BREACH, "measures": "Plainte déposée"}, breach),
        "ComplianceService.breaches": ctx.compliance.breaches,
        "ComplianceService.write_register": lambda: ctx.compliance.write_register(folders[2]),
        "ComplianceService.write_notification":
            lambda: ctx.compliance.write_notification(breach, folders[3]),
        "InformationService.record_information": lambda: ctx.information.record_information(
            patient, dt.date(2026, 11, 2), "waiting_room"),
        "InformationService.rights": lambda: ctx.information.rights(patient),
    }


def retention_calls(ctx, tmp_path):
    """The pass, the review, a hold placed and lifted, a destruction and its certificate."""
    old = ctx.patients.create(identity("Ancien", birth_date=dt.date(1950, 1, 1)))
    ctx.records.add_entry(old, EntryKind.ENCOUNTER, {"date": "2001-01-10", "reason": "Suivi"})
    out = Output(demo_signer(), tmp_path, CancelToken())
    return {
        "RetentionService.run_pass": ctx.retention.run_pass,
        "RetentionService.proposals": ctx.retention.proposals,
        "RetentionService.place_hold": lambda: ctx.retention.place_hold(old, "Litige"),
        "RetentionService.lift_hold": lambda: ctx.retention.lift_hold(old, "Jugement rendu"),
        "RetentionService.destroy": lambda: ctx.retention.destroy([old], demo_signer()),
        "RetentionService.export_certificate": lambda: ctx.retention.export_certificate(
            ctx.retention.destructions()[0].destruction_id, out),
    }


def agenda_calls(ctx, patient, tmp_path):
    """Each agenda call writes exactly one event (an import: one per patient it names)."""
    start = dt.datetime(2026, 11, 3, 9, 0)
    booked = ctx.agenda.book(patient, Request("Consultation", start, 20))
    tuesday = start.date()
    return {
        "AgendaService.change_setup": lambda: ctx.agenda.change_setup(AgendaSetup()),
        "AgendaService.book": lambda: ctx.agenda.book(
            patient, Request("Suivi court", start.replace(hour=10), 15)),
        "AgendaService.move": lambda: ctx.agenda.move(booked, start.replace(hour=11)),
        "AgendaService.shorten": lambda: ctx.agenda.shorten(booked, 10),
        "AgendaService.set_status": lambda: ctx.agenda.set_status(booked, Status.ARRIVED),
        "AgendaService.day": lambda: ctx.agenda.day(tuesday),
        "AgendaService.week": lambda: ctx.agenda.week(tuesday),
        "AgendaService.waiting_room": lambda: ctx.agenda.waiting_room(tuesday),
        "AgendaService.of_patient": lambda: ctx.agenda.of_patient(patient),
        "AgendaService.export_calendar": ctx.agenda.export_calendar,
        "AgendaService.print_day": lambda: ctx.agenda.print_day(tuesday, ctx.letterhead(),
                                                               tmp_path),
        "AgendaService.import_calendar": lambda: ctx.agenda.import_calendar(
            ctx.agenda.export_calendar()),
    }


def portability_calls(ctx, tmp_path):
    """The practice's own archive, read back into it: prepare, run, the kept journal.

    Signed by a card-like certificate the import is given as its anchor (a demo certificate
    never enters a real vault)."""
    key, der = card_certificate("MARTIN Jeanne", "10101010101")
    anchors = [x509.Certificate.load(der)]
    reader = archives.open_reader(archives.export(
        ctx, tmp_path / "archive",
        signer=DocumentSigner(der, signer(key), holder="MARTIN Jeanne", rpps="10101010101")))
    prepared = []
    closure = Closure(dt.date(2027, 3, 31), "Dr Paul Successeur", council="Conseil de Paris",
                      kept_at="au cabinet")
    patient = ctx.portability.patient_ids(0, 1)[0]

    def out():
        folder = tmp_path / f"cessation-{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        return Output(demo_signer(), folder, CancelToken())

    return {
        "ArchiveImporter.prepare": lambda: prepared.append(ctx.archive_importer.prepare(
            reader, anchors=anchors)),
        "ArchiveImporter.run": lambda: ctx.archive_importer.run(reader, prepared[0]),
        "ArchiveImporter.verify_predecessor_journal":
            lambda: ctx.archive_importer.verify_predecessor_journal(
                ctx.portability.imported_archives()[-1].archive_ref),
        "CessationService.letters": lambda: ctx.cessation.letters(
            closure, out().destination, CancelToken()),
        "CessationService.record_choice": lambda: ctx.cessation.record_choice(
            patient, "successor"),
        "CessationService.declaration": lambda: ctx.cessation.declaration(closure, out()),
    }


def test_a_method_that_forgets_its_event_is_rolled_back(ctx):
    class ForgetfulService:
        def __init__(self, store, trail):
            self._store = store
            self._trail = trail

        @audited
        def sneak(self: AuditedService) -> int:
            return self._store.add_patient("2026-01-01", "quelqu'un")

    before = ctx.vault.store.counts()["patients"]
    with pytest.raises(AuditMissing):
        ForgetfulService(ctx.vault.store, ctx.records._trail).sneak()
    assert ctx.vault.store.counts()["patients"] == before


def test_events_name_the_actor_mode_and_workstation(ctx):
    patient = ctx.patients.create(identity())
    ctx.records.open_record(patient)
    event = ctx.vault.store.audit_rows(patient, 1)[0]
    assert (event["actor"], event["actor_id"], event["workstation"]) == (
        "Dr Jeanne Martin", "10101010101", "poste-test")
    assert (event["action"], event["target"], event["mode"]) == ("read", "record", "recovery")


def results_calls(ctx, patient):
    """Receiving a file no record matches, the list, filing one, rejecting another."""
    ctx.results.receive("b.hpr", HprimFile(last_name="Martin").encoded())  # file 1 waits
    ctx.results.receive("c.hpr", HprimFile(last_name="Bernard").encoded())  # file 2 waits
    return {
        "ResultService.receive": lambda: ctx.results.receive(
            "a.hpr", HprimFile(last_name="Petit").encoded()),
        "ResultService.pending": ctx.results.pending,
        "ResultService.pending_content": lambda: ctx.results.pending_content(1),
        "ResultService.attach": lambda: ctx.results.attach(1, patient),
        "ResultService.reject": lambda: ctx.results.reject(2, "Patient d'un autre cabinet"),
        "ResultService.values": lambda: ctx.results.values(patient),
    }
