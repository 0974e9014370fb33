"""What the portability services need from the archive format, implemented by `cabinet.archive`.

The services choose the patients, read them, and journal; the format adapter lays out,
encrypts, signs and checks the archive. The bootstrap hands the writer to the exporter, the
UI and the command line hand an opened archive to the importer.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Protocol

from cabinet.domain.agenda import Appointment
from cabinet.domain.audit import ChainReport, JournalRow
from cabinet.exchange.staging import CancelToken
from cabinet.services.ports import StoredVersion

if TYPE_CHECKING:
    from asn1crypto import x509

    from cabinet.documents.layout import Letterhead
    from cabinet.documents.signing import DocumentSigner

Progress = Callable[[int, int], None]
JournalPages = Callable[[], Iterable[list[JournalRow]]]


@dataclass(frozen=True)
class PatientData:
    """Everything stored about one patient, read from the vault."""

    archive: str
    source_patient_id: int
    created_at: str
    created_by: str
    identity_versions: Sequence[StoredVersion]
    entries: Sequence[StoredVersion]
    blobs: Mapping[str, bytes]


class ArchiveRecipient(Protocol):
    """Who can open the archive, as the journal names them."""

    def description(self) -> str:
        """« certificat … » or « phrase secrète », for the export's journal line."""
        ...


@dataclass(frozen=True)
class ArchiveRequest:
    """One archive to write: its identity, selection, recipient, signer and letterhead."""

    export_id: str
    now: dt.datetime
    export_type: str
    comments: str
    period: tuple[str, str] | None
    recipient: ArchiveRecipient
    signer: "DocumentSigner"
    letterhead: "Letterhead"
    cancel: CancelToken


@dataclass(frozen=True)
class WrittenArchive:
    """The encrypted bytes written: how many, and their SHA-256."""

    size: int
    sha256: str


class ArchiveWriter(Protocol):
    """Lays out, signs and encrypts a portability archive into a stream."""

    def write(self, handle: IO[bytes], request: ArchiveRequest, patients: Iterator[PatientData],
              *, count: int, journal: JournalPages | None,
              progress: Progress | None,
              agenda: Sequence[Appointment] | None = None) -> WrittenArchive:
        """Write the whole archive; `journal` is None when it holds no access traces."""
        ...


class ArchiveEntryView(Protocol):
    """One sub-archive as the manifest lists it."""

    @property
    def name(self) -> str:
        """The sub-archive's name in the archive."""

    @property
    def kind(self) -> str:
        """Patient, Transverse, Documentation or Index."""


class ManifestView(Protocol):
    """What the import reads of a checked manifest."""

    @property
    def export_id(self) -> str:
        """The export's identifier, imported once."""

    @property
    def extract_time(self) -> str:
        """When the predecessor exported (ISO 8601)."""

    @property
    def export_type(self) -> str:
        """UNITAIRE, CIBLE or MASSIF."""

    @property
    def status(self) -> str:
        """COMPLETE, PARTIAL or SAMPLE."""

    @property
    def archives(self) -> Sequence[ArchiveEntryView]:
        """Every sub-archive, in order."""


class SignerView(Protocol):
    """Who signed the manifest, and whether the practice's anchors vouch for them."""

    @property
    def name(self) -> str:
        """The signer's name, from the certificate."""

    @property
    def rpps(self) -> str:
        """The signer's RPPS number, if the certificate holds one."""

    @property
    def certificate_sha256(self) -> str:
        """The fingerprint to check with the predecessor."""

    @property
    def trusted(self) -> bool:
        """Whether the certificate chains to a trust anchor of the practice."""

    @property
    def demo(self) -> bool:
        """Whether it is a demo vault's certificate (never imported into a real vault)."""


class CheckedView(Protocol):
    """The result of checking a whole archive; `unusual` collects what the physician sees."""

    @property
    def manifest(self) -> ManifestView:
        """The manifest as checked."""

    @property
    def manifest_xml(self) -> bytes:
        """The manifest as received, kept with the import (CONT-3)."""

    @property
    def signature(self) -> bytes:
        """The manifest's signature as received."""

    @property
    def signer(self) -> SignerView:
        """Who signed the manifest."""

    @property
    def patients(self) -> int:
        """How many patients the archive holds."""

    @property
    def entries(self) -> int:
        """How many entry versions."""

    @property
    def documents(self) -> int:
        """How many documents."""

    @property
    def size(self) -> int:
        """The archive's size in bytes."""

    @property
    def journal(self) -> ChainReport | None:
        """The predecessor's journal chain, if the archive holds it."""

    @property
    def unusual(self) -> list[str]:
        """What looks unusual, in French, for the physician."""


class PatientView(Protocol):
    """One patient's checked record and files."""

    @property
    def archive(self) -> str:
        """The patient's sub-archive name (PATnnnnn)."""

    @property
    def record(self) -> dict[str, Any]:
        """The checked record, every version."""

    @property
    def blobs(self) -> dict[str, bytes]:
        """The patient's files by SHA-256."""


class ArchiveSource(Protocol):
    """An opened archive: checked whole first, then read patient by patient."""

    def check(self, progress: Progress | None = None,
              on_patient: Callable[[Any], None] | None = None,
              anchors: Sequence["x509.Certificate"] = ()) -> CheckedView:
        """Check everything, calling `on_patient` with each checked patient."""
        ...

    def patient(self, entry: Any) -> PatientView:
        """One patient's checked content, for the import pass."""
        ...

    def journal_pages(self, entry: Any) -> Iterator[list[JournalRow]]:
        """The predecessor's journal rows, a page at a time."""
        ...

    def agenda(self, entry: Any) -> bytes | None:
        """The agenda of the transverse part (iCalendar), checked; None when it has none."""
        ...
