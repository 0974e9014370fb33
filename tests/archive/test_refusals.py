"""Every malformed or attacked archive is refused in French, and nothing is written (CONT-3)."""

import dataclasses
import hashlib
import json
import stat
import zipfile

import pytest

from cabinet.archive import manifest
from cabinet.archive.container import EnvelopeError
from cabinet.archive.reader import ArchiveRefused
from cabinet.archive.signature import sign_manifest
from cabinet.demo.generator import DemoSize, generate
from cabinet.errors import KnownError
from helpers import archives
from helpers.certificates import card_certificate, signer

SUBSET = "IHE_XDM/SUBSET01/"


@pytest.fixture
def exported(ctx, tmp_path):
    """The clear files of a small practice's archive."""
    generate(ctx, DemoSize(3, encounters_per_patient=2), seed=5)
    return archives.members(archives.export(ctx, tmp_path / "media"))


def refused(successor, path, match: str) -> None:
    """Importing `path` fails with a French message matching `match`; nothing was written."""
    before = successor.vault.store.counts()
    with pytest.raises(KnownError, match=match) as caught:
        reader = archives.open_reader(path)
        try:
            successor.archive_importer.run(reader, successor.archive_importer.prepare(reader))
        finally:
            reader.close()
    assert "Traceback" not in caught.value.message
    assert successor.vault.store.counts() == before
    assert successor.portability.imported_archives() == []


def with_member(files, name, content):
    return {**files, name: content}


def patched(files, name, change):
    """Sub-archive `name` with `change(inner files)` applied, and the manifest's change that
    announces it as it now is (so only the attacked check can refuse it)."""
    content = archives.inner(files[name])
    change(content)
    rebuilt = archives.zipped(content)

    def announce(listed):
        listed.archives = [
            dataclasses.replace(a, size=len(rebuilt), sha256=hashlib.sha256(rebuilt).hexdigest(),
                                files=len(content),
                                expanded_size=sum(len(v) for v in content.values()))
            if a.name == name else a for a in listed.archives]

    return with_member(files, name, rebuilt), announce


def patched_patient(files, change):
    """PAT00001.ZIP changed and announced (see `patched`)."""
    return patched(files, "PAT00001.ZIP", change)


def journal_changed(exported, tmp_path, change_lines):
    """The archive with TRACES.JSONL's lines changed by `change_lines`, re-announced."""
    def edit(content):
        lines = content["TRACES.JSONL"].splitlines()
        content["TRACES.JSONL"] = b"\n".join(change_lines(lines)) + b"\n"

    files, announce = patched(exported, "TRANSV.ZIP", edit)
    return archives.rebuild(files, tmp_path / "a.cabarch", change_manifest=announce)


def test_a_valid_rebuild_is_accepted(exported, successor, tmp_path):
    """The control: the test's own rebuild imports, so each refusal below is the attack's."""
    path = archives.rebuild(exported, tmp_path / "ok.cabarch")
    reader = archives.open_reader(path)
    counts = successor.archive_importer.run(reader, successor.archive_importer.prepare(reader))
    assert counts["patients"] == 3


def test_changed_byte_in_a_sub_archive(exported, successor, tmp_path):
    content = bytearray(exported["PAT00002.ZIP"])
    content[len(content) // 2] ^= 0x01
    path = archives.rebuild(with_member(exported, "PAT00002.ZIP", bytes(content)),
                            tmp_path / "a.cabarch")
    refused(successor, path, "PAT00002.ZIP.*modifié")


def test_changed_byte_in_the_encrypted_file(exported, successor, tmp_path):
    path = archives.rebuild(exported, tmp_path / "a.cabarch")
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x80
    path.write_bytes(bytes(raw))
    refused(successor, path, "modifiée ou tronquée")


def test_truncated_archive(exported, successor, tmp_path):
    path = archives.rebuild(exported, tmp_path / "a.cabarch")
    path.write_bytes(path.read_bytes()[:-5000])
    refused(successor, path, "tronquée")


def test_wrong_passphrase(exported, successor, tmp_path):
    path = archives.rebuild(exported, tmp_path / "a.cabarch")
    other = archives.Recipient.new_passphrase().passphrase
    with pytest.raises(EnvelopeError, match="n'ouvre pas"):
        archives.open_reader(path, other)


def test_mistyped_passphrase(exported, tmp_path):
    path = archives.rebuild(exported, tmp_path / "a.cabarch")
    with pytest.raises(KnownError, match="faute de frappe"):
        typo = "B" if archives.PASSPHRASE.endswith("A") else "A"  # never the same letter
        archives.open_reader(path, archives.PASSPHRASE[:-1] + typo)


def test_not_an_archive(successor, tmp_path):
    path = tmp_path / "photo.cabarch"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    refused(successor, path, "n'est pas une archive de portabilité")


def test_missing_file(exported, successor, tmp_path):
    files = dict(exported)
    del files["PAT00003.ZIP"]
    refused(successor, archives.rebuild(files, tmp_path / "a.cabarch"), "Il manque.*PAT00003")


def test_extra_file(exported, successor, tmp_path):
    path = archives.rebuild(with_member(exported, "EXTRA.TXT", b"hello"), tmp_path / "a.cabarch")
    refused(successor, path, "non annoncé")


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil", "PAT00001/../../evil",
                                  "C:/evil", "dir\\..\\evil"])
def test_forbidden_paths(exported, successor, tmp_path, name):
    path = archives.rebuild(with_member(exported, name, b"x"), tmp_path / "a.cabarch")
    refused(successor, path, "chemin interdit")


def test_symbolic_link(exported, successor, tmp_path):
    link = zipfile.ZipInfo("LIEN")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = archives.rebuild(with_member(exported, "LIEN", (link, b"/etc/passwd")),
                            tmp_path / "a.cabarch")
    refused(successor, path, "lien")


def test_inner_path_traversal(exported, successor, tmp_path):
    files, announce = patched_patient(
        exported, lambda content: content.__setitem__("../../evil.sh", b"rm -rf"))
    path = archives.rebuild(files, tmp_path / "a.cabarch", change_manifest=announce)
    refused(successor, path, "chemin interdit")


def test_zip_bomb_more_than_announced(exported, successor, tmp_path):
    """A member inflating far beyond what the manifest announced is refused unread."""
    files, announce = patched_patient(
        exported, lambda content: content.__setitem__(SUBSET + "DOC09999.PDF", bytes(50 << 20)))

    def understate(listed):
        announce(listed)
        listed.archives = [dataclasses.replace(a, expanded_size=a.expanded_size - (50 << 20))
                           if a.name == "PAT00001.ZIP" else a for a in listed.archives]

    path = archives.rebuild(files, tmp_path / "a.cabarch", change_manifest=understate)
    refused(successor, path, "archive piégée")


def test_more_entries_than_announced(exported, successor, tmp_path):
    files, announce = patched_patient(
        exported, lambda content: content.__setitem__(SUBSET + "DOC09998.PDF", b"%PDF"))

    def understate(listed):
        announce(listed)
        listed.archives = [dataclasses.replace(a, files=a.files - 1)
                           if a.name == "PAT00001.ZIP" else a for a in listed.archives]

    path = archives.rebuild(files, tmp_path / "a.cabarch", change_manifest=understate)
    refused(successor, path, "nombre de fichiers")


def test_malformed_manifest(exported, successor, tmp_path):
    path = archives.rebuild(with_member(exported, manifest.MANIFEST_XML, b"<Manifest><oops"),
                            tmp_path / "a.cabarch")
    refused(successor, path, "mal formé")


def test_manifest_with_entities(exported, successor, tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Manifest>&b;</Manifest>')
    path = archives.rebuild(with_member(exported, manifest.MANIFEST_XML, bomb),
                            tmp_path / "a.cabarch")
    refused(successor, path, "entités")


def test_unknown_manifest_version(exported, successor, tmp_path):
    xml = exported[manifest.MANIFEST_XML].replace(b"cabinet.archive/1", b"cabinet.archive/9")
    path = archives.rebuild(with_member(exported, manifest.MANIFEST_XML, xml),
                            tmp_path / "a.cabarch")
    refused(successor, path, "version inconnue")


def test_malformed_json(exported, successor, tmp_path):
    files, announce = patched_patient(
        exported, lambda content: content.__setitem__(SUBSET + "DOSSIER.JSON", b'{"schema": '))
    path = archives.rebuild(files, tmp_path / "a.cabarch", change_manifest=announce)
    refused(successor, path, "JSON invalide")


def test_unknown_schema_version(exported, successor, tmp_path):
    def change(content):
        record = json.loads(content[SUBSET + "DOSSIER.JSON"])
        record["schema"] = "cabinet.archive.patient/7"
        content[SUBSET + "DOSSIER.JSON"] = json.dumps(record).encode()

    files, announce = patched_patient(exported, change)
    path = archives.rebuild(files, tmp_path / "a.cabarch", change_manifest=announce)
    refused(successor, path, "version de schéma inconnue")


def test_entry_breaking_the_application_rules(exported, successor, tmp_path):
    def change(content):
        record = json.loads(content[SUBSET + "DOSSIER.JSON"])
        record["entries"][0]["payload"] = {"unexpected": "\u0007"}
        content[SUBSET + "DOSSIER.JSON"] = json.dumps(record).encode()

    files, announce = patched_patient(exported, change)
    path = archives.rebuild(files, tmp_path / "a.cabarch", change_manifest=announce)
    refused(successor, path, "entrée du dossier est invalide")


def test_manifest_changed_after_signature(exported, successor, tmp_path):
    xml = exported[manifest.MANIFEST_XML].replace(b"<exportStatus>COMPLETE",
                                                  b"<exportStatus>PARTIAL")
    path = archives.rebuild(with_member(exported, manifest.MANIFEST_XML, xml),
                            tmp_path / "a.cabarch", resign=False)
    refused(successor, path, "modifiée après sa signature")


def test_signed_by_someone_else_than_announced(exported, successor, tmp_path):
    from cabinet.documents.signing import DocumentSigner

    key, certificate = card_certificate("DUPONT Usurpateur", "19999999999")
    impostor = DocumentSigner(certificate, signer(key), holder="DUPONT Usurpateur",
                              rpps="19999999999")
    files = with_member(exported, manifest.MANIFEST_P7S,
                        sign_manifest(exported[manifest.MANIFEST_XML], impostor))
    path = archives.rebuild(files, tmp_path / "a.cabarch", resign=False)
    refused(successor, path, "signée par DUPONT Usurpateur")


def test_signature_missing(exported, successor, tmp_path):
    files = dict(exported)
    del files[manifest.MANIFEST_P7S]
    path = archives.rebuild(files, tmp_path / "a.cabarch", resign=False)
    refused(successor, path, "MANIFEST.P7S")


def test_garbage_signature(exported, successor, tmp_path):
    path = archives.rebuild(with_member(exported, manifest.MANIFEST_P7S, b"\x30\x03\x02\x01"),
                            tmp_path / "a.cabarch", resign=False)
    refused(successor, path, "illisible")


def test_archive_refused_is_a_known_error():
    assert issubclass(ArchiveRefused, KnownError)


def test_a_predecessor_journal_altered_before_export_is_flagged(exported, successor, tmp_path):
    """The signature covers TRANSV.ZIP, so a broken chain was broken at the predecessor's:
    the records still import, and the summary says the journal is altered."""
    def alter(lines):
        lines[1] = lines[1].replace(b'"action": "', b'"action": "x')
        return lines

    path = journal_changed(exported, tmp_path, alter)
    prepared = successor.archive_importer.prepare(archives.open_reader(path))
    assert not prepared.checked.journal.intact
    assert any("journal des accès du prédécesseur est altéré" in line
               for line in prepared.summary())


def test_a_signer_named_otherwise_than_announced_is_refused(exported, successor, tmp_path):
    """Same certificate, another name in the manifest: the summary would have shown it."""
    path = archives.rebuild(exported, tmp_path / "a.cabarch", change_manifest=lambda m: (
        setattr(m, "exporter", dataclasses.replace(m.exporter, name="Dr Quelqu'un D'Autre"))))
    refused(successor, path, "annonce Dr Quelqu'un D'Autre mais elle est signée par")


def test_a_number_in_other_digits_is_refused_in_french(exported, successor, tmp_path):
    xml = exported[manifest.MANIFEST_XML].replace(b"<PatientArchiveCount>3<",
                                                  "<PatientArchiveCount>³<".encode())
    path = archives.rebuild(with_member(exported, manifest.MANIFEST_XML, xml),
                            tmp_path / "a.cabarch")
    refused(successor, path, "n'est pas un nombre")


def test_a_corrupt_deflate_stream_is_refused_in_french(exported, successor, tmp_path):
    import io

    from cabinet.archive.container import EnvelopeWriter, Recipient

    clear = io.BytesIO()
    with zipfile.ZipFile(clear, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in exported.items():
            zf.writestr(name, content)
    data = bytearray(clear.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(manifest.MANIFEST_XML)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start:start + 8] = b"\xff" * 8
    path = tmp_path / "a.cabarch"
    with path.open("wb") as handle:
        envelope = EnvelopeWriter(handle, Recipient(passphrase=archives.PASSPHRASE))
        envelope.write(bytes(data))
        envelope.close()
    refused(successor, path, "MANIFEST.XML » est illisible")


def distorted(exported, tmp_path, change):
    """The archive with PAT00001's DOSSIER.JSON changed by `change(record)`, re-announced."""
    def edit(content):
        record = json.loads(content[SUBSET + "DOSSIER.JSON"])
        change(record)
        content[SUBSET + "DOSSIER.JSON"] = json.dumps(record).encode()

    files, announce = patched_patient(exported, edit)
    return archives.rebuild(files, tmp_path / "a.cabarch", change_manifest=announce)


def first_of_kind(record, kind):
    return next(e for e in record["entries"] if e["kind"] == kind)


@pytest.mark.parametrize("change", [
    lambda r: r["identity_versions"][-1]["data"].__setitem__("used_name", 5),
    lambda r: r["identity_versions"][-1]["data"].__setitem__("birth_name", "  "),
    lambda r: r["entries"][0].__setitem__("created_at", "zzz"),
    lambda r: r["entries"][0].__setitem__("effective_date", "hier"),
    lambda r: first_of_kind(r, "document")["payload"].__setitem__("sha256", "0" * 64),
    lambda r: r["entries"].append({**r["entries"][0], "id": 10**6, "version": 2,
                                   "kind": "private_note",
                                   "payload": {"category": "personal", "text": "x"}}),
], ids=["used name not a text", "no birth name", "bad timestamp", "bad date",
        "document without its file", "a version changing kind"])
def test_a_record_the_application_could_not_use_is_refused(exported, successor, tmp_path,
                                                            change):
    refused(successor, distorted(exported, tmp_path, change), "entrée du dossier est invalide")


def test_journal_lines_out_of_order_are_refused(exported, successor, tmp_path):
    path = journal_changed(exported, tmp_path, lambda lines: [lines[0], *lines])  # one twice
    refused(successor, path, "dans le désordre")


def test_a_name_ending_with_a_newline_is_refused(exported, successor, tmp_path):
    files, announce = patched_patient(
        exported, lambda content: content.__setitem__("INDEX.HTM\n", b"x"))
    path = archives.rebuild(files, tmp_path / "a.cabarch", change_manifest=announce)
    refused(successor, path, "fichier inattendu")


def test_the_summary_says_whether_the_signer_is_vouched_for(exported, successor, tmp_path):
    from asn1crypto import x509

    from cabinet.documents.demo_certificate import demo_signer

    path = archives.rebuild(exported, tmp_path / "a.cabarch")
    unknown = successor.archive_importer.prepare(archives.open_reader(path))
    assert any("NON reconnu" in line for line in unknown.summary())
    assert any("certificat de démonstration" in line for line in unknown.summary())
    anchor = x509.Certificate.load(demo_signer().certificate_der)
    vouched = successor.archive_importer.prepare(archives.open_reader(path), anchors=[anchor])
    assert any("Certificat du signataire : reconnu" in line for line in vouched.summary())
    assert not any("aucune autorité" in line for line in vouched.summary())


def test_a_refusal_never_quotes_the_archives_content(exported, successor, tmp_path):
    """What a crafted field holds may be patient data: the message names the field only."""
    path = distorted(exported, tmp_path,
                     lambda r: r["entries"][0].__setitem__("effective_date", "Lefèvre 1961"))
    with pytest.raises(KnownError) as caught:
        successor.archive_importer.prepare(archives.open_reader(path))
    assert "date ou texte mal formé" in caught.value.message
    assert "Lefèvre" not in caught.value.message
