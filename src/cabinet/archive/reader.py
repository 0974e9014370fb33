"""Open a portability archive and check all of it before anything is written (CONT-3).

Checked, in order, each failure a French `ArchiveRefused` naming the problem: the envelope
(recipient, every chunk's authentication, truncation); the outer zip's directory (names: no
`..`, no absolute path, no link, no duplicate; exactly the manifest's files plus the manifest
and its signature); the manifest (well-formed, known version) and its signature (intact, by
the announced physician), naming as its recipient whoever opened the envelope; every
sub-archive's size and SHA-256; inside each sub-archive, the same name rules, the announced
number of files and expanded size (zip bombs), every JSON against its schema and every entry
against the application's own rules; the predecessor's journal chain. Sub-archives are
read into memory one at a time (at most `MAX_SUB_ARCHIVE`).
"""

import contextlib
import datetime as dt
import functools
import hashlib
import io
import itertools
import json
import lzma
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import jsonschema
from asn1crypto import x509

from cabinet.archive import documentation, manifest, patient_package, transverse
from cabinet.archive.container import BY_PASSPHRASE, EnvelopeReader
from cabinet.archive.signature import ManifestSigner, verify_manifest
from cabinet.domain.audit import ChainReport, ChainWalker, JournalRow
from cabinet.domain.identity import Identity, IdentityError, identity_from_dict
from cabinet.domain.record import EntryKind, RecordError, validate_entry
from cabinet.errors import KnownError
from cabinet.exchange.ics import CalendarError, read_calendar

MAX_SUB_ARCHIVE = 1 << 30
_READ = 1 << 20
_SUBSET = "IHE_XDM/SUBSET01/"
_PATIENT_FILES = re.compile(
    r"INDEX\.HTM|README\.TXT|IHE_XDM/SUBSET01/(METADATA\.XML|DOSSIER\.JSON|FHIR\.JSON|"
    r"DOSSIER\.PDF|DOC[0-9]{5}\.[A-Z0-9]{1,5})")
_TRANSVERSE_FILES = re.compile(r"TRACES\.LOG|TRACES\.JSONL|AGENDA\.ICS")
MAX_MEMBER = 256 << 20  # any one file of a patient's package, read into memory
MAX_PATIENT_EXPANDED = 1 << 30
MAX_MANIFEST = 16 << 20
MAX_JOURNAL_LINE = 1 << 20
_UNREADABLE = (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError,
               zlib.error, lzma.LZMAError)


class ArchiveRefused(KnownError):
    """The archive cannot be imported; the message says why, nothing was written."""


@dataclass(frozen=True)
class PatientContent:
    """One patient's checked record and files, ready to import."""

    archive: str
    record: dict[str, Any]
    blobs: dict[str, bytes]


@dataclass
class Checked:
    """What the whole check found: who, when, how much, and what looks unusual."""

    manifest: manifest.Manifest
    manifest_xml: bytes
    signature: bytes
    signer: ManifestSigner
    patients: int = 0
    entries: int = 0
    documents: int = 0
    size: int = 0
    journal: ChainReport | None = None
    unusual: list[str] = field(default_factory=list)


def _safe_name(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith(("/", "\\")) and "\\" not in name and \
        ":" not in name and all(p not in ("", ".", "..") for p in parts)


def _check_members(infos: list[zipfile.ZipInfo], where: str) -> None:
    names = [i.filename for i in infos]
    for info in infos:
        if not _safe_name(info.filename):
            raise ArchiveRefused(f"{where} contient un chemin interdit (« {info.filename[:60]} ») "
                                 ": import refusé.")
        if stat.S_ISLNK(info.external_attr >> 16) or info.is_dir():
            raise ArchiveRefused(f"{where} contient un lien ou un dossier (« "
                                 f"{info.filename[:60]} ») : import refusé.")
    if len(names) != len(set(names)):
        raise ArchiveRefused(f"{where} contient deux fois le même fichier : import refusé.")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int,
                 where: str) -> bytes:
    """The member's bytes, never more than `limit` inflated (the announced size)."""
    buffer = io.BytesIO()
    try:
        with archive.open(info) as member:
            while chunk := member.read(min(_READ, limit + 1 - buffer.tell())):
                buffer.write(chunk)
                if buffer.tell() > limit:
                    raise ArchiveRefused(f"{where} : « {info.filename[:60]} » est plus grand "
                                         "qu'annoncé (archive piégée) : import refusé.")
    except _UNREADABLE as error:
        if isinstance(error, KnownError):
            raise
        raise ArchiveRefused(f"{where} : « {info.filename[:60]} » est illisible, tronqué ou "
                             "modifié : import refusé.") from None
    return buffer.getvalue()


@functools.cache
def _schema_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json.loads(documentation.schema()),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _identity(data: dict[str, Any]) -> Identity:
    """Parse, not re-validate: an old record may predate today's rules."""
    try:
        return identity_from_dict(data)
    except (KeyError, TypeError, ValueError) as error:
        raise IdentityError("identité mal formée") from error


class ArchiveReader:
    """An opened archive: the envelope decrypted on the fly, the outer zip's directory read."""

    def __init__(self, source: IO[bytes], open_key: Callable[[dict[str, Any]], bytes]) -> None:
        self._clear = EnvelopeReader(source, open_key)
        try:
            self._zip = zipfile.ZipFile(self._clear)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise ArchiveRefused("L'archive déchiffrée n'est pas un zip lisible : import "
                                 "refusé.") from None
        infos = self._zip.infolist()
        _check_members(infos, "L'archive")
        self._infos = {i.filename: i for i in infos}

    @classmethod
    def open(cls, path: Path, open_key: Callable[[dict[str, Any]], bytes]) -> "ArchiveReader":
        """Open the file at `path` (kept open until `close`)."""
        try:
            handle = path.open("rb")
        except OSError:
            raise ArchiveRefused("Le fichier d'archive est introuvable ou illisible.") from None
        try:
            return cls(handle, open_key)
        except BaseException:
            handle.close()
            raise

    def close(self) -> None:
        """Release the file."""
        self._zip.close()
        self._clear.close()

    def _whole(self, name: str, limit: int) -> bytes:
        info = self._infos.get(name)
        if info is None:
            raise ArchiveRefused(f"L'archive ne contient pas {name} : import refusé.")
        return _read_member(self._zip, info, limit, "L'archive")

    def check(self, progress: Callable[[int, int], None] | None = None,
              on_patient: Callable[[PatientContent], None] | None = None,
              anchors: Sequence[x509.Certificate] = ()) -> Checked:
        """Check everything; return the summary, or raise `ArchiveRefused`.

        `on_patient` sees each checked patient once (to look for duplicates in passing).
        """
        manifest_xml = self._whole(manifest.MANIFEST_XML, MAX_MANIFEST)
        signature = self._whole(manifest.MANIFEST_P7S, 1 << 20)
        try:
            listed = manifest.from_xml(manifest_xml)
        except manifest.ManifestError as error:
            raise ArchiveRefused(f"{error.message} Import refusé.") from None
        signer = verify_manifest(manifest_xml, signature, anchors)
        announced = listed.exporter
        if (signer.certificate_sha256, signer.name, signer.rpps) != \
                (announced.certificate_sha256, announced.name, announced.rpps):
            raise ArchiveRefused(
                f"L'archive annonce {listed.exporter.name} mais elle est signée par "
                f"{signer.name} : import refusé.")
        self._check_recipient(listed.recipient)
        self._check_listing(listed)
        checked = Checked(listed, manifest_xml, signature, signer)
        total = len(listed.archives)
        for number, entry in enumerate(listed.archives, start=1):
            checked.size += entry.size
            if entry.kind == "Transverse":
                checked.journal = chain_report(self.journal(entry))
                self.agenda(entry)
            else:
                content = self.sub_archive(entry)
            if entry.kind == "Patient":
                patient = self._patient(entry, content)
                checked.patients += 1
                checked.entries += len(patient.record["entries"])
                checked.documents += len(patient.blobs)
                if on_patient is not None:
                    on_patient(patient)
            if progress is not None:
                progress(number, total)
        return checked

    def _check_recipient(self, recipient: str) -> None:
        """The signed manifest's recipient must be who opened the envelope.

        An archive written before the manifest named its recipient is taken as before.
        """
        if recipient and recipient != self._clear.opened_for:
            named = "la phrase secrète" if recipient == BY_PASSPHRASE else \
                f"le certificat d'empreinte SHA-256 {recipient[:16]}…"
            raise ArchiveRefused("Cette archive a été préparée pour un autre destinataire : "
                                 f"{named}. Import refusé.")

    def _check_listing(self, listed: manifest.Manifest) -> None:
        expected = {a.name for a in listed.archives} | {manifest.MANIFEST_XML,
                                                         manifest.MANIFEST_P7S}
        present = set(self._infos)
        if missing := sorted(expected - present):
            raise ArchiveRefused(f"Il manque « {missing[0]} » dans l'archive : import refusé.")
        if extra := sorted(present - expected):
            raise ArchiveRefused(f"L'archive contient un fichier non annoncé (« {extra[0][:60]} "
                                 "») : import refusé.")
        for entry in listed.archives:
            if self._infos[entry.name].file_size != entry.size:
                raise ArchiveRefused(f"« {entry.name} » n'a pas la taille annoncée : import "
                                     "refusé.")
            if entry.size > MAX_SUB_ARCHIVE or entry.expanded_size > 8 * MAX_SUB_ARCHIVE:
                raise ArchiveRefused(f"« {entry.name} » dépasse la taille admise : import "
                                     "refusé.")

    def sub_archive(self, entry: manifest.ArchiveEntry) -> bytes:
        """A sub-archive's bytes, checked against the manifest's size and SHA-256."""
        content = _read_member(self._zip, self._infos[entry.name], entry.size, "L'archive")
        if len(content) != entry.size or hashlib.sha256(content).hexdigest() != entry.sha256:
            raise ArchiveRefused(f"« {entry.name} » a été modifié (empreinte SHA-256 "
                                 "différente du manifeste) : import refusé.")
        return content

    def _hash_in_place(self, entry: manifest.ArchiveEntry) -> None:
        """Check a sub-archive's SHA-256 reading it in chunks (the journal can be large)."""
        digest = hashlib.sha256()
        try:
            with self._zip.open(self._infos[entry.name]) as member:
                while chunk := member.read(_READ):
                    digest.update(chunk)
        except _UNREADABLE:
            raise ArchiveRefused(f"L'archive : « {entry.name} » est illisible, tronqué ou "
                                 "modifié : import refusé.") from None
        if digest.hexdigest() != entry.sha256:
            raise ArchiveRefused(f"« {entry.name} » a été modifié (empreinte SHA-256 "
                                 "différente du manifeste) : import refusé.")

    @staticmethod
    def _inner(entry: manifest.ArchiveEntry, source: IO[bytes],
               allowed: re.Pattern[str]) -> zipfile.ZipFile:
        """A sub-archive opened and its directory checked against the manifest."""
        where = f"« {entry.name} »"
        try:
            inner = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, ValueError, EOFError, OSError):
            raise ArchiveRefused(f"{where} n'est pas un zip lisible : import refusé.") from None
        infos = inner.infolist()
        _check_members(infos, where)
        if any(i.file_size > MAX_MEMBER for i in infos if allowed is _PATIENT_FILES) or \
                (allowed is _PATIENT_FILES and entry.expanded_size > MAX_PATIENT_EXPANDED):
            raise ArchiveRefused(f"{where} contient un fichier trop volumineux : import "
                                 "refusé.")
        if len(infos) != entry.files or sum(i.file_size for i in infos) != entry.expanded_size:
            raise ArchiveRefused(f"{where} ne contient pas le nombre de fichiers ou la "
                                 "taille annoncés (archive piégée) : import refusé.")
        for info in infos:
            if not allowed.fullmatch(info.filename):
                raise ArchiveRefused(f"{where} contient un fichier inattendu (« "
                                     f"{info.filename[:60]} ») : import refusé.")
        return inner

    def _members(self, entry: manifest.ArchiveEntry, content: bytes,
                 allowed: re.Pattern[str]) -> Iterator[tuple[str, bytes]]:
        where = f"« {entry.name} »"
        with self._inner(entry, io.BytesIO(content), allowed) as inner:
            for info in inner.infolist():
                yield info.filename, _read_member(inner, info, info.file_size, where)

    def patient(self, entry: manifest.ArchiveEntry) -> PatientContent:
        """One patient's checked content (for the import pass)."""
        return self._patient(entry, self.sub_archive(entry))

    def _patient(self, entry: manifest.ArchiveEntry, content: bytes) -> PatientContent:
        where = f"« {entry.name} »"
        files = dict(self._members(entry, content, _PATIENT_FILES))
        record = self._record(files.get(_SUBSET + patient_package.RECORD_JSON), where,
                              entry.name.removesuffix(".ZIP"))
        blobs: dict[str, bytes] = {}
        for described in record["files"]:
            blob = files.get(_SUBSET + described["path"])
            if blob is None or hashlib.sha256(blob).hexdigest() != described["sha256"]:
                raise ArchiveRefused(f"{where} : le document {described['path']} manque ou a "
                                     "été modifié : import refusé.")
            blobs[described["sha256"]] = blob
        return PatientContent(entry.name.removesuffix(".ZIP"), record, blobs)

    @staticmethod
    def _record(raw: bytes | None, where: str, archive: str) -> dict[str, Any]:
        if raw is None:
            raise ArchiveRefused(f"{where} ne contient pas DOSSIER.JSON : import refusé.")
        try:
            record = json.loads(raw)
        except (ValueError, RecursionError):
            raise ArchiveRefused(f"{where} : DOSSIER.JSON est mal formé (JSON invalide) : "
                                 "import refusé.") from None
        if isinstance(record, dict) and record.get("schema") != patient_package.PATIENT_SCHEMA:
            raise ArchiveRefused(f"{where} : DOSSIER.JSON est d'une version de schéma inconnue "
                                 f"(« {str(record.get('schema'))[:40]} ») : import refusé.")
        error = jsonschema.exceptions.best_match(_schema_validator().iter_errors(record))
        if error is not None:
            path = "/".join(str(p) for p in error.absolute_path)[:80]
            raise ArchiveRefused(f"{where} : DOSSIER.JSON ne respecte pas son schéma (champ « "
                                 f"{path or 'racine'} ») : import refusé.")
        if record["archive"] != archive:
            raise ArchiveRefused(f"{where} : DOSSIER.JSON décrit une autre archive : import "
                                 "refusé.")
        _check_content(record, where)
        return dict(record)

    @contextlib.contextmanager
    def _transverse(self, entry: manifest.ArchiveEntry) -> Iterator[tuple[str, zipfile.ZipFile]]:
        """The transverse part opened, its hash and its directory checked; and its name.

        The name is how a refusal says which part it is (« TRANSV.ZIP »).
        """
        self._hash_in_place(entry)
        with self._zip.open(self._infos[entry.name]) as member, \
                self._inner(entry, member, _TRANSVERSE_FILES) as inner:
            yield f"« {entry.name} »", inner

    def agenda(self, entry: manifest.ArchiveEntry) -> bytes | None:
        """The transverse part's agenda (AGENDA.ICS), read as iCalendar, or None.

        Only a MASSIF export carries one.
        """
        with self._transverse(entry) as (where, inner):
            try:
                info = inner.getinfo(transverse.AGENDA_ICS)
            except KeyError:
                return None
            if info.file_size > MAX_MEMBER:
                raise ArchiveRefused(f"{where} : l'agenda dépasse la taille admise : import "
                                     "refusé.")
            content = _read_member(inner, info, info.file_size, where)
        try:
            read_calendar(content)
        except CalendarError as error:
            raise ArchiveRefused(f"{where} : {error} Import refusé.") from None
        return content

    def journal_pages(self, entry: manifest.ArchiveEntry) -> Iterator[list[JournalRow]]:
        """The predecessor's journal rows, checked, a page at a time (for the import)."""
        return pages(self.journal(entry))

    def journal(self, entry: manifest.ArchiveEntry) -> Iterator[JournalRow]:
        """The predecessor's journal rows, streamed: checked, never held whole in memory."""
        with self._transverse(entry) as (where, inner):
            try:
                info = inner.getinfo(transverse.TRACES_JSONL)
            except KeyError:
                raise ArchiveRefused(f"{where} ne contient pas TRACES.JSONL : import "
                                     "refusé.") from None
            read, number, last_id = 0, 0, 0
            try:
                with inner.open(info) as lines:
                    while line := lines.readline(MAX_JOURNAL_LINE + 1):
                        number += 1
                        read += len(line)
                        if read > info.file_size or len(line) > MAX_JOURNAL_LINE:
                            raise ArchiveRefused(f"{where} : le journal est plus grand "
                                                 "qu'annoncé (archive piégée) : import refusé.")
                        row = _journal_row(line, number, where)
                        if row[0] <= last_id:
                            raise ArchiveRefused(f"{where} : la ligne {number} du journal est "
                                                 "dans le désordre : import refusé.")
                        last_id = row[0]
                        yield row
            except _UNREADABLE as error:
                if isinstance(error, KnownError):
                    raise
                raise ArchiveRefused(f"{where} : le journal est illisible ou tronqué : import "
                                     "refusé.") from None


def _journal_row(line: bytes, number: int, where: str) -> JournalRow:
    """One TRACES.JSONL line, refusing it when malformed."""
    try:
        return transverse.parse_json_line(line)
    except ValueError:
        raise ArchiveRefused(f"{where} : la ligne {number} du journal est mal formée : "
                             "import refusé.") from None


def pages(rows: Iterator[JournalRow], size: int = 5000) -> Iterator[list[JournalRow]]:
    """Rows gathered `size` at a time (Python 3.11 has no `itertools.batched`)."""
    while page := list(itertools.islice(rows, size)):
        yield page


def chain_report(rows: Iterator[JournalRow]) -> ChainReport:
    """Walk a journal's links, a page at a time."""
    walker = ChainWalker()
    for page in pages(rows):
        if not walker.feed(page):
            break
    return walker.report()


def _check_content(record: dict[str, Any], where: str) -> None:
    """Every identity and entry as the application would have accepted it when typed."""
    try:
        for version in record["identity_versions"]:
            _check_identity(version["data"])
            dt.datetime.fromisoformat(version["created_at"])
        dt.datetime.fromisoformat(record["created_at"])
        files = {f["sha256"] for f in record["files"]}
        lineages: dict[int, tuple[int, str]] = {}
        for entry in record["entries"]:
            entry["payload"] = validate_entry(EntryKind(entry["kind"]), entry["payload"])
            dt.datetime.fromisoformat(entry["created_at"])
            dt.date.fromisoformat(entry["effective_date"][:10])
            version, kind = lineages.get(entry["lineage"], (0, entry["kind"]))
            if entry["version"] != version + 1 or kind != entry["kind"] or \
                    (version == 0 and entry["lineage"] != entry["id"]):
                raise RecordError("versions dans le désordre")
            lineages[entry["lineage"]] = (version + 1, kind)
            if entry["kind"] == EntryKind.DOCUMENT.value and \
                    entry["payload"]["sha256"] not in files:
                raise RecordError("document sans fichier")
    except (IdentityError, RecordError) as error:  # their messages name fields, not values
        raise ArchiveRefused(f"{where} : une entrée du dossier est invalide ({error}) : import "
                             "refusé.") from None
    except (ValueError, TypeError, AttributeError):  # these may quote the value: never shown
        raise ArchiveRefused(f"{where} : une entrée du dossier est invalide (date ou texte mal "
                             "formé) : import refusé.") from None


def _check_identity(data: dict[str, Any]) -> None:
    """Texts are texts and a patient has names; otherwise parsed, not re-validated.

    An old record may predate today's identity rules.
    """
    if not all(isinstance(v, str) for k, v in data.items() if k != "phones") or \
            not all(isinstance(p, str) for p in data.get("phones", [])):
        raise IdentityError("identité mal formée")
    if not data["birth_name"].strip() or not data["first_names"].strip():
        raise IdentityError("identité sans nom")
    _identity(data)
