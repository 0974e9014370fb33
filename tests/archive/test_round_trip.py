"""Export a practice, import it into a fresh vault: everything arrives, authors kept (CONT-3)."""

import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fhir.resources.R4B.bundle import Bundle

from cabinet.archive import documentation, manifest
from cabinet.archive.container import Recipient, key_opener, software_decrypter
from cabinet.archive.reader import ArchiveReader
from cabinet.demo.generator import DemoSize, generate
from cabinet.exchange.staging import CancelToken, ExportCancelled
from cabinet.services.portability.export import Selection
from helpers import archives, pdf_checks
from helpers.certificates import self_signed


@pytest.fixture
def source(ctx):
    """A practice with marked records, corrections, documents and a few synthetic patients."""
    archives.practice_with_history(ctx)
    generate(ctx, DemoSize(6, encounters_per_patient=4), seed=11)
    return ctx


def snapshot(context) -> dict[tuple[str, str], list[tuple]]:
    """Every patient (by birth name and date) with every identity and entry version."""
    store, portability = context.vault.store, context.portability
    found = {}
    for patient_id in portability.patient_ids(0, 10_000):
        identities = store.identity_versions(patient_id)
        key = (identities[-1].payload["birth_name"], identities[-1].payload["birth_date"])
        entries = portability.all_entries(patient_id)
        ordinal = {}  # which entry a version belongs to, numbered in this vault's own order
        for entry in entries:
            ordinal.setdefault(entry.lineage, len(ordinal))
        found[key] = [("identity", v.version, json.dumps(v.payload, sort_keys=True), v.author,
                       v.created_at, v.reason) for v in identities] + [
            (e.kind, ordinal[e.lineage], e.version, json.dumps(e.payload, sort_keys=True),
             e.author, e.created_at, e.reason, e.effective_date, e.non_communicable)
            for e in entries]
    return found


def blobs(context) -> dict[str, bytes]:
    rows = context.vault.conn.execute("SELECT sha256, content FROM blob").fetchall()
    return {sha: bytes(content) for sha, content in rows}


def test_round_trip_keeps_every_patient_version_document_and_author(source, successor, tmp_path):
    path = archives.export(source, tmp_path / "media")
    reader = archives.open_reader(path)
    prepared = successor.archive_importer.prepare(reader)
    counts = successor.archive_importer.run(reader, prepared)
    reader.close()

    before, after = snapshot(source), snapshot(successor)
    assert counts["patients"] == len(before) == 8
    assert after == before
    assert blobs(successor) == blobs(source)
    assert successor.vault.store.verify_journal().intact
    imported = successor.portability.imported_archives()
    assert len(imported) == 1
    report = successor.archive_importer.verify_predecessor_journal(imported[0].archive_ref)
    assert report.intact
    assert report.checked == counts["journal"] > 0
    authors = {row[3] for rows in after.values() for row in rows}
    assert "Dr Jeanne Martin" in authors


def test_imported_rows_carry_their_provenance(source, successor, tmp_path):
    path = archives.export(source, tmp_path / "media")
    reader = archives.open_reader(path)
    successor.archive_importer.run(reader, successor.archive_importer.prepare(reader))
    patient_id = successor.portability.patient_ids(0, 1)[0]
    entry = successor.portability.all_entries(patient_id)[0]
    assert successor.portability.provenance("entry", entry.id) is not None
    assert successor.portability.provenance("patient", patient_id) is not None
    # What the successor writes afterwards is theirs, without provenance.
    new_id = successor.records.add_entry(patient_id, archives.EntryKind.RISK_FACTOR,
                                         {"text": "Sédentarité"})
    assert successor.portability.provenance("entry", new_id) is None


def test_every_json_validates_and_every_fhir_resource_parses(source, tmp_path):
    path = archives.export(source, tmp_path / "media")
    files = archives.members(path)
    schema = json.loads(documentation.schema())
    patients = [name for name in files if name.startswith("PAT")]
    assert len(patients) == 8
    resource_types = set()
    for name in patients:
        content = archives.inner(files[name])
        record = json.loads(content["IHE_XDM/SUBSET01/DOSSIER.JSON"])
        jsonschema.validate(record, schema)
        bundle = Bundle.model_validate_json(content["IHE_XDM/SUBSET01/FHIR.JSON"])
        resource_types |= {entry.resource.get_resource_type() for entry in bundle.entry}
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(content["IHE_XDM/SUBSET01/DOSSIER.PDF"])
        assert pdf_checks.pdfa_identified(pdf)
        assert pdf_checks.fonts_all_embedded(pdf)
        assert pdf_checks.qpdf_clean(pdf)
        if name == "PAT00001.ZIP":  # the marked record: its text is all in the rendering
            rendering = " ".join(pdf_checks.pdf_text(pdf).split())
            assert "Bartavelle" in rendering
            assert "Note personnelle" in rendering
            assert "page 1 /" in rendering
    assert {"Patient", "AllergyIntolerance", "Condition", "MedicationStatement", "Encounter",
            "Observation", "DocumentReference"} <= resource_types
    jsonschema.validate(json.loads(files["DOCUMENTATION/EXEMPLE.JSON"]), schema)


def test_manifest_lists_each_sub_archive_with_its_size_and_hash(source, tmp_path):
    import hashlib

    files = archives.members(archives.export(source, tmp_path / "media"))
    listed = manifest.from_xml(files[manifest.MANIFEST_XML])
    assert listed.export_type == "MASSIF"
    assert listed.count("Patient") == 8
    assert listed.count("Transverse") == 1
    for entry in listed.archives:
        assert len(files[entry.name]) == entry.size
        assert hashlib.sha256(files[entry.name]).hexdigest() == entry.sha256
    assert set(files) == {a.name for a in listed.archives} | {manifest.MANIFEST_XML,
                                                               manifest.MANIFEST_P7S}


def test_unit_export_holds_one_patient_without_personal_notes_or_journal(source, tmp_path):
    patient_id = source.portability.patient_ids(0, 1)[0]
    path = archives.export(source, tmp_path / "media",
                           selection=Selection("UNITAIRE", (patient_id,)))
    files = archives.members(path)
    assert [n for n in files if n.startswith("PAT")] == ["PAT00001.ZIP"]
    assert "TRANSV.ZIP" not in files
    record = json.loads(archives.inner(files["PAT00001.ZIP"])["IHE_XDM/SUBSET01/DOSSIER.JSON"])
    assert all(e["kind"] != "private_note" for e in record["entries"])


def test_massif_keeps_the_personal_notes_for_the_successor(source, tmp_path):
    files = archives.members(archives.export(source, tmp_path / "media"))
    record = json.loads(archives.inner(files["PAT00001.ZIP"])["IHE_XDM/SUBSET01/DOSSIER.JSON"])
    assert any(e["kind"] == "private_note" for e in record["entries"])


def test_archive_for_a_certificate_opens_only_with_its_key(source, successor, tmp_path):
    key, certificate = self_signed("Dr Successeur")
    path = archives.export(source, tmp_path / "media", Recipient(certificate=certificate))
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(archives.KnownError, match="quelqu'un d'autre"):
        ArchiveReader.open(path, key_opener(decrypter=software_decrypter(stranger)))
    with pytest.raises(archives.KnownError, match=r"phrase secrète|carte"):
        ArchiveReader.open(path, key_opener(passphrase=archives.PASSPHRASE))
    reader = ArchiveReader.open(path, key_opener(decrypter=software_decrypter(key)))
    counts = successor.archive_importer.run(reader, successor.archive_importer.prepare(reader))
    assert counts["patients"] == 8


def test_nothing_in_clear_on_the_medium(source, tmp_path):
    path = archives.export(source, tmp_path / "media")
    raw = path.read_bytes()
    for clear in (b"Lef\xc3\xa8vre", b"Bartavelle", b"DOSSIER.JSON", b"MANIFEST", b"PK\x03\x04"):
        assert clear not in raw
    assert [p.name for p in (tmp_path / "media").iterdir()] == [path.name]


def test_a_cancelled_export_leaves_nothing_and_journals_nothing(source, tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    token = CancelToken()
    events_before = source.vault.store.counts()["audit_events"]

    def cancel_midway(done: int, total: int) -> None:
        if done == 3:
            token.cancel()

    from cabinet.documents.demo_certificate import demo_signer
    from cabinet.services.issuing import Output

    with pytest.raises(ExportCancelled):
        source.archive_exporter.export(Selection("MASSIF"),
                                       Recipient(passphrase=archives.PASSPHRASE),
                                       Output(demo_signer(), folder, token), cancel_midway)
    assert list(folder.iterdir()) == []
    assert source.vault.store.counts()["audit_events"] == events_before


def test_an_archive_is_imported_once(source, successor, tmp_path):
    path = archives.export(source, tmp_path / "media")
    reader = archives.open_reader(path)
    successor.archive_importer.run(reader, successor.archive_importer.prepare(reader))
    with pytest.raises(archives.KnownError, match="déjà été importée"):
        successor.archive_importer.prepare(archives.open_reader(path))


def test_duplicates_are_shown_and_a_skipped_patient_is_not_imported(source, successor, tmp_path):
    from helpers.vaults import identity, valid_nir

    successor.patients.create(identity("Lefèvre", "Émilie", nir=valid_nir("2610375056123")))
    path = archives.export(source, tmp_path / "media")
    reader = archives.open_reader(path)
    prepared = successor.archive_importer.prepare(reader)
    assert [(d.archive, d.reason) for d in prepared.duplicates] == [("PAT00001", "même NIR")]
    assert any("Doublons possibles" in line for line in prepared.summary())
    counts = successor.archive_importer.run(reader, prepared, skip={"PAT00001"})
    assert counts["patients"] == 7
    assert len(successor.patients.search("Lefèvre")) == 1


def test_the_clear_zip_is_a_plain_zip_for_other_software(source, tmp_path):
    files = archives.members(archives.export(source, tmp_path / "media"))
    with zipfile.ZipFile(__import__("io").BytesIO(files["PAT00001.ZIP"])) as zf:
        assert "IHE_XDM/SUBSET01/METADATA.XML" in zf.namelist()
        assert zf.testzip() is None
    assert b"PAT00001.ZIP" in files["INDEX.HTM"]


def test_archive_file_name_never_names_a_patient(source, tmp_path):
    path: Path = archives.export(source, tmp_path / "media")
    assert path.name.startswith("portabilite-")
    assert path.suffix == ".cabarch"
