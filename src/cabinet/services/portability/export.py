"""Export a practice, a selection or one patient as a signed, encrypted portability archive.

The use case: which patients, read from the vault one after another, and the journal. The
archive's layout, signature and encryption are the format adapter's (`ArchiveWriter`). The
archive is written into a hidden file beside the destination and takes its final name only
when whole; a cancelled or failed export leaves nothing behind and journals nothing.
"""

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cabinet.domain.agenda import Appointment
from cabinet.domain.audit import Action, JournalRow
from cabinet.domain.portability import EXPORT_TYPES
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput
from cabinet.exchange.staging import WrittenFile, staged_stream
from cabinet.services.auditing import audited, not_audited
from cabinet.services.issuing import Output, Practice, PracticeService
from cabinet.services.portability.ports import (
    ArchiveRecipient,
    ArchiveRequest,
    ArchiveWriter,
    PatientData,
    Progress,
)

SUFFIX = ".cabarch"


@dataclass(frozen=True)
class Selection:
    """Which patients: all (MASSIF), some (CIBLE: chosen or seen in a period), one (UNITAIRE)."""

    export_type: str
    patient_ids: tuple[int, ...] = ()
    period: tuple[str, str] | None = None
    comments: str = ""

    def label(self) -> str:
        """The type in French, for the journal and the index."""
        return EXPORT_TYPES[self.export_type]


@dataclass(frozen=True)
class ArchiveResult:
    """The archive written: where, its identity, and what it holds."""

    path: str
    export_id: str
    patients: int
    size: int
    sha256: str


class ArchiveExporter(PracticeService):
    """Writes portability archives (CONT-2, CONT-4); every export is journaled per patient."""

    def __init__(self, practice: Practice, writer: ArchiveWriter,
                 agenda: Callable[[], list[Appointment]] | None = None) -> None:
        super().__init__(practice)
        self._writer = writer
        self._agenda = agenda  # the whole agenda, carried by a MASSIF export

    @not_audited("patient numbers only; the export journals each patient it writes")
    def patients(self, selection: Selection) -> list[int]:
        """The patient numbers the selection covers, in order."""
        if selection.export_type == "MASSIF":
            found: list[int] = []
            while page := self._portability.patient_ids(found[-1] if found else 0, 5000):
                found += page
            return found
        if selection.period is not None:
            if selection.patient_ids:
                raise InvalidInput("Choisissez des patients ou une période, pas les deux.")
            return self._portability.patients_seen(*selection.period)
        for patient_id in selection.patient_ids:
            if not self._store.patient_exists(patient_id):
                raise InvalidInput(f"Le patient n° {patient_id} n'existe pas dans le coffre.")
        return sorted(set(selection.patient_ids))

    @not_audited("journaled by `_record_export` in one transaction once the file is whole: a "
                 "long export holds no transaction, a cancelled one journals nothing")
    def export(self, selection: Selection, recipient: ArchiveRecipient, out: Output,
               progress: Progress | None = None) -> ArchiveResult:
        """Write the archive into `out.destination`; raise `KnownError` in French."""
        self._issuer.require_prescriber()
        patient_ids = self.patients(selection)
        if not patient_ids or (selection.export_type == "UNITAIRE" and len(patient_ids) != 1):
            raise InvalidInput("La sélection ne contient aucun patient à exporter."
                               if not patient_ids else
                               "Un export unitaire concerne un seul patient.")
        request = ArchiveRequest(str(uuid.uuid4()), self._trail.clock.now(),
                                 selection.export_type, selection.comments, selection.period,
                                 recipient, out.signer, self._issuer.letterhead(), out.cancel)
        name = f"portabilite-{self._issuer.stamp()}-{request.export_id[:8]}{SUFFIX}"
        datas = (self._read(selection, patient_id, f"PAT{n:05d}")
                 for n, patient_id in enumerate(patient_ids, start=1))
        journal = None if selection.export_type == "UNITAIRE" else self._journal_pages
        agenda = self._agenda() if selection.export_type == "MASSIF" and self._agenda else None
        with staged_stream(out.destination, name, out.cancel) as handle:
            written = self._writer.write(handle, request, datas, count=len(patient_ids),
                                         journal=journal, progress=progress, agenda=agenda)
        result = ArchiveResult(str(out.destination / name), request.export_id,
                               len(patient_ids), written.size, written.sha256)
        try:  # journaled once whole and named; a cancel or failure now removes the file
            out.cancel.check()
            self._record_export(selection, patient_ids, recipient, result)
        except BaseException:
            Path(result.path).unlink(missing_ok=True)
            raise
        return result

    def _journal_pages(self) -> Iterator[list[JournalRow]]:
        after = 0
        while page := self._store.journal_rows_after(after, 5000):
            yield page
            after = page[-1][0]

    def _read(self, selection: Selection, patient_id: int,
              archive: str) -> PatientData:
        entries = self._portability.all_entries(patient_id)
        if selection.export_type == "UNITAIRE":  # PDLGC: no personal notes in a unit export
            entries = [e for e in entries if e.kind != EntryKind.PRIVATE_NOTE.value]
        blobs = {e.payload["sha256"]: self._store.get_blob(e.payload["sha256"])
                 for e in entries if e.kind == EntryKind.DOCUMENT.value}
        created_at, created_by = self._portability.patient_created(patient_id)
        return PatientData(
            archive, patient_id, created_at, created_by,
            self._store.identity_versions(patient_id), entries, blobs)

    @audited
    def _record_export(self, selection: Selection, patient_ids: Sequence[int],
                       recipient: ArchiveRecipient, result: ArchiveResult) -> None:
        for patient_id in patient_ids:
            self._trail.record(Action.EXPORT, patient_id=patient_id, target="portability",
                               detail=result.export_id)
        self._issuer.journal_export(
            f"portabilité ({selection.label()}, {len(patient_ids)} patients)", None,
            recipient.description(),
            [WrittenFile(Path(result.path).name, result.sha256, result.size)],
            target="portability")
