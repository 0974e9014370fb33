"""What the services need from storage, declared as a Protocol the vault adapter implements."""

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cabinet.domain.audit import AuditEvent, ChainReport, JournalRow
from cabinet.domain.fees import Rate


@dataclass(frozen=True)
class StoredVersion:
    """One stored version of an identity or an entry, with who wrote it and when."""

    id: int
    lineage: int
    version: int
    patient_id: int
    kind: str
    effective_date: str
    payload: dict[str, Any]
    non_communicable: bool
    author: str
    created_at: str
    reason: str


@dataclass(frozen=True)
class PatientRow:
    """One line of a patient search result."""

    patient_id: int
    display_name: str
    birth_date: str
    sex: str
    nir: str


@dataclass(frozen=True)
class NewEntry:
    """What the service asks the store to write for one entry version."""

    patient_id: int
    kind: str
    lineage: int | None
    version: int
    effective_date: str
    payload: dict[str, Any]
    non_communicable: bool
    author: str
    created_at: str
    reason: str
    text: str


@dataclass(frozen=True)
class CopyRequestRow:
    """One line of the copy-request register (RIGHTS-4), as stored."""

    request_id: int
    patient_id: int
    request: dict[str, Any]
    received_on: str
    created_by: str
    created_at: str
    delivered_at: str | None
    delivery: dict[str, Any] | None


@dataclass(frozen=True)
class DraftKey:
    """Which draft: a patient, a kind of entry, and the entry corrected (0 for a new one)."""

    patient_id: int
    kind: str
    lineage: int = 0


@dataclass(frozen=True)
class JournalFilter:
    """Narrow the journal by period, action, access mode, target, or events after an id.

    The period is in ISO timestamps (UTC), from `since` included to `until` excluded.
    """

    since: str = ""
    until: str = ""
    action: str = ""
    mode: str = ""
    target: str = ""
    after_id: int = 0

    def conditions(self) -> list[tuple[str, str, str | int]]:
        """(column, operator, value) triples for the non-empty criteria."""
        found: list[tuple[str, str, str | int]] = []
        if self.since:
            found.append(("at", ">=", self.since))
        if self.until:
            found.append(("at", "<", self.until))
        if self.action:
            found.append(("action", "=", self.action))
        if self.mode:
            found.append(("mode", "=", self.mode))
        if self.target:
            found.append(("target", "=", self.target))
        if self.after_id:
            found.append(("id", ">", self.after_id))
        return found


class RecordStore(Protocol):
    """Transactional storage of patients, entries, files and audit events."""

    def transaction(self) -> AbstractContextManager[None]:
        """A unit of work: everything inside commits together (re-entrant)."""
        ...

    def append_audit(self, event: AuditEvent) -> None:
        """Chain an audit event inside the current transaction."""
        ...

    def audit_events_written(self) -> int:
        """How many audit events this store has appended since it was opened."""
        ...

    def add_patient(self, created_at: str, created_by: str) -> int:
        """Create an empty patient and return its number."""
        ...

    def patient_exists(self, patient_id: int) -> bool:
        """Tell whether the patient exists."""
        ...

    def add_identity_version(self, patient_id: int, data: dict[str, Any], author: str,
                             created_at: str, reason: str) -> int:
        """Store the next identity version; return its version number."""
        ...

    def identity_versions(self, patient_id: int) -> list[StoredVersion]:
        """Every identity version, oldest first."""
        ...

    def reindex_patient(self, row: PatientRow, sort_name: str, tokens: Iterable[str]) -> None:
        """Replace the derived search index of one patient."""
        ...

    def patients_by_tokens(self, prefixes: list[str], limit: int, *,
                           include_archived: bool = False) -> list[PatientRow]:
        """Patients having, for every prefix, a name token starting with it."""
        ...

    def patients_by_birth_date(self, iso_date: str, limit: int, *,
                               include_archived: bool = False) -> list[PatientRow]:
        """Patients born on that day."""
        ...

    def patients_by_nir_prefix(self, prefix: str, limit: int, *,
                               include_archived: bool = False) -> list[PatientRow]:
        """Patients whose NIR starts with `prefix`."""
        ...

    def add_entry(self, entry: NewEntry) -> int:
        """Store one entry version (and index its text); return its id."""
        ...

    def current_entries(self, patient_id: int) -> list[StoredVersion]:
        """The newest version of every entry of a patient, newest date first."""
        ...

    def entry_versions(self, lineage: int) -> list[StoredVersion]:
        """Every version of one entry, oldest first."""
        ...

    def put_blob(self, sha256: str, content: bytes) -> None:
        """Store a file's bytes (once per content)."""
        ...

    def get_blob(self, sha256: str) -> bytes:
        """Read a stored file's bytes."""
        ...

    def full_text(self, match: str, limit: int) -> list[StoredVersion]:
        """Current entries matching an FTS5 expression, newest first, at most `limit`."""
        ...

    def put_draft(self, key: "DraftKey", author_id: str, payload: dict[str, Any],
                  author: str, updated_at: str) -> None:
        """Create or replace one author's draft."""
        ...

    def get_draft(self, key: "DraftKey", author_id: str) -> tuple[dict[str, Any], str] | None:
        """One author's draft and the time it was last saved."""
        ...

    def delete_draft(self, key: "DraftKey", author_id: str) -> bool:
        """Remove one author's draft; tell whether there was one."""
        ...

    def settings(self) -> dict[str, str]:
        """The settings chosen so far."""
        ...

    def put_setting(self, key: str, value: str, author: str, updated_at: str) -> None:
        """Store one setting's value."""
        ...

    def audit_rows(self, patient_id: int | None, limit: int,
                   journal_filter: JournalFilter | None = None) -> list[dict[str, Any]]:
        """Journal events, newest first, optionally for one patient and narrowed further."""
        ...

    def verify_journal(self) -> ChainReport:
        """Check the journal's hash chain."""
        ...

    def journal_rows_after(self, after_id: int, limit: int) -> list[JournalRow]:
        """Stored journal rows after an id, in order (for a check done piece by piece)."""
        ...

    def counts(self) -> dict[str, int]:
        """How many patients, entries by kind, files and audit events the vault holds."""
        ...

    def add_copy_request(self, patient_id: int, request: dict[str, Any], received_on: str,
                         created_by: str, created_at: str) -> int:
        """Register a copy request; return its number."""
        ...

    def copy_requests(self, patient_id: int | None) -> list[CopyRequestRow]:
        """The register, newest first: one patient's requests, or every undelivered one."""
        ...

    def mark_copy_delivered(self, request_id: int, delivered_at: str,
                            delivery: dict[str, Any]) -> None:
        """Record, once, that a request was answered and with what."""
        ...


@dataclass(frozen=True)
class ImportedArchive:
    """A portability archive as imported: its manifest and signature as received (CONT-3)."""

    export_id: str
    manifest: bytes
    signature: bytes
    exporter: str
    exporter_rpps: str
    certificate_sha256: str
    extract_time: str
    imported_at: str
    imported_by: str
    archive_ref: int = 0


@dataclass(frozen=True)
class SuccessorChoice:
    """A patient's answer when the practice closes (CONT-2)."""

    patient_id: int
    choice: str
    physician: str
    decided_on: str
    recorded_at: str
    recorded_by: str


class PortabilityStore(Protocol):
    """Reading a whole practice in order, and writing an import in the store's transactions."""

    def patient_ids(self, after: int, limit: int) -> list[int]:
        """Patient numbers after `after`, in order."""
        ...

    def patients_seen(self, since: str, until: str) -> list[int]:
        """Patients with an entry dated within [since, until]."""
        ...

    def patient_created(self, patient_id: int) -> tuple[str, str]:
        """When and by whom the patient was created."""
        ...

    def all_entries(self, patient_id: int) -> list[StoredVersion]:
        """Every version of every entry of a patient, in writing order."""
        ...

    def add_patient_as(self, created_at: str, created_by: str) -> int:
        """A patient keeping its original creation time and author."""
        ...

    def add_archive(self, archive: ImportedArchive) -> int:
        """Keep an imported archive's manifest and signature; return its reference."""
        ...

    def archives_numbered(self, export_id: str) -> list[ImportedArchive]:
        """The archives imported under this export number, oldest first."""
        ...

    def imported_archives(self) -> list[ImportedArchive]:
        """Every imported archive, oldest first."""
        ...

    def add_provenance(self, archive: int, kind: str,
                       pairs: Iterable[tuple[int, int]]) -> None:
        """Record (local id, source id) pairs of one kind of imported row."""
        ...

    def provenance(self, kind: str, local_id: int) -> tuple[int, int] | None:
        """(archive, source id) of an imported row, None for a row written here."""
        ...

    def add_predecessor_events(self, archive: int, rows: Iterable[JournalRow]) -> None:
        """Keep the predecessor's journal rows, links included, read-only."""
        ...

    def predecessor_events(self, archive: int, after: int, limit: int) -> list[JournalRow]:
        """The predecessor's journal rows after a source id, in order."""
        ...

    def add_choice(self, choice: SuccessorChoice) -> None:
        """Record a patient's choice of successor."""
        ...

    def latest_choices(self) -> dict[int, SuccessorChoice]:
        """Each patient's latest choice."""
        ...

    def find_duplicates(self, nir: str, birth_date: str) -> list[tuple[int, dict[str, Any]]]:
        """Patients here with this NIR or born that day, with their current identity."""
        ...


@dataclass(frozen=True)
class SnapshotInfo:
    """One backup on a medium: when, whether its restore passed the checks, what it holds."""

    snapshot_id: str
    taken_at: str
    verified: bool
    facts: dict[str, Any]


class BackupReading(Protocol):
    """One vault's backups on a medium, opened with its data key (the backup adapter)."""

    def snapshots(self) -> list[SnapshotInfo]:
        """Every snapshot of this practice on the medium, oldest first."""
        ...

    def verify(self, snapshot_id: str) -> SnapshotInfo:
        """Restore into a scratch folder, check, and mark the snapshot good."""
        ...

    def forget(self, snapshot_ids: Iterable[str]) -> None:
        """Remove snapshots and the chunks no other snapshot needs."""
        ...

    def restore(self, snapshot_id: str, target: Path, journal: "RestoreNote") -> SnapshotInfo:
        """Restore into the new folder `target`, the restore journaled in it."""
        ...


@dataclass(frozen=True)
class RestoreNote:
    """How the restore is journaled in the restored vault."""

    at: str
    mode: str
    workstation: str
    detail: str


class BackupWriting(BackupReading, Protocol):
    """Backups of the open vault."""

    def create(self, taken_at: str) -> str:
        """Write a new snapshot, not yet verified; its id."""
        ...


@dataclass(frozen=True)
class NewFee:
    """What the service asks the store to write for an encounter's fee."""

    patient_id: int
    encounter: int
    act_date: str
    zone: str
    acts: list[dict[str, Any]]
    total_cents: int
    third_party_cents: int
    insurer: str
    recorded_at: str
    recorded_by: str


@dataclass(frozen=True)
class FeeRow(NewFee):
    """One encounter's fee as stored, with what was received for it so far."""

    fee_id: int
    cancelled: bool
    patient_paid_cents: int
    insurer_paid_cents: int


@dataclass(frozen=True)
class ReceiptRow:
    """One line of the livre-journal des recettes (`receipt_id` 0 until stored)."""

    receipt_id: int
    day: str
    fee_id: int
    payer_kind: str  # "patient" or "insurer"
    payer: str
    method: str
    cheque_number: str
    cents: int
    cancels: int | None
    recorded_at: str
    recorded_by: str


class FeeStore(Protocol):
    """Append-only storage of the physician's rates, the fees and the receipts ledger."""

    def add_rate(self, rate: Rate, added_at: str, added_by: str) -> None:
        """Append one dated rate line."""
        ...

    def added_rates(self) -> list[Rate]:
        """The physician's lines, oldest first."""
        ...

    def add_fee(self, fee: NewFee) -> int:
        """Store an encounter's fee; return its number."""
        ...

    def cancel_fee(self, fee_id: int, reason: str, recorded_at: str, recorded_by: str) -> None:
        """Record, once, that a fee is cancelled."""
        ...

    def fees(self, *, encounter: int | None = None, fee_id: int | None = None) -> list[FeeRow]:
        """The fees of one encounter, or one fee, oldest first."""
        ...

    def add_receipt(self, receipt: ReceiptRow) -> int:
        """Append one ledger line; return its number."""
        ...

    def receipts(self, since: str, until: str, method: str = "", *,
                 standing: bool = False) -> list[ReceiptRow]:
        """Ledger lines dated within [since, until] (of one method if given), in order.

        `standing`: only the lines neither cancelled nor cancelling.
        """
        ...

    def fee_receipts(self, fee_id: int) -> list[ReceiptRow]:
        """Every ledger line of one fee, in order."""
        ...

    def totals(self, since: str, until: str, period_length: int) -> list[tuple[str, str, int]]:
        """(period, method, cents) summed over [since, until].

        The period is the day's first `period_length` characters (10 a day, 7 a month, 4 a
        year).
        """
        ...

    def insurer_expected(self) -> list[FeeRow]:
        """Fees not cancelled whose insurer's part has not fully arrived, oldest first."""
        ...
