"""Create a vault, unlock it with one credential, and lock it again.

Every connection and every connection attempt is journaled (TRACE-1): a success in the
journal itself, a failure sealed in the pending log until the next successful unlock.
Locking closes the connection and drops the key; nothing in clear stays behind.
"""

import contextlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cabinet import guard
from cabinet.audit import anchor, pending
from cabinet.domain.audit import (
    ACCESS_MODE_LABELS,
    ANCHOR_ALERT,
    AccessMode,
    Action,
    Actor,
    AuditEvent,
)
from cabinet.domain.clock import Clock
from cabinet.domain.signing import Signer
from cabinet.errors import KnownError, VaultError
from cabinet.keys import card, demo, password, recovery
from cabinet.keys.header import KeyHeader, b64, unb64
from cabinet.keys.installation_secret import SecretStore
from cabinet.keys.wrapping import new_data_key
from cabinet.vault import database
from cabinet.vault.header import read_header, write_header
from cabinet.vault.layout import VaultLayout
from cabinet.vault.occupancy import VaultLock
from cabinet.vault.store import SqlRecordStore

UNKNOWN_PERSON = "personne non identifiée"
ConfirmOutside = Callable[[card.CardHolder], bool]
"""Asks the user whether to enrol a card outside IGC-Santé, naming its holder."""


@dataclass(frozen=True)
class Credential:
    """One way in, with its secret; the secret is never shown in a repr."""

    mode: AccessMode
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Owner:
    """The titular physician of the vault."""

    name: str
    identifier: str


@dataclass
class OpenVault:
    """An unlocked vault: its connection, its store, the person at the keyboard, its lock."""

    layout: VaultLayout
    header: KeyHeader
    conn: database.Connection
    actor: Actor
    store: SqlRecordStore
    data_key: bytearray = field(repr=False)
    hold: VaultLock = field(repr=False)
    owner: Owner = Owner("", "")
    locked: bool = False

    def journal(self, action: Action, clock: Clock, *, detail: str = "",
                target: str = "") -> None:
        """Journal a vault-level event (connection, lock, administration)."""
        event = AuditEvent.by(self.actor, at=clock.now().isoformat(timespec="milliseconds"),
                              action=action, target=target, detail=detail)
        with self.store.transaction():
            self.store.append_audit(event)

    def _save_header(self, clock: Clock, detail: str) -> None:
        """Journal a change of the ways in, writing the header inside that transaction.

        A failed write leaves no event; a failed journal leaves the old header.
        """
        event = AuditEvent.by(self.actor, at=clock.now().isoformat(timespec="milliseconds"),
                              action=Action.ADMIN, detail=detail)
        with self.store.transaction():
            self.store.append_audit(event)
            write_header(self.layout.header, self.header)

    def set_password(self, new_password: str, store: SecretStore, clock: Clock,
                     params: password.Argon2Parameters | None = None) -> None:
        """Enable or change the degraded-mode password; possible only while unlocked."""
        password.set_password_slot(self.header, bytes(self.data_key), new_password,
                                   created_at=clock.now().isoformat(timespec="seconds"),
                                   store=store, params=params)
        self._save_header(clock, "mot de passe du mode dégradé défini")

    def enrol_card(self, certificate_der: bytes, sign: Signer, clock: Clock, *,
                   confirm_outside: ConfirmOutside | None = None,
                   module: str = "") -> card.CardHolder:
        """Enrol a card (first card, renewed card, a remplaçant's) while unlocked.

        A card the IGC-Santé authorities do not vouch for (a test or development card, a
        foreign eID) is enrolled only if `confirm_outside` says yes, and journaled as such.
        `module` (the PKCS#11 module that served the card) is kept in its slot.
        """
        now = clock.now()
        outside = not card.vouched_for(certificate_der, now)
        if outside and not (confirm_outside and confirm_outside(card.holder_of(certificate_der))):
            raise card.OutsideIgcSante(
                "Cette carte n'est pas émise par l'IGC-Santé (carte de test, de développement "
                "ou étrangère) : elle n'est enregistrée qu'après confirmation « hors "
                "IGC-Santé ».")
        holder = card.enrol_card(self.header, bytes(self.data_key), certificate_der, sign,
                                 now.isoformat(timespec="seconds"), outside_igc_sante=outside,
                                 module=module)
        detail = f"carte enregistrée : {holder.name} (RPPS {holder.rpps})"
        if outside:
            detail += f", {card.OUTSIDE_IGC_SANTE} (confirmé à l'enregistrement)"
        self._save_header(clock, detail)
        return holder

    def revoke_card(self, fingerprint: str, clock: Clock) -> None:
        """Remove a card's slot; its holder can no longer open the vault with it."""
        card.revoke_card(self.header, fingerprint)
        self._save_header(clock, f"carte retirée : {fingerprint[:16]}")

    def renew_recovery_key(self, clock: Clock) -> str:
        """Replace the recovery slot (after a use, or a lost envelope); return the new key."""
        new_key = recovery.add_recovery_slot(self.header, bytes(self.data_key),
                                             clock.now().isoformat(timespec="seconds"))
        self._save_header(clock, "clé de secours renouvelée")
        return new_key

    def abandon(self) -> None:
        """Close without journaling, for a damaged file that must not be written to."""
        self.locked = True
        self.conn.close()
        self.data_key[:] = bytes(len(self.data_key))
        self.hold.release()

    def lock(self, clock: Clock) -> None:
        """Journal the lock, close the connection and wipe the key held in memory.

        Locking twice (card removal and inactivity at once) is harmless.
        """
        if self.locked:
            return
        try:
            self.journal(Action.LOCK, clock)
            anchor.anchor(self.conn, self.header, bytes(self.data_key))
            write_header(self.layout.header, self.header)
        finally:
            self.locked = True
            self.conn.close()
            self.data_key[:] = bytes(len(self.data_key))
            self.hold.release()


def create_vault(folder: Path, owner: Owner, clock: Clock, workstation: str, *,
                 demo_vault: bool = False) -> tuple[OpenVault, str]:
    """Create an empty vault in `folder`; return it open, and the recovery key to print."""
    layout = VaultLayout(folder)
    if layout.header.exists() or layout.database.exists():
        raise VaultError("Un coffre existe déjà à cet emplacement.")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    hold = VaultLock.acquire(layout.lock_file)
    try:
        guard.enforce_loaded()
        return _create(layout, owner, clock, workstation, demo_vault=demo_vault, hold=hold)
    except BaseException:
        hold.release()
        raise


def _create(layout: VaultLayout, owner: Owner, clock: Clock, workstation: str, *,
            demo_vault: bool, hold: VaultLock) -> tuple[OpenVault, str]:
    layout.database.touch(mode=0o600)  # SQLite gives its WAL the database file's mode
    now = clock.now().isoformat(timespec="seconds")
    private_key, public_key = pending.new_keypair()
    header = KeyHeader(vault_id=str(uuid.uuid4()), created_at=now, demo=demo_vault,
                       audit_public_key=b64(public_key))
    data_key = new_data_key()
    recovery_key = recovery.add_recovery_slot(header, data_key, now)
    if demo_vault:
        demo.add_demo_slot(header, data_key, now)
    conn = database.connect(layout.database, data_key, create=True)
    with database.transaction(conn):
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
            ("vault_id", header.vault_id), ("owner_name", owner.name),
            ("owner_id", owner.identifier), ("audit_private_key", b64(private_key)),
            ("demo", "1" if demo_vault else "0")])
    write_header(layout.header, header)
    mode = AccessMode.DEMO if demo_vault else AccessMode.RECOVERY
    actor = Actor(owner.name, owner.identifier, mode, workstation)
    opened = OpenVault(layout, header, conn, actor, SqlRecordStore(conn), bytearray(data_key),
                       hold, owner)
    opened.journal(Action.ADMIN, clock, detail="création du coffre")
    return opened, recovery_key


def unlock(folder: Path, credential: Credential, clock: Clock, workstation: str, *,
           secrets: SecretStore | None = None) -> OpenVault:
    """Open the vault with `credential`, journal the connection, or raise in French.

    The person at the keyboard is the vault's titular physician, reached by another way in.
    """
    with _entering(folder) as (layout, header, hold):
        try:
            data_key = _unwrap(header, credential, secrets)
        except KnownError as error:
            _journal_failure(layout, header, credential.mode, clock=clock,
                             workstation=workstation, error=error)
            raise
        return _open(layout, header, data_key, clock,
                     Actor("", "", credential.mode, workstation), hold=hold)


def unlock_with_card(folder: Path, certificate_der: bytes, sign: Signer, clock: Clock,
                     workstation: str) -> OpenVault:
    """Open the vault with a card whose PIN was given; its holder becomes the actor (AUTH-5)."""
    with _entering(folder) as (layout, header, hold):
        try:
            data_key, holder = card.unlock_with_card(header, certificate_der, sign,
                                                     clock.now())
        except KnownError as error:
            _journal_failure(layout, header, AccessMode.CARD, clock=clock,
                             workstation=workstation, error=error)
            raise
        return _open(layout, header, data_key, clock,
                     Actor(holder.name, holder.rpps, AccessMode.CARD, workstation), hold=hold)


def journal_failed_attempt(folder: Path, mode: AccessMode, clock: Clock, workstation: str,
                           error: KnownError) -> None:
    """Seal a failed attempt that happened before any slot was tried (wrong PIN, no token)."""
    layout, header = _read(folder)
    _journal_failure(layout, header, mode, clock=clock, workstation=workstation, error=error)


def _read(folder: Path) -> tuple[VaultLayout, KeyHeader]:
    """The vault's files and header, or a French refusal when no vault lives there."""
    layout = VaultLayout(folder)
    return layout, read_header(layout.header)


@contextlib.contextmanager
def _entering(folder: Path) -> Iterator[tuple[VaultLayout, KeyHeader, VaultLock]]:
    """Take the vault for this process, then read its header; let it go if opening fails.

    Leftovers of an interrupted header write are removed only under the lock: another
    process could be writing one.
    """
    layout, _ = _read(folder)
    hold = VaultLock.acquire(layout.lock_file)
    try:
        for leftover in layout.stale_temporary_files():
            leftover.unlink(missing_ok=True)
        guard.enforce_loaded()  # a library loaded since the start never sees the data key
        yield layout, read_header(layout.header), hold
    except BaseException:
        hold.release()
        raise


def _open(layout: VaultLayout, header: KeyHeader, data_key: bytes, clock: Clock,
          actor: Actor, *, hold: VaultLock) -> OpenVault:
    """Connect, check the pair of files, import pending attempts, journal the connection.

    An actor without a name stands for the titular physician recorded in the vault.
    """
    conn = database.connect(layout.database, data_key)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("vault_id") != header.vault_id:
            raise VaultError("Le fichier du coffre et son fichier de clés ne vont pas ensemble.")
        if not actor.name:
            actor = Actor(meta["owner_name"], meta["owner_id"], actor.mode, actor.workstation)
        opened = OpenVault(layout, header, conn, actor, SqlRecordStore(conn),
                           bytearray(data_key), hold, Owner(meta["owner_name"], meta["owner_id"]))
        _import_pending(opened, unb64(meta["audit_private_key"]), clock)
        problem = anchor.anchor_problem(conn, header, data_key)
        if problem:
            opened.journal(Action.ADMIN, clock, target=ANCHOR_ALERT,
                           detail=f"ALERTE journal : {problem}")
        _restore_pending_key(opened, unb64(meta["audit_private_key"]), clock)
        _journal_refused_starts(opened, clock)
        opened.journal(Action.CONNECT, clock, detail=ACCESS_MODE_LABELS[actor.mode])
    except database.DatabaseError:
        try:
            database.raise_if_damaged(conn, layout.database)
        finally:
            conn.close()
        raise
    except BaseException:
        conn.close()
        raise
    return opened


def _journal_refused_starts(opened: OpenVault, clock: Clock) -> None:
    """Journal the starts the integrity guard refused since the last unlock, then forget them.

    The note is removed only once its events are committed.
    """
    log = guard.refusals_log()
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    for line in lines:
        try:
            refusal = json.loads(line)
            detail = (f"démarrage refusé par le garde d'intégrité le {refusal['at']} : "
                      + " ; ".join(str(d) for d in refusal["doors"]))
        except (ValueError, KeyError, TypeError):
            detail = "démarrage refusé par le garde d'intégrité (note illisible)"
        opened.journal(Action.ADMIN, clock, detail=detail[:2000])
    log.unlink(missing_ok=True)


def _unwrap(header: KeyHeader, credential: Credential, secrets: SecretStore | None) -> bytes:
    if credential.mode is AccessMode.RECOVERY:
        return recovery.unlock_with_recovery_key(header, credential.secret)
    if credential.mode is AccessMode.DEMO:
        return demo.unlock_demo(header, credential.secret)
    if credential.mode is AccessMode.DEGRADED:
        if secrets is None:
            raise VaultError("Le trousseau du système est indisponible : mode dégradé impossible.")
        return password.unlock_with_password(header, credential.secret, secrets)
    raise VaultError("Ce moyen d'accès n'est pas disponible ici.")


def _journal_failure(layout: VaultLayout, header: KeyHeader, mode: AccessMode, *, clock: Clock,
                     workstation: str, error: KnownError) -> None:
    event = AuditEvent.by(Actor(UNKNOWN_PERSON, "", mode, workstation),
                          at=clock.now().isoformat(timespec="milliseconds"),
                          action=Action.CONNECT_FAILED, detail=error.message)
    pending.append_sealed(layout.pending_log, event, unb64(header.audit_public_key))


def _restore_pending_key(opened: OpenVault, private_key: bytes, clock: Clock) -> None:
    """Put the vault's own pending-log key back if the header's was replaced, and say so.

    A replaced public key would make every later failed attempt unreadable.
    """
    public_key = b64(pending.public_key_of(private_key))
    if opened.header.audit_public_key != public_key:
        opened.header.audit_public_key = public_key
        opened._save_header(clock, "ALERTE journal : la clé des tentatives de connexion avait "
                                   "été remplacée dans le fichier de clés ; rétablie")


def _import_pending(opened: OpenVault, private_key: bytes, clock: Clock) -> None:
    """Move sealed failed attempts into the journal, then remove the pending log."""
    events, unreadable = pending.read_sealed(opened.layout.pending_log, private_key)
    if not events and not unreadable:
        return
    conn = opened.conn
    with opened.store.transaction():
        for event in events:
            seen = conn.execute("SELECT 1 FROM audit WHERE target = ? AND target LIKE "
                                "'pending:%'", (event.target,))
            if seen.fetchone() is None:
                opened.store.append_audit(event)
        if unreadable:
            opened.store.append_audit(AuditEvent.by(
                opened.actor, at=clock.now().isoformat(timespec="milliseconds"),
                action=Action.ADMIN,
                detail=f"{unreadable} ligne(s) illisible(s) dans le journal des tentatives"))
    opened.layout.pending_log.unlink()
