"""The journal is append-only and any change to it is detected (TRACE-1, TRACE-2)."""

import pytest

from cabinet.audit import journal, pending
from cabinet.domain.audit import AccessMode
from cabinet.domain.record import EntryKind
from cabinet.errors import WrongKey
from cabinet.vault.database import IntegrityError
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import Credential, create_vault, unlock
from helpers.vaults import OWNER, identity


def filled(ctx):
    patient = ctx.patients.create(identity())
    for n in range(5):
        ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": f"Facteur {n}"})
    return patient


def test_every_action_is_chained_and_verifies(ctx):
    filled(ctx)
    report = journal.verify(ctx.vault.conn)
    assert report.intact and report.checked >= 7
    assert "intègre" in report.summary()


def test_update_and_delete_are_refused_by_the_database(ctx):
    filled(ctx)
    with pytest.raises(IntegrityError):
        ctx.vault.conn.execute("UPDATE audit SET actor = 'quelqu''un' WHERE id = 2")
    with pytest.raises(IntegrityError):
        ctx.vault.conn.execute("DELETE FROM audit WHERE id = 2")


def drop_guards(conn):
    conn.execute("DROP TRIGGER audit_append_only_update")
    conn.execute("DROP TRIGGER audit_append_only_delete")


@pytest.fixture
def closed_vault(vault_dir, clock):
    """A new real vault, locked; its recovery key."""
    opened, recovery_key = create_vault(vault_dir, OWNER, clock, "poste")
    opened.lock(clock)
    return recovery_key


def reopen(vault_dir, recovery_key, clock, workstation="poste"):
    """Unlock with the recovery key."""
    return unlock(vault_dir, Credential(AccessMode.RECOVERY, recovery_key), clock, workstation)


def test_an_altered_event_is_named(ctx):
    filled(ctx)
    drop_guards(ctx.vault.conn)
    ctx.vault.conn.execute("UPDATE audit SET detail = 'rien' WHERE id = 4")
    report = journal.verify(ctx.vault.conn)
    assert report.first_broken_id == 4
    assert "n° 4" in report.summary()


def test_a_removed_event_is_detected(ctx):
    filled(ctx)
    drop_guards(ctx.vault.conn)
    ctx.vault.conn.execute("DELETE FROM audit WHERE id = 3")
    assert journal.verify(ctx.vault.conn).first_broken_id == 4


def test_a_rehashed_event_still_breaks_the_next_link(ctx):
    filled(ctx)
    drop_guards(ctx.vault.conn)
    ctx.vault.conn.execute("UPDATE audit SET hash = ? WHERE id = 3", ("f" * 64,))
    assert journal.verify(ctx.vault.conn).first_broken_id == 3


def test_append_outside_a_transaction_is_refused(ctx):
    event = pending.AuditEvent("t", "a", "", "card", "w", "read", None, "", "")
    with pytest.raises(RuntimeError):
        journal.append(ctx.vault.conn, event)


def test_failed_attempts_are_sealed_then_journaled_at_next_unlock(vault_dir, clock):
    opened, recovery_key = create_vault(vault_dir, OWNER, clock, "poste-A")
    opened.lock(clock)
    layout = VaultLayout(vault_dir)
    for _ in range(3):
        with pytest.raises(WrongKey):
            unlock(vault_dir, Credential(AccessMode.RECOVERY, "AAAA-BBBB"), clock, "poste-B")
    sealed = layout.pending_log.read_bytes()
    assert b"poste-B" not in sealed and b"connect_failed" not in sealed
    reopened = unlock(vault_dir, Credential(AccessMode.RECOVERY, recovery_key), clock, "poste-A")
    failures = [e for e in reopened.store.audit_rows(None, 50)
                if e["action"] == "connect_failed"]
    assert len(failures) == 3
    assert {e["workstation"] for e in failures} == {"poste-B"}
    assert "faute de frappe" in failures[0]["detail"]
    assert not layout.pending_log.exists()
    assert journal.verify(reopened.conn).intact
    reopened.lock(clock)


def test_pending_import_is_idempotent_and_reports_damaged_lines(vault_dir, clock, closed_vault):
    recovery_key = closed_vault
    layout = VaultLayout(vault_dir)
    with pytest.raises(WrongKey):
        unlock(vault_dir, Credential(AccessMode.RECOVERY, "AAAA"), clock, "poste")
    copy_of_log = layout.pending_log.read_text()
    first = reopen(vault_dir, recovery_key, clock)
    first.lock(clock)
    # the same sealed line comes back (crash before the file was removed) plus garbage
    layout.pending_log.write_text(copy_of_log + "pas-du-base64\n")
    second = reopen(vault_dir, recovery_key, clock)
    events = second.store.audit_rows(None, 100)
    assert sum(e["action"] == "connect_failed" for e in events) == 1
    assert any("illisible" in e["detail"] for e in events)
    second.lock(clock)


def test_the_journal_can_be_narrowed_by_period_action_and_mode(ctx, clock):
    import datetime as dt

    from cabinet.services.ports import JournalFilter

    patient = filled(ctx)
    clock.advance(dt.timedelta(days=3))
    ctx.records.open_record(patient)
    reads = ctx.journal.events(JournalFilter(action="read"))
    assert [e["target"] for e in reads] == ["record"]
    later = ctx.journal.events(JournalFilter(since=clock.now().date().isoformat()))
    assert {e["action"] for e in later} == {"read", "admin"}
    same_day = ctx.journal.events(JournalFilter(until="2026-11-03"))
    assert "read" not in {e["action"] for e in same_day}
    assert ctx.journal.events(JournalFilter(mode="card")) == []


def test_verification_through_the_service_is_itself_journaled(ctx):
    filled(ctx)
    report = ctx.journal.verify()
    assert report.intact
    last = ctx.vault.store.audit_rows(None, 1)[0]
    assert last["action"] == "admin" and "intègre" in last["detail"]


def test_forged_pending_lines_never_enter_the_journal_nor_block_unlock(vault_dir, clock,
                                                                       closed_vault):
    """Anyone can seal with the public key: only failed attempts of the right shape count."""
    import base64
    import json
    import os

    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from cabinet.keys.header import unb64
    from cabinet.keys.wrapping import derive_key
    from cabinet.vault.header import read_header

    recovery_key = closed_vault
    layout = VaultLayout(vault_dir)
    public = X25519PublicKey.from_public_bytes(
        unb64(read_header(layout.header).audit_public_key))

    def forge(record):
        ephemeral = X25519PrivateKey.generate()
        epub = ephemeral.public_key().public_bytes_raw()
        key = derive_key(ephemeral.exchange(public), salt=epub, purpose="pending-audit")
        nonce = os.urandom(12)
        sealed = AESGCM(key).encrypt(nonce, json.dumps(record).encode(), epub)
        return base64.b64encode(epub + nonce + sealed).decode() + "\n"

    base = {"at": "2026-11-02T09:00:00+00:00", "actor": "Dr Remplaçant", "actor_id": "1",
            "mode": "card", "workstation": "poste", "action": "read", "patient_id": 1,
            "target": "pending:00000000-0000-0000-0000-000000000000", "detail": ""}
    layout.pending_log.write_text(
        forge(base) + forge({**base, "action": "connect_failed", "patient_id": None,
                             "detail": {"not": "a string"}}))
    reopened = reopen(vault_dir, recovery_key, clock)
    events = reopened.store.audit_rows(None, 20)
    assert not any(e["action"] == "read" for e in events)
    assert any("2 ligne(s) illisible(s)" in e["detail"] for e in events)
    assert journal.verify(reopened.conn).intact
    reopened.lock(clock)


def test_an_older_copy_of_the_database_put_back_is_detected(vault_dir, clock, closed_vault):
    """TRACE-2: the chain alone cannot see its newest events cut off; the anchor can."""
    import shutil

    from cabinet.bootstrap import build_context

    recovery_key = closed_vault
    layout = VaultLayout(vault_dir)
    old_copy = vault_dir.parent / "ancienne-copie.vault"
    shutil.copy(layout.database, old_copy)
    ctx = build_context(reopen(vault_dir, recovery_key, clock), clock)
    filled(ctx)
    ctx.lock()
    shutil.copy(old_copy, layout.database)  # someone with file access rolls the vault back
    for sidecar in layout.sidecar_files():
        sidecar.unlink(missing_ok=True)
    reopened = reopen(vault_dir, recovery_key, clock)
    assert journal.verify(reopened.conn).intact  # the chain alone sees nothing
    alerts = [e["detail"] for e in reopened.store.audit_rows(None, 5)
              if e["detail"].startswith("ALERTE journal")]
    assert alerts and "copie plus ancienne" in alerts[0]
    reopened.lock(clock)


def test_a_normal_reopening_raises_no_alert(vault_dir, clock, closed_vault):
    recovery_key = closed_vault
    reopened = reopen(vault_dir, recovery_key, clock)
    assert not any("ALERTE" in e["detail"] for e in reopened.store.audit_rows(None, 10))
    reopened.lock(clock)


def test_a_replaced_pending_key_in_the_header_is_restored_and_reported(vault_dir, clock,
                                                                      closed_vault):
    from cabinet.audit.pending import new_keypair
    from cabinet.keys.header import b64
    from cabinet.vault.header import read_header, write_header

    recovery_key = closed_vault
    layout = VaultLayout(vault_dir)
    header = read_header(layout.header)
    original = header.audit_public_key
    header.audit_public_key = b64(new_keypair()[1])  # failed attempts would become unreadable
    write_header(layout.header, header)
    reopened = reopen(vault_dir, recovery_key, clock)
    assert read_header(layout.header).audit_public_key == original
    assert any("clé des tentatives" in e["detail"] for e in reopened.store.audit_rows(None, 5))
    reopened.lock(clock)


def test_a_check_done_piece_by_piece_finds_the_same_break(ctx):
    from cabinet.domain.audit import ChainWalker

    for _ in range(3):
        filled(ctx)
    drop_guards(ctx.vault.conn)
    ctx.vault.conn.execute("UPDATE audit SET detail = 'rien' WHERE id = 17")
    walker = ChainWalker()
    steps = 0
    while ctx.journal.verify_step(walker, limit=5):
        steps += 1
    assert steps >= 3
    report = ctx.journal.finish_verification(walker)
    assert report.first_broken_id == 17 == journal.verify(ctx.vault.conn).first_broken_id
