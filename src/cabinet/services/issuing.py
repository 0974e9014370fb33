"""What every export shares: the letterhead, signing, file naming and the export's journal line.

Every export is journaled (action `export`) with its purpose, its recipient, the list of
files with their SHA-256 and one hash over that list, so the journal can later prove what
left the cabinet. File names never carry the patient's name: they are read by whoever
handles the medium.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cabinet.domain.audit import Action
from cabinet.domain.identity import Identity, identity_from_dict
from cabinet.domain.settings import (
    ADDRESS,
    PHONE,
    PHYSICIAN_NAME,
    PHYSICIAN_SEX,
    RPPS,
    SPECIALTY,
    TSA_URL,
)
from cabinet.errors import InvalidInput
from cabinet.exchange.staging import CancelToken, WrittenFile
from cabinet.services.auditing import AuditTrail
from cabinet.services.ports import PortabilityStore, RecordStore
from cabinet.services.retention_ports import RetentionStore
from cabinet.services.settings import SettingsService

if TYPE_CHECKING:
    from cabinet.documents.layout import Document, Letterhead
    from cabinet.documents.signing import DocumentSigner
    from cabinet.services.journal import JournalService
    from cabinet.services.records import RecordService


@dataclass(frozen=True)
class Output:
    """How and where an export is produced: who signs, which folder, what can cancel it."""

    signer: "DocumentSigner"
    destination: Path
    cancel: CancelToken


@dataclass(frozen=True)
class ExportResult:
    """Where an export was written and what it holds."""

    path: str
    files: tuple[WrittenFile, ...]


def inventory(files: Sequence[WrittenFile]) -> bytes:
    """Lines `sha256  name`, the format `sha256sum -c INVENTAIRE.txt` checks."""
    return "".join(f"{f.sha256}  {f.name}\n" for f in files).encode()


class Issuer:
    """Signs documents and journals exports on behalf of the export services."""

    def __init__(self, store: RecordStore, trail: AuditTrail, settings: SettingsService) -> None:
        self._store = store
        self._trail = trail
        self._settings = settings

    def letterhead(self) -> "Letterhead":
        """The practice's identity as the settings hold it."""
        from cabinet.documents.layout import Letterhead  # reportlab loads slowly

        value = self._settings.value
        return Letterhead(value(PHYSICIAN_NAME), value(SPECIALTY), value(RPPS), value(ADDRESS),
                          value(PHONE), value(PHYSICIAN_SEX))

    def require_prescriber(self) -> None:
        """Refuse, in French, to sign anything until the settings name the prescriber."""
        if (missing := self._settings.prescriber_missing()) is not None:
            raise InvalidInput(missing)

    def identity(self, patient_id: int) -> Identity:
        """The current identity of a patient (the caller journals its own reading)."""
        return identity_from_dict(self._store.identity_versions(patient_id)[-1].payload)

    def today(self) -> dt.date:
        """Today on the workstation's clock, in its time zone."""
        return self._trail.clock.now().astimezone().date()

    def stamp(self) -> str:
        """A compact local timestamp for file and folder names."""
        return self._trail.clock.now().astimezone().strftime("%Y%m%d-%H%M%S")

    def sign(self, document: "Document", signer: "DocumentSigner") -> bytes:
        """The signed PDF/A of `document`, time-stamped when an authority is configured."""
        from cabinet.documents.issue import issue  # pyHanko takes most of a second to import

        self.require_prescriber()
        return issue(document, signer, self._trail.clock.now(),
                     tsa_url=self._settings.value(TSA_URL))

    def preview(self, document: "Document") -> bytes:
        """The unsigned PDF/A of `document` as `sign` will lay it out, for the physician to read."""
        from cabinet.documents.issue import preview

        self.require_prescriber()
        return preview(document, tsa_url=self._settings.value(TSA_URL))

    def journal_export(self, purpose: str, patient_id: int | None, recipient: str,
                       files: Sequence[WrittenFile], target: str = "export") -> None:
        """One `export` event: purpose, recipient, contents and one hash over them."""
        listing = [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in files]
        detail = {"purpose": purpose, "recipient": recipient, "files": listing,
                  "sha256": hashlib.sha256(inventory(files)).hexdigest()}
        self._trail.record(Action.EXPORT, patient_id=patient_id, target=target,
                           detail=json.dumps(detail, ensure_ascii=False))


@dataclass(frozen=True)
class Practice:
    """What the services over the practice are built on, wired once by the bootstrap."""

    store: RecordStore
    portability: PortabilityStore
    trail: AuditTrail
    issuer: Issuer
    records: "RecordService"
    journal: "JournalService"
    retention: RetentionStore


class PracticeService:
    """The one base of the services that issue, export, import or close the practice."""

    def __init__(self, practice: Practice) -> None:
        self._store = practice.store
        self._portability = practice.portability
        self._trail = practice.trail
        self._issuer = practice.issuer
        self._records = practice.records
        self._journal = practice.journal
        self._retention = practice.retention
