"""The vault opens only with its key, and says in French why it does not (DESIGN.md §2)."""

import json
import os
import sqlite3

import pytest

from cabinet.domain.audit import AccessMode
from cabinet.errors import VaultError, WrongKey
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.keys.header import FORMAT_VERSION
from cabinet.vault import database
from cabinet.vault.header import read_header
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import Credential, create_vault, unlock
from helpers.vaults import OWNER


@pytest.fixture
def closed_vault(vault_dir, clock):
    opened, recovery_key = create_vault(vault_dir, OWNER, clock, "poste-test")
    opened.lock(clock)
    return recovery_key


def open_with(vault_dir, clock, key):
    return unlock(vault_dir, Credential(AccessMode.RECOVERY, key), clock, "poste-test")


def test_opens_with_its_recovery_key_and_uses_sqlcipher_4_in_wal(vault_dir, clock, closed_vault):
    opened = open_with(vault_dir, clock, closed_vault)
    assert opened.conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    assert opened.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert opened.conn.execute("PRAGMA user_version").fetchone()[0] == (
        database.latest_schema_version())
    opened.lock(clock)


def test_database_file_is_not_readable_as_plain_sqlite(vault_dir, closed_vault):
    plain = sqlite3.connect(VaultLayout(vault_dir).database)
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    plain.close()


def test_wrong_data_key_is_refused_in_french(vault_dir, closed_vault):
    with pytest.raises(VaultError, match="ne correspond pas à sa clé"):
        database.connect(VaultLayout(vault_dir).database, os.urandom(32))


def test_missing_vault_is_a_clear_error(tmp_path, clock):
    with pytest.raises(VaultError, match="Aucun coffre"):
        open_with(tmp_path / "absent", clock, "AAAA")


def test_missing_database_file_is_a_clear_error(vault_dir, clock, closed_vault):
    VaultLayout(vault_dir).database.unlink()
    with pytest.raises(VaultError, match="introuvable"):
        open_with(vault_dir, clock, closed_vault)


def test_a_foreign_file_in_place_of_the_database_is_refused(vault_dir, clock, closed_vault):
    VaultLayout(vault_dir).database.write_bytes(os.urandom(8192))
    with pytest.raises(VaultError, match="endommagé"):
        open_with(vault_dir, clock, closed_vault)


def test_database_of_another_vault_is_refused(tmp_path, clock):
    first, first_key = create_vault(tmp_path / "a", OWNER, clock, "poste")
    first.lock(clock)
    second, _ = create_vault(tmp_path / "b", OWNER, clock, "poste")
    second.lock(clock)
    VaultLayout(tmp_path / "b").database.replace(VaultLayout(tmp_path / "a").database)
    # a's header opens a's key, which does not decrypt b's file
    with pytest.raises(VaultError):
        open_with(tmp_path / "a", clock, first_key)


def test_header_that_is_not_a_vault_header_is_refused(vault_dir, clock, closed_vault):
    VaultLayout(vault_dir).header.write_text('{"format": "autre chose"}')
    with pytest.raises(VaultError, match="pas un coffre Cabinet"):
        open_with(vault_dir, clock, closed_vault)


def test_garbage_header_is_refused(vault_dir, clock, closed_vault):
    VaultLayout(vault_dir).header.write_bytes(b"\xff\x00garbage")
    with pytest.raises(VaultError, match="illisible"):
        open_with(vault_dir, clock, closed_vault)


def test_header_from_a_newer_version_asks_for_an_update(vault_dir, clock, closed_vault):
    path = VaultLayout(vault_dir).header
    doc = json.loads(path.read_text())
    doc["version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(doc))
    with pytest.raises(VaultError, match="version plus récente"):
        open_with(vault_dir, clock, closed_vault)


def test_schema_from_a_newer_version_asks_for_an_update(vault_dir, clock, closed_vault):
    opened = open_with(vault_dir, clock, closed_vault)
    opened.conn.execute(f"PRAGMA user_version = {database.latest_schema_version() + 1}")
    opened.abandon()
    with pytest.raises(VaultError, match="version plus récente"):
        open_with(vault_dir, clock, closed_vault)


def test_wrong_recovery_key_is_refused(vault_dir, clock, closed_vault):
    other, other_key = create_vault(vault_dir.parent / "autre", OWNER, clock, "poste")
    other.lock(clock)
    with pytest.raises(WrongKey, match="n'ouvre pas ce coffre"):
        open_with(vault_dir, clock, other_key)


def test_a_demo_password_cannot_open_a_real_vault(vault_dir, clock, closed_vault):
    with pytest.raises(VaultError, match="pas un coffre de démonstration"):
        unlock(vault_dir, Credential(AccessMode.DEMO, DEMO_PASSWORD), clock, "poste")


def test_demo_vault_is_marked_in_its_header(tmp_path, clock):
    opened, _ = create_vault(tmp_path / "demo", OWNER, clock, "poste", demo_vault=True)
    opened.lock(clock)
    assert read_header(VaultLayout(tmp_path / "demo").header).demo
    reopened = unlock(tmp_path / "demo", Credential(AccessMode.DEMO, DEMO_PASSWORD), clock, "p")
    assert reopened.actor.mode is AccessMode.DEMO
    reopened.lock(clock)


def test_creating_over_an_existing_vault_is_refused(vault_dir, clock, closed_vault):
    with pytest.raises(VaultError, match="existe déjà"):
        create_vault(vault_dir, OWNER, clock, "poste")


def test_header_and_database_are_private_files(vault_dir, closed_vault):
    layout = VaultLayout(vault_dir)
    for path in (layout.folder, layout.header, layout.database):
        assert path.stat().st_mode & 0o077 == 0, path


def test_credential_repr_hides_the_secret():
    assert "s3cret" not in repr(Credential(AccessMode.DEGRADED, "s3cret"))
