"""What the results service needs from storage, declared as a Protocol the vault implements."""

from dataclasses import dataclass
from typing import Protocol

from cabinet.domain.lab_results import DatedValue


@dataclass(frozen=True)
class ReceivedFile:
    """A laboratory's file kept in the vault; `patient_id` set once filed."""

    file_id: int
    sha256: str
    filename: str
    format: str
    reason: str
    received_at: str


@dataclass(frozen=True)
class Decision:
    """The one decision on a file: filed in a record with its document entry, or rejected."""

    file_id: int
    patient_id: int | None
    document: int | None
    how: str
    decided_at: str
    decided_by: str


class ResultStore(Protocol):
    """Received files, their filing and their values, inside the record store's transactions."""

    def received(self, sha256: str) -> bool:
        """Whether a file with these bytes was already received."""
        ...

    def add_file(self, received: ReceivedFile, received_by: str) -> int:
        """Keep a received file's description (its bytes go to the blobs); return its id."""
        ...

    def decide(self, decision: Decision) -> None:
        """Record the decision on a file, once."""
        ...

    def pending(self) -> list[ReceivedFile]:
        """Files not yet filed nor rejected, oldest first."""
        ...

    def add_values(self, patient_id: int, file_id: int, values: list[DatedValue]) -> None:
        """Store a filed file's structured values."""
        ...

    def values(self, patient_id: int) -> list[DatedValue]:
        """A patient's results, oldest first."""
        ...
