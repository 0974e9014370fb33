"""What the rights services need from storage (RIGHTS-1, RIGHTS-3, GDPR-1), as Protocols."""

from typing import Protocol

from cabinet.domain.breach import BreachRow
from cabinet.domain.compliance import InformationGiven
from cabinet.domain.erasure import ErasureOrder, ErasureRow


class ErasureStore(Protocol):
    """Erasures, run inside the record store's transaction (see `vault.erasure_store`)."""

    def erase_entry(self, order: ErasureOrder) -> int:
        """Destroy every version of one entry; return the erasure's number."""
        ...

    def erase_record(self, order: ErasureOrder) -> int:
        """Destroy a record's whole medical content (index not merged); the erasure's number."""
        ...

    def merge_full_text(self) -> None:
        """Rewrite the full-text index so no old segment keeps a destroyed row's words."""
        ...

    def scrub(self) -> bool:
        """After the commit, empty the write-ahead log; False if a reader held it."""
        ...

    def erasures(self, patient_id: int) -> list[ErasureRow]:
        """A record's erasures, oldest first."""
        ...


class ComplianceStore(Protocol):
    """Patients' information and the breach register (see `vault.compliance_store`)."""

    def add_information(self, given: InformationGiven) -> None:
        """Record that a patient was informed, when and how."""
        ...

    def information(self, patient_id: int) -> list[InformationGiven]:
        """A patient's information, oldest first."""
        ...

    def add_breach(self, corrects: int | None, line: dict[str, str], recorded_at: str,
                   recorded_by: str) -> int:
        """Write a register line; return its number."""
        ...

    def breaches(self) -> list[BreachRow]:
        """Every line ever written, oldest first."""
        ...
