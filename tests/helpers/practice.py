"""A practice with a remplaçant's card and a patient objecting to the remplaçant (RIGHTS-2)."""

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from cabinet.bootstrap import build_context
from cabinet.domain.record import EntryKind
from cabinet.vault.session import create_vault
from helpers.certificates import card_certificate, signer
from helpers.vaults import OWNER, identity

OBJECTION = {"topic": "replacement_access", "choice": "objects", "date": "2026-10-01"}


@dataclass(frozen=True)
class Practice:
    """What the tests need to reach it: the titular's recovery key, the remplaçant's card."""

    recovery_key: str
    substitute_key: rsa.RSAPrivateKey
    substitute_certificate: bytes
    objecting: int
    other: int


def practice_with_substitute(folder: Path, clock) -> Practice:
    """Create the vault, enrol LEROY Marc's card, two patients; leave it locked."""
    opened, recovery_key = create_vault(folder, OWNER, clock, "poste")
    key, certificate = card_certificate("LEROY Marc", "10303030303")
    opened.enrol_card(certificate, signer(key), clock, confirm_outside=lambda holder: True)
    ctx = build_context(opened, clock)
    objecting = ctx.patients.create(identity("Secret", "Anne"))
    ctx.records.add_entry(objecting, EntryKind.ENCOUNTER, {
        "date": "2026-09-01", "reason": "Suivi confidentiel"})
    ctx.records.add_entry(objecting, EntryKind.CONSENT, OBJECTION)
    other = ctx.patients.create(identity("Ouvert", "Paul"))
    ctx.records.add_entry(other, EntryKind.ENCOUNTER, {"date": "2026-09-02",
                                                       "reason": "Suivi ordinaire"})
    ctx.lock()
    return Practice(recovery_key, key, certificate, objecting, other)
