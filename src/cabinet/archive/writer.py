"""Lay out, sign and encrypt a portability archive into a stream (PDLGC layout).

Streamed: each patient's package is built and encrypted after the other, so memory stays
bounded by the largest single record whatever the practice's size. Packaging (the PDF above
all) runs in worker processes when there are many patients. The cancel token is checked
between patients.
"""

import collections
import concurrent.futures
import datetime as dt
import hashlib
import multiprocessing
import os
import zipfile
from collections.abc import Iterator, Sequence
from html import escape
from typing import IO, TYPE_CHECKING, BinaryIO

from cabinet import __version__
from cabinet.archive import documentation, manifest, patient_package, transverse
from cabinet.archive.container import EnvelopeWriter, Recipient
from cabinet.archive.signature import sign_manifest
from cabinet.domain.agenda import Appointment
from cabinet.domain.portability import EXPORT_TYPES
from cabinet.exchange.ics import write_calendar
from cabinet.services.portability.ports import (
    ArchiveRequest,
    JournalPages,
    PatientData,
    Progress,
    WrittenArchive,
)

if TYPE_CHECKING:
    from cabinet.documents.layout import Letterhead

SOFTWARE = f"Cabinet {__version__}"
INDEX_HTM = "INDEX.HTM"
_PARALLEL_FROM = 40  # below this, worker processes cost more than they save


def _package(data: PatientData, letterhead: "Letterhead", exported_by: str,
             created: str) -> patient_package.Package:
    return patient_package.build(data, letterhead, exported_by=exported_by, created=created)


class _HashingSink:
    """Counts and hashes the bytes on their way to the file."""

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


class ArchiveWriter:
    """The format side of `ArchiveExporter`: zip, packages, signed manifest, envelope."""

    def write(self, handle: IO[bytes], request: ArchiveRequest, patients: Iterator[PatientData],
              *, count: int, journal: JournalPages | None,
              progress: Progress | None,
              agenda: Sequence[Appointment] | None = None) -> WrittenArchive:
        """Write the whole archive into `handle`; `journal` None leaves the traces out.

        `agenda` (a MASSIF export's) goes beside the journal as AGENDA.ICS.
        """
        if not isinstance(request.recipient, Recipient):
            raise TypeError("an archive is encrypted for a container.Recipient")
        sink = _HashingSink(handle)  # type: ignore[arg-type]
        envelope = EnvelopeWriter(sink, request.recipient)  # type: ignore[arg-type]
        with zipfile.ZipFile(envelope, "w", compression=zipfile.ZIP_STORED,
                             allowZip64=True) as archive:
            listing = _Content(archive, request).write(patients, count, journal, progress,
                                                       agenda)
            signed = manifest.Manifest(
                export_id=request.export_id,
                extract_time=request.now.isoformat(timespec="seconds"),
                export_type=request.export_type, exporter=_exporter(request),
                software=SOFTWARE, comments=request.comments,
                recipient=request.recipient.manifest_name(),
                period_start=request.period[0] if request.period else "",
                period_end=request.period[1] if request.period else "",
                archives=listing)
            manifest_xml = manifest.to_xml(signed)
            request.cancel.check()
            archive.writestr(manifest.MANIFEST_XML, manifest_xml)
            archive.writestr(manifest.MANIFEST_P7S, sign_manifest(manifest_xml, request.signer))
        envelope.close()
        return WrittenArchive(sink.size, sink.digest.hexdigest())


def _exporter(request: ArchiveRequest) -> manifest.Exporter:
    signer = request.signer
    return manifest.Exporter(signer.holder, signer.rpps,
                             hashlib.sha256(signer.certificate_der).hexdigest())


class _Content:
    """Everything the manifest lists, written into the open zip."""

    def __init__(self, archive: zipfile.ZipFile, request: ArchiveRequest) -> None:
        self._archive = archive
        self._request = request
        self.listing: list[manifest.ArchiveEntry] = []

    def _add(self, name: str, kind: str, content: bytes, *, files: int = 1,
             expanded: int = -1, patient_id: str = "") -> None:
        self._archive.writestr(name, content)
        self.listing.append(manifest.ArchiveEntry(
            name, kind, len(content), hashlib.sha256(content).hexdigest(), files,
            len(content) if expanded < 0 else expanded, patient_id))

    def write(self, patients: Iterator[PatientData], count: int, journal: JournalPages | None,
              progress: Progress | None,
              agenda: Sequence[Appointment] | None) -> list[manifest.ArchiveEntry]:
        index_rows: list[str] = []
        for number, (data, package) in enumerate(self._packages(patients, count), start=1):
            identity = data.identity_versions[-1].payload
            self._add(f"{data.archive}.ZIP", "Patient", package.content, files=package.files,
                      expanded=package.expanded_size,
                      patient_id=patient_package.source_patient_id(identity, data.archive))
            index_rows.append(
                f"<tr><td><a href=\"{data.archive}.ZIP\">{data.archive}</a></td>"
                f"<td>{escape(identity['birth_name'])}</td>"
                f"<td>{escape(identity['first_names'])}</td>"
                f"<td>{escape(identity['birth_date'])}</td></tr>")
            if progress is not None:
                progress(number, count)
        if journal is not None:
            self.listing.append(self._write_journal(journal, agenda))
        for path, content in documentation.files(SOFTWARE).items():
            self._add(path, "Documentation", content)
        self._add(INDEX_HTM, "Index", _index(self._request, index_rows))
        return self.listing

    def _write_journal(self, journal: JournalPages,
                       agenda: Sequence[Appointment] | None) -> manifest.ArchiveEntry:
        """TRANSV.ZIP streamed into the archive: the journal is never held whole in memory."""
        calendar = None if agenda is None else write_calendar(agenda, self._request.now)
        with self._archive.open(transverse.ARCHIVE_NAME, "w", force_zip64=True) as member:
            sink = _HashingSink(member)  # type: ignore[arg-type]
            files, expanded = transverse.write(sink, journal,  # type: ignore[arg-type]
                                               self._request.cancel.check, calendar)
        return manifest.ArchiveEntry(transverse.ARCHIVE_NAME, "Transverse", sink.size,
                                     sink.digest.hexdigest(), files, expanded)

    def _packages(self, patients: Iterator[PatientData], count: int
                  ) -> Iterator[tuple[PatientData, patient_package.Package]]:
        """Each patient's data and built package, in order, built ahead by worker processes."""
        request = self._request
        created = request.now.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
        args = (request.letterhead, request.signer.holder, created)
        workers = _worker_count()
        if count < _PARALLEL_FROM or workers < 2:
            for data in patients:
                request.cancel.check()
                yield data, _package(data, *args)
            return
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            pending: collections.deque[tuple[PatientData, concurrent.futures.Future[
                patient_package.Package]]] = collections.deque()
            try:
                for data in patients:
                    request.cancel.check()
                    pending.append((data, pool.submit(_package, data, *args)))
                    if len(pending) > 4 * workers:
                        head, future = pending.popleft()
                        yield head, future.result()
                while pending:
                    request.cancel.check()
                    head, future = pending.popleft()
                    yield head, future.result()
            finally:
                for _, future in pending:
                    future.cancel()


def _worker_count() -> int:
    """Processes that build patients' packages: one per core, at most four (memory)."""
    return min(os.cpu_count() or 1, 4)


def _index(request: ArchiveRequest, rows: list[str]) -> bytes:
    signer, label = request.signer, EXPORT_TYPES[request.export_type]
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Archive de portabilité</title></head><body>
<h1>Archive de portabilité du dossier médical</h1>
<p>Exportée par {escape(signer.holder)} (RPPS {escape(signer.rpps or "—")}) le
{escape(request.now.astimezone().strftime("%d/%m/%Y à %H:%M"))} : {escape(label)},
{len(rows)} patient(s). Le manifeste MANIFEST.XML est signé (MANIFEST.P7S) ; la
documentation est dans DOCUMENTATION/.</p>
<table border="1"><tr><th>Archive</th><th>Nom de naissance</th><th>Prénoms</th>
<th>Date de naissance</th></tr>{"".join(rows)}</table></body></html>""".encode()
