"""The one place where objects are wired: an unlocked vault becomes an application context.

The UI and the command line receive an `AppContext` and never build services themselves.
"""

import socket
from dataclasses import dataclass

from cabinet.domain.clock import Clock, SystemClock
from cabinet.services.auditing import AuditTrail
from cabinet.services.journal import JournalService
from cabinet.services.patients import PatientService
from cabinet.services.records import RecordService
from cabinet.vault.session import OpenVault


@dataclass
class AppContext:
    """Everything the UI or a command needs once the vault is open."""

    vault: OpenVault
    clock: Clock
    patients: PatientService
    records: RecordService
    journal: JournalService

    def lock(self) -> None:
        """Lock: journal it, close the vault, drop the services."""
        self.vault.lock(self.clock)


def workstation_name() -> str:
    """The name of this workstation as the journal records it."""
    return socket.gethostname()


def build_context(vault: OpenVault, clock: Clock | None = None) -> AppContext:
    """Wire the services over an unlocked vault."""
    clock = clock or SystemClock()
    trail = AuditTrail(vault.store, vault.actor, clock)
    return AppContext(
        vault=vault,
        clock=clock,
        patients=PatientService(vault.store, trail),
        records=RecordService(vault.store, trail),
        journal=JournalService(vault.store, trail),
    )
