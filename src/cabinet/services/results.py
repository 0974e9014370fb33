"""Laboratory results that arrive as files: received, filed in the right record, or set aside.

Each file is received in one transaction: its bytes kept in the vault, its description, and,
when exactly one record matches without doubt (`domain.lab_results.choose_record`), its
document entry and structured values, with their journal events. Otherwise it waits in the
« À classer » list until the physician attaches it to a record or rejects it; so does the
result of a patient who objected to the remplaçant, when the remplaçant's session collects.
A refused file (`HprimError`) writes nothing at all. The reception folder loses a file only
after the transaction that received it committed (`import_arrivals`).
"""

import dataclasses
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from cabinet.domain.audit import Action
from cabinet.domain.fields import MAX_SHORT_TEXT
from cabinet.domain.hprim import HprimError, HprimHeader, HprimReport, parse
from cabinet.domain.identity import identity_from_dict
from cabinet.domain.lab_results import NO_IDENTITY, Candidate, DatedValue, Match, choose_record
from cabinet.errors import InvalidInput, KnownError
from cabinet.exchange import reception
from cabinet.exchange.reception import Arrival
from cabinet.services.auditing import AuditTrail, audited
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import RecordStore
from cabinet.services.records import RecordService, ReplacementObjection
from cabinet.services.results_ports import Decision, ReceivedFile, ResultStore

_CANDIDATES = 200
OBJECTED = ("Le patient s'est opposé à l'accès du médecin remplaçant à son dossier : au "
            "médecin titulaire de le classer.")


class Received(StrEnum):
    """What became of one file."""

    FILED = "filed"
    PENDING = "pending"
    DUPLICATE = "duplicate"


class RefusedFile(KnownError):
    """A malformed file: nothing of it was written."""


class NotPending(KnownError):
    """The file was already filed or rejected."""

    def __init__(self) -> None:
        super().__init__("Ce fichier a déjà été classé ou rejeté.")


@dataclass(frozen=True)
class PendingFile:
    """A file of the « À classer » list, with what the laboratory says of the patient."""

    file: ReceivedFile
    header: HprimHeader | None
    text: str


@dataclass
class ImportSummary:
    """What one pass over the reception folder did, told to the physician in French."""

    filed: int = 0
    pending: int = 0
    duplicates: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)

    def add(self, outcome: Received) -> None:
        """Count one file received."""
        if outcome is Received.FILED:
            self.filed += 1
        elif outcome is Received.PENDING:
            self.pending += 1
        else:
            self.duplicates += 1

    def text(self) -> str:
        """One line for the status bar (no patient data: counts and file names only)."""
        parts = [f"{self.filed} classé(s) dans les dossiers", f"{self.pending} à classer"]
        if self.duplicates:
            parts.append(f"{self.duplicates} déjà reçu(s)")
        if self.refused:
            parts.append(f"{len(self.refused)} refusé(s) (sous-dossier « "
                         f"{reception.REFUSED_FOLDER} »)")
        return "Résultats reçus : " + ", ".join(parts) + "."


class ResultService:
    """Receive laboratories' files, file them, and read a patient's results; all journaled."""

    def __init__(self, store: RecordStore, results: ResultStore, trail: AuditTrail,
                 records: RecordService) -> None:
        self._store = store
        self._results = results
        self._trail = trail
        self._records = records

    def _candidates(self, header: HprimHeader) -> list[Candidate]:
        rows = self._store.patients_by_birth_date(header.birth_date.isoformat(), _CANDIDATES)
        if header.nir:
            rows += self._store.patients_by_nir_prefix(header.nir[:13], _CANDIDATES)
        ids = sorted({r.patient_id for r in rows})
        return [Candidate(i, identity_from_dict(self._store.identity_versions(i)[-1].payload))
                for i in ids]

    @audited
    def receive(self, filename: str, content: bytes) -> Received:
        """Keep one file and file it when its record is certain; `RefusedFile` writes nothing."""
        digest = hashlib.sha256(content).hexdigest()
        if self._results.received(digest):
            self._trail.record(Action.ADMIN, target="results to file",
                               detail="fichier de résultats déjà reçu : ignoré")
            return Received.DUPLICATE
        report = None if reception.is_pdf(content) else _parsed(content)
        match = (Match(None, NO_IDENTITY) if report is None
                 else choose_record(report.header, self._candidates(report.header)))
        self._store.put_blob(digest, content)
        received = ReceivedFile(0, digest, filename, "pdf" if report is None else "hprim",
                                match.reason, self._trail.now())
        if match.patient_id is not None:
            try:
                with self._store.transaction():  # a savepoint: undone whole on an objection
                    self._file(self._keep(received), match.patient_id, content, report,
                               how="automatique")
                return Received.FILED
            except ReplacementObjection:
                received = dataclasses.replace(received, reason=OBJECTED)
        self._keep(received)
        return Received.PENDING

    def _keep(self, received: ReceivedFile) -> ReceivedFile:
        file_id = self._results.add_file(received, self._trail.actor.name)
        self._trail.record(Action.CREATE, target=f"result file:{file_id}",
                           detail=f"fichier de résultats reçu : {received.reason}")
        return dataclasses.replace(received, file_id=file_id)

    def _file(self, received: ReceivedFile, patient_id: int, content: bytes,
              report: HprimReport | None, *, how: str) -> None:
        file_id, filename = received.file_id, received.filename
        day = report.header.sampled_on if report else self._trail.clock.now().date()
        title = ("Résultats de biologie" if report else "Compte rendu de laboratoire")
        document = self._records.add_document(patient_id, {
            "doc_type": "result", "title": f"{title} du {day:%d/%m/%Y}",
            "origin": report.header.prescriber[:MAX_SHORT_TEXT] if report else "",
            "date": day.isoformat(),
            "filename": filename[-255:],
            "media_type": "text/plain" if report else "application/pdf"}, content)
        self._results.decide(Decision(file_id, patient_id, document, how, self._trail.now(),
                                      self._trail.actor.name))
        values = [DatedValue(day, v) for v in report.values] if report else []
        self._results.add_values(patient_id, file_id, values)
        self._trail.record(Action.CREATE, patient_id=patient_id, target=f"result file:{file_id}",
                           detail=f"classé ({how}) : {len(values)} résultat(s), "
                                  f"document n° {document}")

    def _pending(self, file_id: int) -> ReceivedFile:
        found = [f for f in self._results.pending() if f.file_id == file_id]
        if not found:
            raise NotPending
        return found[0]

    @audited
    def pending(self) -> list[PendingFile]:
        """The « À classer » list, oldest first, with each file's identity and text."""
        listed = []
        for received in self._results.pending():
            report = (None if received.format == "pdf"
                      else parse(self._store.get_blob(received.sha256)))
            listed.append(PendingFile(received, report.header if report else None,
                                      report.text if report else ""))
        self._trail.record(Action.READ, target="results to file",
                           detail=f"{len(listed)} fichier(s)")
        return listed

    @audited
    def pending_content(self, file_id: int) -> bytes:
        """A pending file's bytes, for the physician to read before choosing its record."""
        received = self._pending(file_id)
        self._trail.record(Action.READ, target=f"result file:{file_id}",
                           detail="document content")
        return self._store.get_blob(received.sha256)

    @audited
    def attach(self, file_id: int, patient_id: int) -> None:
        """The physician files a pending file in the record chosen."""
        received = self._pending(file_id)
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        content = self._store.get_blob(received.sha256)
        report = None if received.format == "pdf" else parse(content)
        self._file(received, patient_id, content, report, how="manuel")

    @audited
    def reject(self, file_id: int, reason: str) -> None:
        """The physician rejects a pending file (not for this practice); it stays kept."""
        if not reason.strip():
            raise InvalidInput("Indiquez pourquoi ce fichier est rejeté.")
        self._pending(file_id)
        self._results.decide(Decision(file_id, None, None, f"rejeté : {reason.strip()[:200]}",
                                      self._trail.now(), self._trail.actor.name))
        self._trail.record(Action.ADMIN, target=f"result file:{file_id}",
                           detail=f"rejeté : {reason.strip()[:200]}")

    @audited
    def values(self, patient_id: int) -> list[DatedValue]:
        """A patient's structured results, oldest first."""
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        found = self._results.values(patient_id)
        self._trail.record(Action.READ, patient_id=patient_id, target="results",
                           detail=f"{len(found)} valeur(s)")
        return found


def _parsed(content: bytes) -> HprimReport:
    try:
        return parse(content)
    except HprimError as error:
        raise RefusedFile(str(error)) from None


def import_arrival(results: ResultService, arrival: Arrival, summary: ImportSummary) -> None:
    """Receive one file, then take it out of the folder; a refused one goes to « refusés »."""
    try:
        outcome = results.receive(arrival.name, arrival.content)
    except RefusedFile as refusal:
        reception.refuse(arrival, refusal.message)
        summary.refused.append((arrival.name, refusal.message))
        return
    reception.remove(arrival)  # only now: the vault has committed it
    summary.add(outcome)


def import_arrivals(results: ResultService, arrivals: list[Arrival]) -> ImportSummary:
    """Receive every file read from the reception folder."""
    summary = ImportSummary()
    for arrival in arrivals:
        import_arrival(results, arrival, summary)
    return summary
