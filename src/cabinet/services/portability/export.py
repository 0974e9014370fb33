"""Export a practice, a selection or one patient as a signed, encrypted portability archive.

Streamed: patients are read, packaged and encrypted one after another into a hidden file
beside the destination, so memory stays bounded by the largest single record whatever the
practice's size; the file takes its final name only when whole. Packaging (the PDF above
all) runs in worker processes when there are many patients. The cancel token is checked
between patients; a cancelled or failed export leaves nothing behind and journals nothing.
"""

import collections
import concurrent.futures
import datetime as dt
import hashlib
import multiprocessing
import os
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from cabinet import __version__
from cabinet.archive import documentation, manifest, patient_package, transverse
from cabinet.archive.container import EnvelopeWriter, Recipient
from cabinet.archive.signature import sign_manifest
from cabinet.domain.audit import Action, JournalRow
from cabinet.domain.record import EntryKind
from cabinet.exchange.staging import WrittenFile, staged_stream
from cabinet.services.auditing import AuditTrail, audited
from cabinet.services.issuing import Issuer, Output
from cabinet.services.ports import PortabilityStore, RecordStore

if TYPE_CHECKING:
    from cabinet.documents.layout import Letterhead

SOFTWARE = f"Cabinet {__version__}"
SUFFIX = ".cabarch"
PAGE = 500
_PARALLEL_FROM = 40  # below this, worker processes cost more than they save
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Selection:
    """Which patients: all (MASSIF), some (CIBLE: chosen or seen in a period), one (UNITAIRE)."""

    export_type: str
    patient_ids: tuple[int, ...] = ()
    period: tuple[str, str] | None = None
    comments: str = ""

    def label(self) -> str:
        """The type in French, for the journal and the index."""
        return manifest.EXPORT_TYPES[self.export_type]


@dataclass(frozen=True)
class ArchiveResult:
    """The archive written: where, its identity, and what it holds."""

    path: str
    export_id: str
    patients: int
    size: int
    sha256: str


def _package(data: patient_package.PatientData, letterhead: "Letterhead", exported_by: str,
             created: str) -> patient_package.Package:
    return patient_package.build(data, letterhead, exported_by=exported_by, created=created)


class _HashingSink:
    """Counts and hashes the encrypted bytes on their way to the file."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self._handle.write(data)

    def flush(self) -> None:
        self._handle.flush()


class PracticeService:
    """What the services over the whole practice share: both stores, the trail, the issuer."""

    def __init__(self, store: RecordStore, portability: PortabilityStore, trail: AuditTrail,
                 issuer: Issuer) -> None:
        self._store = store
        self._portability = portability
        self._trail = trail
        self._issuer = issuer


class ArchiveExporter(PracticeService):
    """Writes portability archives (CONT-2, CONT-4); every export is journaled per patient."""

    def patients(self, selection: Selection) -> list[int]:
        """The patient numbers the selection covers, in order."""
        if selection.export_type == "MASSIF":
            found: list[int] = []
            while page := self._portability.patient_ids(found[-1] if found else 0, 5000):
                found += page
            return found
        if selection.period is not None:
            if selection.patient_ids:
                raise manifest.ManifestError("Choisissez des patients ou une période, pas les "
                                             "deux.")
            return self._portability.patients_seen(*selection.period)
        for patient_id in selection.patient_ids:
            if not self._store.patient_exists(patient_id):
                raise manifest.ManifestError(f"Le patient n° {patient_id} n'existe pas dans le "
                                             "coffre.")
        return sorted(set(selection.patient_ids))

    def export(self, selection: Selection, recipient: Recipient, out: Output,
               progress: Progress | None = None) -> ArchiveResult:
        """Write the archive into `out.destination`; raise `KnownError` in French."""
        self._issuer.require_prescriber()
        patient_ids = self.patients(selection)
        if not patient_ids or (selection.export_type == "UNITAIRE" and len(patient_ids) != 1):
            raise manifest.ManifestError("La sélection ne contient aucun patient à exporter."
                                         if not patient_ids else
                                         "Un export unitaire concerne un seul patient.")
        now = self._trail.clock.now()
        export_id = str(uuid.uuid4())
        name = f"portabilite-{self._issuer.stamp()}-{export_id[:8]}{SUFFIX}"
        with staged_stream(out.destination, name, out.cancel) as handle:
            sink = _HashingSink(handle)
            envelope = EnvelopeWriter(sink, recipient)  # type: ignore[arg-type]
            with zipfile.ZipFile(envelope, "w", compression=zipfile.ZIP_STORED,
                                 allowZip64=True) as archive:
                listing = self._write_content(archive, selection, patient_ids=patient_ids,
                                              out=out, now=now, progress=progress)
                signed = manifest.Manifest(
                    export_id=export_id, extract_time=now.isoformat(timespec="seconds"),
                    export_type=selection.export_type, exporter=self._exporter(out),
                    software=SOFTWARE, comments=selection.comments,
                    period_start=selection.period[0] if selection.period else "",
                    period_end=selection.period[1] if selection.period else "",
                    archives=listing)
                manifest_xml = manifest.to_xml(signed)
                out.cancel.check()
                archive.writestr(manifest.MANIFEST_XML, manifest_xml)
                archive.writestr(manifest.MANIFEST_P7S, sign_manifest(manifest_xml, out.signer))
            envelope.close()
        result = ArchiveResult(str(out.destination / name), export_id, len(patient_ids),
                               sink.size, sink.digest.hexdigest())
        try:  # journaled once whole and named; a cancel or failure now removes the file
            out.cancel.check()
            self._journal(selection, patient_ids, recipient, result)
        except BaseException:
            Path(result.path).unlink(missing_ok=True)
            raise
        return result

    @staticmethod
    def _exporter(out: Output) -> manifest.Exporter:
        return manifest.Exporter(out.signer.holder, out.signer.rpps,
                                 hashlib.sha256(out.signer.certificate_der).hexdigest())

    def _write_content(self, archive: zipfile.ZipFile, selection: Selection, *,
                       patient_ids: Sequence[int], out: Output, now: dt.datetime,
                       progress: Progress | None) -> list[manifest.ArchiveEntry]:
        listing: list[manifest.ArchiveEntry] = []

        def add(name: str, kind: str, content: bytes, *, files: int = 1, expanded: int = -1,
                patient_id: str = "") -> None:
            archive.writestr(name, content)
            listing.append(manifest.ArchiveEntry(
                name, kind, len(content), hashlib.sha256(content).hexdigest(), files,
                len(content) if expanded < 0 else expanded, patient_id))

        index_rows: list[str] = []
        for number, (data, package) in enumerate(
                self._packages(selection, patient_ids, out, now), start=1):
            identity = data.identity_versions[-1].payload
            add(f"{data.archive}.ZIP", "Patient", package.content, files=package.files,
                expanded=package.expanded_size,
                patient_id=patient_package.source_patient_id(identity, data.archive))
            index_rows.append(
                f"<tr><td><a href=\"{data.archive}.ZIP\">{data.archive}</a></td>"
                f"<td>{escape(identity['birth_name'])}</td>"
                f"<td>{escape(identity['first_names'])}</td>"
                f"<td>{escape(identity['birth_date'])}</td></tr>")
            if progress is not None:
                progress(number, len(patient_ids))
        if selection.export_type != "UNITAIRE":
            listing.append(self._write_journal(archive, out))
        for path, content in documentation.files(SOFTWARE).items():
            add(path, "Documentation", content)
        add(INDEX_HTM, "Index", _index(selection, out, now, index_rows))
        return listing

    def _write_journal(self, archive: zipfile.ZipFile, out: Output) -> manifest.ArchiveEntry:
        """TRANSV.ZIP streamed into the archive: the journal is never held whole in memory."""
        with archive.open(transverse.ARCHIVE_NAME, "w", force_zip64=True) as member:
            sink = _HashingSink(member)  # type: ignore[arg-type]
            expanded = transverse.write(sink, self._journal_pages,  # type: ignore[arg-type]
                                        out.cancel.check)
        return manifest.ArchiveEntry(transverse.ARCHIVE_NAME, "Transverse", sink.size,
                                     sink.digest.hexdigest(), 2, expanded)

    def _journal_pages(self) -> Iterator[list[JournalRow]]:
        after = 0
        while page := self._store.journal_rows_after(after, 5000):
            yield page
            after = page[-1][0]

    def _packages(self, selection: Selection, patient_ids: Sequence[int], out: Output,
                  now: dt.datetime
                  ) -> Iterator[tuple[patient_package.PatientData, patient_package.Package]]:
        """Each patient's data and built package, in order, built ahead by worker processes."""
        letterhead = self._issuer.letterhead()
        created = now.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
        args = (letterhead, out.signer.holder, created)
        datas = (self._read(selection, patient_id, f"PAT{n:05d}")
                 for n, patient_id in enumerate(patient_ids, start=1))
        workers = _worker_count()
        if len(patient_ids) < _PARALLEL_FROM or workers < 2:
            for data in datas:
                out.cancel.check()
                yield data, _package(data, *args)
            return
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            pending: collections.deque[tuple[patient_package.PatientData,
                                             concurrent.futures.Future[
                                                 patient_package.Package]]] = collections.deque()
            try:
                for data in datas:
                    out.cancel.check()
                    pending.append((data, pool.submit(_package, data, *args)))
                    if len(pending) > 4 * workers:
                        head, future = pending.popleft()
                        yield head, future.result()
                while pending:
                    out.cancel.check()
                    head, future = pending.popleft()
                    yield head, future.result()
            finally:
                for _, future in pending:
                    future.cancel()

    def _read(self, selection: Selection, patient_id: int,
              archive: str) -> patient_package.PatientData:
        entries = self._portability.all_entries(patient_id)
        if selection.export_type == "UNITAIRE":  # PDLGC: no personal notes in a unit export
            entries = [e for e in entries if e.kind != EntryKind.PRIVATE_NOTE.value]
        blobs = {e.payload["sha256"]: self._store.get_blob(e.payload["sha256"])
                 for e in entries if e.kind == EntryKind.DOCUMENT.value}
        created_at, created_by = self._portability.patient_created(patient_id)
        return patient_package.PatientData(
            archive, patient_id, created_at, created_by,
            self._store.identity_versions(patient_id), entries, blobs)

    @audited
    def _journal(self, selection: Selection, patient_ids: Sequence[int], recipient: Recipient,
                 result: ArchiveResult) -> None:
        whom = (f"certificat {recipient.certificate.subject.rfc4514_string()}"
                if recipient.certificate is not None else "phrase secrète")
        for patient_id in patient_ids:
            self._trail.record(Action.EXPORT, patient_id=patient_id, target="portability",
                               detail=result.export_id)
        self._issuer.journal_export(
            f"portabilité ({selection.label()}, {len(patient_ids)} patients)", None, whom,
            [WrittenFile(Path(result.path).name, result.sha256, result.size)], target="portability")


INDEX_HTM = "INDEX.HTM"


def _worker_count() -> int:
    """Processes that build patients' packages: one per core, at most four (memory)."""
    return min(os.cpu_count() or 1, 4)


def _index(selection: Selection, out: Output, now: dt.datetime, rows: list[str]) -> bytes:
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Archive de portabilité</title></head><body>
<h1>Archive de portabilité du dossier médical</h1>
<p>Exportée par {escape(out.signer.holder)} (RPPS {escape(out.signer.rpps or "—")}) le
{escape(now.astimezone().strftime("%d/%m/%Y à %H:%M"))} : {escape(selection.label())},
{len(rows)} patient(s). Le manifeste MANIFEST.XML est signé (MANIFEST.P7S) ; la
documentation est dans DOCUMENTATION/.</p>
<table border="1"><tr><th>Archive</th><th>Nom de naissance</th><th>Prénoms</th>
<th>Date de naissance</th></tr>{"".join(rows)}</table></body></html>""".encode()
