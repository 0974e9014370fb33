"""What leaves the vault, and only that (RIGHTS-4, RIGHTS-5, CONT-1, REC-2)."""

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from cabinet.documents.demo_certificate import demo_signer
from cabinet.domain.record import EntryKind
from cabinet.domain.rights import CopyRequest, Seizure
from cabinet.errors import InvalidInput, KnownError
from cabinet.exchange.staging import CancelToken
from cabinet.services.exports import Transmission
from cabinet.services.issuing import Output
from helpers import pdf_checks
from helpers.certificates import self_signed
from helpers.records import OTHER_PATIENT_MARKER, PRIVATE_MARKER, SHARED_MARKER, marked_practice


@pytest.fixture
def practice(ctx):
    return marked_practice(ctx)


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "support"
    folder.mkdir()
    return Output(demo_signer(), folder, CancelToken())


def all_text(folder: Path) -> str:
    """Everything a reader of the exported files could read: PDF text and raw bytes."""
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts.append(pdf_checks.pdf_text(path) if path.suffix == ".pdf"
                     else path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def export_events(ctx):
    return [e for e in ctx.vault.store.audit_rows(None, 500) if e["action"] == "export"]


def request(**changes):
    values = {"requester": "patient", "name": "Émilie Lefèvre",
              "identity_checks": ("id_presented",), "received_on": dt.date(2026, 10, 20)}
    return CopyRequest(**{**values, **changes})


def test_patient_copy_withholds_non_communicable_notes_by_category(ctx, practice, out):
    request_id = ctx.copies.register(practice.patient, request())
    folder = Path(ctx.copies.deliver(request_id, out, with_history=True).path)
    text = all_text(folder)
    assert PRIVATE_MARKER not in text
    assert "Information d'un tiers non intervenant : 1" in text
    assert SHARED_MARKER in text  # the stored document and the history went out
    assert OTHER_PATIENT_MARKER not in text
    assert (folder / "historique-des-acces.pdf").exists()


def test_patient_copy_inventory_and_journal_match_the_files(ctx, practice, out):
    request_id = ctx.copies.register(practice.patient, request())
    result = ctx.copies.deliver(request_id, out, with_history=False)
    folder = Path(result.path)
    listed = dict(reversed(line.split("  ", 1)) for line in
                  (folder / "INVENTAIRE.txt").read_text().splitlines())
    on_disk = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in folder.rglob("*") if p.is_file() and p.name != "INVENTAIRE.txt"}
    assert listed == on_disk
    event = export_events(ctx)[0]
    detail = json.loads(event["detail"])
    assert detail["purpose"] == "patient_copy"
    assert {f["name"]: f["sha256"] for f in detail["files"]}["dossier-medical.pdf"] == \
        on_disk["dossier-medical.pdf"]
    assert ctx.copies.requests(practice.patient)[0].delivered
    assert ctx.copies.requests(None) == []  # nothing left to answer


def test_a_copy_is_never_given_before_48_hours(ctx, practice, out):
    request_id = ctx.copies.register(practice.patient, request(received_on=dt.date(2026, 11, 1)))
    with pytest.raises(KnownError, match="48 heures"):
        ctx.copies.deliver(request_id, out, with_history=False)
    assert list(out.destination.iterdir()) == []


def test_register_shows_the_legal_dates(ctx, practice):
    ctx.copies.register(practice.patient, request(received_on=dt.date(2026, 10, 30)))
    dates = ctx.copies.requests(practice.patient)[0].dates
    assert (dates.earliest, dates.latest) == (dt.date(2026, 11, 1), dt.date(2026, 11, 7))


@pytest.mark.parametrize(("changes", "message"), [
    ({"requester": "heir", "identity_checks": ("id_copy", "standing_proof")}, "motif"),
    ({"requester": "guardian"}, "qualité"),
    ({"identity_checks": ()}, "identité"),
    ({"name": "  "}, "nom"),
    ({"received_on": dt.date(2027, 1, 1)}, "futur"),
])
def test_incomplete_requests_are_refused_in_french(ctx, practice, changes, message):
    with pytest.raises(InvalidInput, match=message):
        ctx.copies.register(practice.patient, request(**changes))
    assert ctx.copies.requests(practice.patient) == []


def test_seizure_exports_exactly_one_record_with_matching_inventory(ctx, practice, out):
    result = ctx.exports.seize(practice.patient, Seizure(
        "Mme Claire Juge, juge d'instruction", "Ordonnance n° 2026/123",
        "Dr Louis Ordre"), out)
    folder = Path(result.path)
    text = all_text(folder)
    assert OTHER_PATIENT_MARKER not in text
    assert SHARED_MARKER in text and "Ordonnance n° 2026/123" in text
    for line in (folder / "INVENTAIRE.txt").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    names = {line.split("  ", 1)[1] for line in
             (folder / "INVENTAIRE.txt").read_text().splitlines()}
    assert names == {str(p.relative_to(folder)) for p in folder.rglob("*")
                     if p.is_file() and p.name != "INVENTAIRE.txt"}
    assert "00-proces-verbal.pdf" in names
    assert json.loads(export_events(ctx)[0]["detail"])["purpose"] == "seizure"


def test_seizure_requires_the_magistrates_decision(ctx, practice, out):
    with pytest.raises(InvalidInput, match="référence de la décision"):
        ctx.exports.seize(practice.patient, Seizure("Mme Juge", " ", "Dr Ordre"), out)
    assert list(out.destination.iterdir()) == []
    assert export_events(ctx) == []


def test_transmission_is_an_xdm_package_with_consent_recorded_first(ctx, practice, out):
    result = ctx.exports.transmit(practice.patient, Transmission(
        frozenset({EntryKind.ENCOUNTER, EntryKind.DOCUMENT, EntryKind.PRIVATE_NOTE}),
        "Dr Paul Durand", "À la demande de la patiente"), out)
    with zipfile.ZipFile(result.path) as archive:
        names = set(archive.namelist())
        assert {"INDEX.HTM", "README.TXT", "IHE_XDM/SUBSET01/METADATA.XML",
                "IHE_XDM/SUBSET01/DOSSIER.PDF", "IHE_XDM/SUBSET01/DOSSIER.JSON"} <= names
        metadata = ET.fromstring(archive.read("IHE_XDM/SUBSET01/METADATA.XML"))
        structured = json.loads(archive.read("IHE_XDM/SUBSET01/DOSSIER.JSON"))
        contents = {n: archive.read(n) for n in names}
    rim = "{urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0}"
    for entry in metadata.iter(f"{rim}ExtrinsicObject"):
        slots = {s.get("name"): s.find(f"{rim}ValueList/{rim}Value").text
                 for s in entry.findall(f"{rim}Slot")}
        content = contents[f"IHE_XDM/SUBSET01/{slots['URI']}"]
        assert slots["hash"] == hashlib.sha1(content, usedforsecurity=False).hexdigest()
        assert int(slots["size"]) == len(content)
    assert structured["schema"] == "cabinet.record/1"
    assert {e["kind"] for e in structured["entries"]} == {"encounter", "document"}
    everything = b"".join(contents.values()).decode("utf-8", "replace")
    assert PRIVATE_MARKER not in everything
    consents = ctx.records.open_record(practice.patient).of_kind(EntryKind.CONSENT)
    assert consents[0].payload["choice"] == "agrees"
    assert "Dr Paul Durand" in consents[0].payload["note"]


def test_transmission_encrypted_opens_only_with_the_recipients_key(ctx, practice, out):
    key, certificate = self_signed("Dr Paul Durand")
    result = ctx.exports.transmit(practice.patient, Transmission(
        frozenset({EntryKind.ENCOUNTER}), "Dr Paul Durand", "Consentement oral",
        certificate.public_bytes(serialization.Encoding.PEM)), out)
    sealed = Path(result.path).read_bytes()
    assert result.path.endswith(".zip.p7m") and b"Suivi du diab" not in sealed
    opened = pkcs7.pkcs7_decrypt_der(sealed, certificate, key, [])
    with zipfile.ZipFile(io.BytesIO(opened)) as archive:
        assert "IHE_XDM/SUBSET01/DOSSIER.PDF" in archive.namelist()


def test_a_file_that_is_not_a_certificate_is_refused_before_anything(ctx, practice, out):
    with pytest.raises(KnownError, match="n'est pas un certificat"):
        ctx.exports.transmit(practice.patient, Transmission(
            frozenset({EntryKind.ENCOUNTER}), "Dr Durand", "Oral", b"pas un certificat"), out)
    assert list(out.destination.iterdir()) == []
    assert ctx.records.open_record(practice.patient).of_kind(EntryKind.CONSENT) == []


def test_certificate_is_kept_in_the_record(ctx, practice, out):
    result = ctx.exports.certificate(practice.patient, "Apte au sport.", out)
    kept = [d for d in ctx.records.open_record(practice.patient).of_kind(EntryKind.DOCUMENT)
            if d.payload["doc_type"] == "certificate"]
    assert len(kept) == 1
    assert ctx.records.read_document(kept[0].lineage) == Path(result.path).read_bytes()


def test_an_existing_file_is_never_overwritten(ctx, practice, out):
    first = Path(ctx.exports.prescription(practice.prescription, out).path)
    before = first.read_bytes()
    with pytest.raises(KnownError, match="existe déjà"):  # same second, same name
        ctx.exports.prescription(practice.prescription, out)
    assert first.read_bytes() == before
    assert [p.name for p in out.destination.iterdir()] == [first.name]


def test_the_journal_viewer_summarises_an_export_in_french(ctx, practice, out):
    from cabinet.domain.wording import detail_text, target_text

    ctx.exports.prescription(practice.prescription, out)
    event = export_events(ctx)[0]
    summary = detail_text(event["detail"])
    assert summary.startswith("ordonnance pour patient : 1 fichier(s), empreinte ")
    assert target_text(event["target"]) == f"Entrée n° {practice.prescription}"


def test_a_part_without_allergies_never_reads_as_no_allergy(ctx, practice, out):
    result = ctx.exports.transmit(practice.patient, Transmission(
        frozenset({EntryKind.ENCOUNTER}), "Dr Paul Durand", "Demande orale"), out)
    with zipfile.ZipFile(result.path) as archive:
        pdf = out.destination / "DOSSIER.PDF"
        pdf.write_bytes(archive.read("IHE_XDM/SUBSET01/DOSSIER.PDF"))
    text = pdf_checks.pdf_text(pdf)
    assert "Suivi du diabète" in text
    assert "Allergies" not in text and "Non renseigné" not in text


def test_the_seized_personal_notes_part_holds_the_notes(ctx, practice, out):
    folder = Path(ctx.exports.seize(practice.patient, Seizure(
        "Mme Juge", "Ordonnance 3", "Dr Ordre"), out).path)
    assert PRIVATE_MARKER in pdf_checks.pdf_text(folder / "05-notes-personnelles.pdf")
    assert PRIVATE_MARKER not in pdf_checks.pdf_text(folder / "01-synthese.pdf")
