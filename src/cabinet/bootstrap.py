"""The one place where objects are wired: an unlocked vault becomes an application context.

The UI and the command line receive an `AppContext` and never build services themselves.
"""

import contextlib
import datetime as dt
import functools
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cabinet.domain.audit import AccessMode, Action
from cabinet.domain.clock import Clock, SystemClock
from cabinet.errors import KnownError
from cabinet.keys.installation_secret import KeyringSecretStore, SecretStore
from cabinet.vault.header import read_header
from cabinet.vault.layout import VaultLayout

if TYPE_CHECKING:  # loaded at unlock: the lock screen paints without them (cold start)
    from cryptography import x509
    from keyring.backend import KeyringBackend

    from cabinet.archive.container import Decrypter
    from cabinet.backup.deferred import PendingBackup
    from cabinet.card.session import CardSession, PinHandler
    from cabinet.card.token import PinState
    from cabinet.documents.layout import Letterhead
    from cabinet.documents.signing import DocumentSigner
    from cabinet.domain.drugs import DrugRelease
    from cabinet.drugs.base import DrugBase
    from cabinet.keys.header import KeyHeader
    from cabinet.services.agenda import AgendaService
    from cabinet.services.auditing import AuditTrail
    from cabinet.services.backup import BackupService
    from cabinet.services.compliance import ComplianceService
    from cabinet.services.copies import CopyService
    from cabinet.services.correspondents import CorrespondentService
    from cabinet.services.drafts import DraftService
    from cabinet.services.erasure import ErasureService
    from cabinet.services.exports import ExportService
    from cabinet.services.fees import FeeService
    from cabinet.services.information import InformationService
    from cabinet.services.issuing import Issuer, Practice
    from cabinet.services.journal import JournalService
    from cabinet.services.patients import PatientService
    from cabinet.services.portability.cessation import CessationService
    from cabinet.services.portability.export import ArchiveExporter
    from cabinet.services.portability.importer import ArchiveImporter
    from cabinet.services.ports import SnapshotInfo
    from cabinet.services.printing import PrintService
    from cabinet.services.records import RecordService
    from cabinet.services.results import ResultService
    from cabinet.services.retention import PassReport, RetentionService
    from cabinet.services.settings import SettingsService
    from cabinet.services.templates import TemplateService
    from cabinet.vault.database import Connection
    from cabinet.vault.portability_store import SqlPortabilityStore
    from cabinet.vault.session import ConfirmOutside, OpenVault
    from cabinet.vault.writing_store import SqlWritingStore

# What an unlock runs: loaded by `load_unlock_code` once the lock screen is up.
UNLOCK_MODULES = ("cabinet.vault.session", "cabinet.card.session", "cabinet.keys.card",
                  "cabinet.services.auditing", "cabinet.services.drafts",
                  "cabinet.services.issuing", "cabinet.services.journal",
                  "cabinet.services.patients", "cabinet.services.records",
                  "cabinet.services.settings", "cabinet.services.archive_gate",
                  "cabinet.vault.retention_store")


@dataclass
class AppContext:
    """Everything the UI or a command needs once the vault is open."""

    vault: "OpenVault"
    clock: Clock
    patients: "PatientService"
    records: "RecordService"
    journal: "JournalService"
    drafts: "DraftService"
    settings: "SettingsService"
    trail: "AuditTrail"
    development_card: bool = False

    @functools.cached_property
    def exports(self) -> "ExportService":
        """Signed documents and exports (built on first use: PDF libraries load slowly)."""
        from cabinet.services import exports

        return exports.ExportService(self._practice)

    @functools.cached_property
    def printing(self) -> "PrintService":
        """The record's documents handed to the print system (built on first use)."""
        from cabinet.services.printing import PrintService

        return PrintService(self._practice)

    @functools.cached_property
    def copies(self) -> "CopyService":
        """The copy-request register and the patient's copy (built on first use)."""
        from cabinet.services import copies

        return copies.CopyService(self._practice)

    @functools.cached_property
    def fees(self) -> "FeeService":
        """Fees and the receipts ledger, on the vault's connection (built on first use)."""
        from cabinet.services.fees import FeeService
        from cabinet.vault.fees_store import SqlFeeStore

        return FeeService(self._practice, SqlFeeStore(self.vault.conn))

    @functools.cached_property
    def templates(self) -> "TemplateService":
        """Certificate and letter templates, filled from the record (built on first use)."""
        from cabinet.services.templates import TemplateService

        return TemplateService(self._practice, self._writing)

    @functools.cached_property
    def correspondents(self) -> "CorrespondentService":
        """The address book and the patients' correspondents (built on first use)."""
        from cabinet.services.correspondents import CorrespondentService

        return CorrespondentService(self._practice, self._writing)

    @functools.cached_property
    def _writing(self) -> "SqlWritingStore":
        from cabinet.vault.writing_store import SqlWritingStore

        return SqlWritingStore(self.vault.conn)

    @functools.cached_property
    def results(self) -> "ResultService":
        """Laboratories' results, on the vault's connection (built on first use)."""
        from cabinet.services.results import ResultService
        from cabinet.vault.results_store import SqlResultStore

        return ResultService(self.vault.store, SqlResultStore(self.vault.conn), self.trail,
                             self.records)

    @functools.cached_property
    def agenda(self) -> "AgendaService":
        """The agenda and the waiting room, on the vault's connection (built on first use)."""
        from cabinet.services.agenda import AgendaService
        from cabinet.vault.agenda_store import SqlAgendaStore

        return AgendaService(self.vault.store, SqlAgendaStore(self.vault.conn), self.trail,
                             self.settings)

    @functools.cached_property
    def erasure(self) -> "ErasureService":
        """Erasure on the patient's request and record destruction (built on first use)."""
        from cabinet.services.erasure import ErasureService
        from cabinet.vault.erasure_store import SqlErasureStore

        return ErasureService(self.vault.store, SqlErasureStore(self.vault.conn), self.trail)

    @functools.cached_property
    def compliance(self) -> "ComplianceService":
        """The GDPR paperwork and the breach register (built on first use)."""
        from cabinet.services.compliance import ComplianceService
        from cabinet.vault.compliance_store import SqlComplianceStore

        return ComplianceService(self._practice, self.settings,
                                 SqlComplianceStore(self.vault.conn))

    @functools.cached_property
    def information(self) -> "InformationService":
        """The patients' information, consents and erasures (built on first use)."""
        from cabinet.services.information import InformationService
        from cabinet.vault.compliance_store import SqlComplianceStore
        from cabinet.vault.erasure_store import SqlErasureStore

        return InformationService(self.vault.store, SqlComplianceStore(self.vault.conn),
                                  SqlErasureStore(self.vault.conn), self.trail)

    @functools.cached_property
    def portability(self) -> "SqlPortabilityStore":
        """Whole-practice reads and archive imports, on the vault's connection."""
        from cabinet.vault.portability_store import SqlPortabilityStore

        return SqlPortabilityStore(self.vault.conn)

    @functools.cached_property
    def archive_exporter(self) -> "ArchiveExporter":
        """Portability archives out (built on first use)."""
        from cabinet.archive.writer import ArchiveWriter
        from cabinet.services.portability.export import ArchiveExporter

        return ArchiveExporter(self._practice, ArchiveWriter(), self.agenda.everything)

    @functools.cached_property
    def cessation(self) -> "CessationService":
        """Closing the practice: choices, letters, declaration (built on first use)."""
        from cabinet.services.portability.cessation import CessationService

        return CessationService(self._practice)

    @functools.cached_property
    def archive_importer(self) -> "ArchiveImporter":
        """Portability archives in (built on first use)."""
        from cabinet.services.portability.importer import ArchiveImporter

        return ArchiveImporter(self._practice, self.agenda, demo_vault=self.vault.header.demo)

    @functools.cached_property
    def retention(self) -> "RetentionService":
        """Retention: the daily pass, legal holds, review and destruction (built on first use)."""
        return retention_service(self.vault, self.clock, self.trail)

    def backups(self, destination: Path) -> "BackupService":
        """Backups of this vault onto the folder `destination` (an external drive, a share)."""
        from cabinet.backup.engine import BackupWriter
        from cabinet.services.backup import BackupService

        vault = self.vault
        return BackupService(BackupWriter(vault.layout, destination, vault.header.vault_id,
                                          bytes(vault.data_key)), vault.store, self.trail)

    def pending_backup(self, destinations: list[Path]) -> "PendingBackup":
        """Capture the vault for a backup written once it is locked (see backup/deferred)."""
        from cabinet.backup.deferred import PendingBackup

        vault = self.vault
        return PendingBackup(vault.layout, destinations, vault.header.vault_id,
                             bytes(vault.data_key), self.trail.now())

    def letterhead(self) -> "Letterhead":
        """The practice's identity for printed documents, from the settings."""
        return self._issuer.letterhead()

    @functools.cached_property
    def _issuer(self) -> "Issuer":
        from cabinet.services.issuing import Issuer

        return Issuer(self.vault.store, self.trail, self.settings)

    @functools.cached_property
    def _practice(self) -> "Practice":
        from cabinet.services.issuing import Practice
        from cabinet.vault.retention_store import SqlRetentionStore

        return Practice(self.vault.store, self.portability, self.trail, self._issuer,
                        self.records, self.journal, SqlRetentionStore(self.vault.conn))

    def lock(self) -> None:
        """Lock: journal it, close the vault, drop the services."""
        self.vault.lock(self.clock)


def load_unlock_code() -> None:
    """Import the unlock's code (cryptography, SQLCipher, the services) before it is needed.

    Called after the lock screen's first paint, while the PIN is typed: the start paints
    sooner and the first unlock does not pay for these imports.
    """
    for name in UNLOCK_MODULES:
        importlib.import_module(name)


def open_drugs(folder: Path | None = None) -> "DrugBase":
    """The public drug base (beside the vault, never in it), checked against its hash.

    The shipped release is imported first when none is installed or it is damaged: seconds,
    so it is called off the GUI thread.
    """
    from cabinet import paths
    from cabinet.drugs.shipped import open_drug_base

    return open_drug_base(folder or paths.drugs_dir())


def import_drugs(folder: Path, published: dt.date | None = None) -> "DrugRelease":
    """Check a downloaded BDPM folder whole, then make it the drug base (all or nothing).

    `published` is the release's date, by default the newest modification date of its files.
    Raises `KnownError` in French: no such folder, or a file refused (the base is kept).
    """
    from cabinet import paths
    from cabinet.drugs.importer import import_release
    from cabinet.drugs.shipped import folder_files, newest_date

    if not folder.is_dir():
        raise KnownError("Le dossier de la base téléchargée n'existe pas.")
    return import_release(folder_files(folder), paths.drugs_dir(),
                          published or newest_date(folder))


def workstation_name() -> str:
    """The name of this workstation as the journal records it."""
    import socket

    return socket.gethostname()


class VaultDoor:
    """The way into one vault folder, for the lock screen: which modes exist, and unlock."""

    def __init__(self, folder: Path, clock: Clock | None = None,
                 secrets: SecretStore | None = None, card_module: Path | None = None) -> None:
        self.folder = folder
        self.clock = clock or SystemClock()
        self._secrets = secrets
        self.card_module = card_module

    def exists(self) -> bool:
        """Tell whether a vault lives in the folder."""
        return VaultLayout(self.folder).header.exists()

    def is_demo(self) -> bool:
        """Tell whether the vault is a demo vault (synthetic patients)."""
        return read_header(VaultLayout(self.folder).header).demo

    def has_cards(self) -> bool:
        """Tell whether at least one card is enrolled."""
        return bool(read_header(VaultLayout(self.folder).header).slots_of("card"))

    def has_password(self) -> bool:
        """Tell whether the degraded-mode password is enabled."""
        return bool(read_header(VaultLayout(self.folder).header).slots_of("password"))

    def card(self, reader: str, ctx: AppContext | None = None) -> "CardSession":
        """The card in `reader`, its token looked for in every allowed module installed.

        Asked first: the module given to this door, the middleware chosen in Paramètres, the
        modules that served the enrolled cards.
        """
        from cabinet.card.session import CardSession
        from cabinet.card.token import MODULE_FAMILIES
        from cabinet.domain.settings import CARD_MODULE

        chosen = ctx.settings.value(CARD_MODULE) if ctx else ""
        layout = VaultLayout(self.folder)
        slots = read_header(layout.header).slots_of("card") if layout.header.exists() else []
        return CardSession(reader, [*([self.card_module] if self.card_module else []),
                                    *MODULE_FAMILIES.get(chosen, ()),
                                    *(Path(s.params["module"]) for s in slots
                                      if s.params.get("module"))])

    def open_with_card(self, reader: str, pin: "str | PinHandler") -> AppContext:
        """Unlock with the card in `reader` and its PIN; the holder becomes the actor.

        `pin` is the PIN already typed, or the handler that asks it (`PinNotGiven` when none
        is). A refused PIN or a missing token is journaled as a failed card attempt too.
        """
        from cabinet.card.session import handler
        from cabinet.card.token import CardError
        from cabinet.vault.session import journal_failed_attempt, unlock_with_card

        card = self.card(reader)
        slots_tried = False  # from then on, unlock_with_card journals its own failures
        try:
            with card.signer(handler(pin)) as signing:
                slots_tried = True
                vault = unlock_with_card(self.folder, *signing, self.clock, workstation_name())
        except CardError as error:
            if not slots_tried:
                journal_failed_attempt(self.folder, AccessMode.CARD, self.clock,
                                       workstation_name(), error)
            raise
        ctx = build_context(vault, self.clock)
        if card.development:
            ctx.development_card = True
            vault.journal(Action.ADMIN, self.clock,
                          detail="carte de développement logicielle (sans valeur)")
        return ctx

    def enrol_card(self, ctx: AppContext, reader: str, pin: "str | PinHandler",
                   confirm_outside: "ConfirmOutside | None" = None) -> None:
        """Enrol the card in `reader` into the open vault (renewed card, remplaçant).

        `confirm_outside` asks, while the card is logged in, whether to enrol a card the
        IGC-Santé authorities do not vouch for: the PIN is given once. The slot remembers
        the module that served the card.
        """
        from cabinet.card.session import handler

        card = self.card(reader, ctx)
        with card.signer(handler(pin)) as signing:
            ctx.vault.enrol_card(*signing, ctx.clock, confirm_outside=confirm_outside,
                                 module=str(card.module))

    def pin_state(self, reader: str) -> "PinState":
        """The PIN state of the card in `reader`, read from its token's flags.

        Nothing is sent to the card, least of all a PIN; a card its software cannot read yet
        has none.
        """
        return self.card(reader).pin_state()

    @contextlib.contextmanager
    def document_signer(self, reader: str, pin: "str | PinHandler",
                        ctx: AppContext | None = None) -> Iterator["DocumentSigner"]:
        """The card in `reader` as a document signer, its signature key preferred (SIGN-3).

        With the open vault's `ctx`, the card must be one of its holders' (the RPPS of an
        enrolled card, or the owner's when none is). The development card signs as "sans
        valeur", like the demo certificate.
        """
        from cabinet.card.session import handler

        with self.card(reader, ctx).document_signer(
                handler(pin), signing_holders(ctx) if ctx is not None else None) as signer:
            yield signer

    @contextlib.contextmanager
    def archive_decrypter(self, reader: str, recipient: "x509.Certificate",
                          pins: "PinHandler | Callable[[str], str | None]",
                          ctx: AppContext | None = None) -> Iterator["Decrypter | None"]:
        """The card in `reader` opening a portability archive encrypted to `recipient`.

        The PIN is asked only once the card has shown the recipient's certificate and is not
        blocked, its notice saying when tries are running out. None: no PIN given.
        """
        from cabinet.card.session import handler

        with self.card(reader, ctx).decrypter(recipient, handler(pins)) as decrypt:
            yield decrypt

    def open(self, mode: AccessMode, secret: str) -> AppContext:
        """Unlock with one credential and wire the services; raise `KnownError` in French."""
        from cabinet.vault.session import Credential, unlock

        secrets = self._secrets
        if mode is AccessMode.DEGRADED and secrets is None:
            secrets = system_secret_store()
        vault = unlock(self.folder, Credential(mode, secret), self.clock, workstation_name(),
                       secrets=secrets)
        return build_context(vault, self.clock)


class BackupDoor:
    """A medium's backups, to restore on this workstation or a new one: no vault needed.

    The backup carries its key slots: the enrolled card or the recovery key opens them. A
    restore older than the vault of this workstation (`local`) is a rollback: refused without
    a written reason, which is journaled in the restored vault.
    """

    def __init__(self, destination: Path, clock: Clock | None = None) -> None:
        self.destination = destination
        self.clock = clock or SystemClock()

    def vault_id(self, chosen: str = "") -> str:
        """The practice whose backups the medium holds (`chosen` when it holds several)."""
        from cabinet.backup.medium import vault_ids

        found = [chosen] if chosen else vault_ids(self.destination)
        if len(found) != 1:
            raise KnownError("Ce support ne contient pas de sauvegarde Cabinet, ou en contient "
                             "de plusieurs cabinets : précisez lequel." if found else
                             "Ce support ne contient aucune sauvegarde Cabinet.")
        return found[0]

    def snapshots(self, vault_id: str) -> list[tuple[str, dt.datetime, bool]]:
        """Each backup, oldest first: its id, when it was taken (UTC), whether marked verified.

        Read before any key is given: the mark is checked, like everything, at the restore.
        """
        from cabinet.backup.medium import Medium

        return [(e.snapshot_id, dt.datetime.strptime(e.snapshot_id[:15], "%Y%m%dT%H%M%S")
                 .replace(tzinfo=dt.UTC), bool(e.verified))
                for e in Medium(self.destination, vault_id).envelopes()]

    def key_header(self, vault_id: str, snapshot_id: str) -> "KeyHeader":
        """The backup's own key slots (cards, recovery key)."""
        from cabinet.backup.medium import Medium
        from cabinet.keys.header import KeyHeader

        return KeyHeader.from_bytes(Medium(self.destination, vault_id).envelope(
            snapshot_id).header)

    def key_by_card(self, header: "KeyHeader", reader: str,
                    pins: "PinHandler") -> bytes | None:
        """The backup's data key, from the enrolled card in `reader` and its PIN.

        None when the backup has no card slot or the PIN was not given (the recovery key
        then). Raises `KnownError` in French: a card not enrolled in this backup, a wrong PIN.
        """
        from cabinet.card.session import CardSession, PinNotGiven
        from cabinet.keys.card import unlock_with_card

        slots = header.slots_of("card")
        if not slots:
            return None
        modules = [Path(s.params["module"]) for s in slots if s.params.get("module")]
        try:
            with CardSession(reader, modules).signer(pins) as signed:
                return unlock_with_card(header, *signed, self.clock.now())[0]
        except PinNotGiven:
            return None

    def restore(self, vault_id: str, snapshot_id: str, *, data_key: bytes, mode: AccessMode,
                target: Path, local: Path, rollback_reason: str = "") -> "SnapshotInfo":
        """Restore into the new folder `target`; `RollbackRefused` without a needed reason."""
        from cabinet.backup.engine import BackupReader
        from cabinet.services.backup import restore
        from cabinet.services.ports import RestoreNote

        note = RestoreNote(self.clock.now().isoformat(timespec="milliseconds"), mode.value,
                           workstation_name(), "")
        return restore(BackupReader(self.destination, vault_id, data_key), snapshot_id,
                       target, note, anchor_id=local_anchor(local, vault_id),
                       rollback_reason=rollback_reason)


def local_anchor(folder: Path, vault_id: str) -> int:
    """The journal's last anchored event of this practice's vault in `folder`, 0 if none."""
    if not VaultLayout(folder).header.exists():
        return 0
    header = read_header(VaultLayout(folder).header)
    return int(header.journal_anchor.get("id", 0)) if header.vault_id == vault_id else 0


def signing_holders(ctx: AppContext) -> frozenset[str]:
    """The RPPS numbers a card may sign as: its enrolled cards' holders, else the owner."""
    enrolled = frozenset(slot.params.get("rpps", "") for slot in
                         ctx.vault.header.slots_of("card")) - {""}
    return enrolled or frozenset({ctx.vault.owner.identifier})


def system_secret_store() -> SecretStore:
    """The platform's own keyring, chosen explicitly, or a French refusal.

    No backend discovery through entry points, no backend named by an environment variable.
    """
    return KeyringSecretStore(platform_keyring())


def platform_keyring() -> "KeyringBackend":
    """Secret Service on Linux, the Keychain on macOS, the Credential Manager on Windows."""
    import sys

    from keyring.backends import fail

    try:
        if sys.platform == "darwin":
            from keyring.backends.macOS import Keyring as Platform
        elif sys.platform == "win32":
            from keyring.backends.Windows import WinVaultKeyring as Platform
        else:
            from keyring.backends.SecretService import Keyring as Platform
        Platform.priority  # noqa: B018 - raises when the keyring cannot be reached
        return Platform()  # type: ignore[no-untyped-call]
    except Exception:  # noqa: BLE001 - any failure means: no trustworthy keyring here
        return fail.Keyring()  # type: ignore[no-untyped-call]


def retention_service(vault: "OpenVault", clock: Clock, trail: "AuditTrail",
                      conn: "Connection | None" = None) -> "RetentionService":
    """The retention service over the vault's connection, or over `conn` (the daily pass)."""
    from cabinet.services.auditing import AuditTrail
    from cabinet.services.erasure import ErasureService
    from cabinet.services.issuing import Issuer
    from cabinet.services.retention import RetentionService
    from cabinet.services.settings import SettingsService
    from cabinet.vault.erasure_store import SqlErasureStore
    from cabinet.vault.retention_store import SqlRetentionStore
    from cabinet.vault.store import SqlRecordStore

    store = vault.store
    if conn is not None:
        store = SqlRecordStore(conn)
        trail = AuditTrail(store, vault.actor, clock, vault.owner.identifier)
    settings, conn = SettingsService(store, trail), conn or vault.conn
    return RetentionService(store, SqlRetentionStore(conn), trail, settings,
                            issuer=Issuer(store, trail, settings),
                            erasure=ErasureService(store, SqlErasureStore(conn), trail))


def daily_retention_pass(ctx: AppContext, stop: Callable[[], bool]) -> "PassReport | None":
    """Today's retention pass if not run yet, on its own connection (off the GUI thread).

    The window keeps the vault's connection meanwhile; `stop` (the lock) ends the pass
    before it writes. None when today's pass already ran or it was stopped.
    """
    from cabinet.vault import database

    vault = ctx.vault
    conn = database.connect(vault.layout.database, bytes(vault.data_key))
    try:
        service = retention_service(vault, ctx.clock, ctx.trail, conn)
        return service.run_pass(stop) if service.due() else None
    finally:
        conn.close()


def build_context(vault: "OpenVault", clock: Clock | None = None) -> AppContext:
    """Wire the services over an unlocked vault."""
    from cabinet.services.archive_gate import ArchiveGate
    from cabinet.services.auditing import AuditTrail
    from cabinet.services.drafts import DraftService
    from cabinet.services.journal import JournalService
    from cabinet.services.patients import PatientService
    from cabinet.services.records import RecordService
    from cabinet.services.settings import SettingsService
    from cabinet.vault.retention_store import SqlRetentionStore

    clock = clock or SystemClock()
    store = vault.store
    trail = AuditTrail(store, vault.actor, clock, vault.owner.identifier)
    return AppContext(
        vault=vault,
        clock=clock,
        patients=PatientService(store, trail),
        records=RecordService(store, trail, ArchiveGate(SqlRetentionStore(vault.conn), trail)),
        journal=JournalService(store, trail),
        drafts=DraftService(store, trail),
        settings=SettingsService(store, trail),
        trail=trail,
    )
