"""What the retention service needs from storage, apart from the record store."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RecordDates:
    """One record's dates as stored (ISO): no medical content."""

    patient_id: int
    birth_date: str
    reference: str  # last encounter, else the record's creation
    death_date: str
    held: bool
    archived: bool


@dataclass(frozen=True)
class Hold:
    """One row of a record's legal-hold history."""

    patient_id: int
    placed: bool
    reason: str
    since: str
    recorded_at: str
    recorded_by: str


@dataclass(frozen=True)
class DestructionRow:
    """A confirmed destruction: what it covered (JSON lines) and its signed certificate."""

    destruction_id: int
    records: str
    certificate: bytes
    certificate_sha256: str
    destroyed_at: str
    destroyed_by: str


class RetentionStore(Protocol):
    """Archive state, holds, passes and destructions, on the record store's connection."""

    def record_dates(self, patient_ids: Iterable[int] | None = None, *,
                     archived_only: bool = False) -> list[RecordDates]:
        """The dates of every record not destroyed (or of the records named, or archived)."""
        ...

    def archive(self, patient_ids: Iterable[int], day: str) -> None:
        """Put records in the intermediate archive."""
        ...

    def archived_on(self, patient_id: int) -> str | None:
        """The day the record was archived, None when it is active."""
        ...

    def reopen(self, patient_id: int) -> None:
        """Take a record out of the archive."""
        ...

    def add_hold(self, hold: Hold) -> None:
        """Append a hold placed or lifted."""
        ...

    def holds(self, patient_id: int) -> list[Hold]:
        """A record's hold history, oldest first."""
        ...

    def current_holds(self) -> list[Hold]:
        """The holds in force, one per record, by record."""
        ...

    def last_pass_day(self) -> str:
        """The last day the pass ran ('' if never)."""
        ...

    def add_pass(self, day: str, archived: int, proposed: int, ran_at: str) -> None:
        """Record one pass."""
        ...

    def add_destruction(self, row: DestructionRow, patient_ids: Iterable[int]) -> int:
        """Keep a destruction and its certificate; mark its records destroyed."""
        ...

    def destructions(self) -> list[DestructionRow]:
        """Every destruction, newest first."""
        ...

    def destroyed(self, patient_id: int) -> bool:
        """Whether the record's content was destroyed."""
        ...
