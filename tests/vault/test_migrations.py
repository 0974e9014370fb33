"""Numbered migrations bring an older vault up to date, each in its own transaction."""

import os

from cabinet.vault import database


def test_a_vault_at_schema_1_is_migrated_on_open(tmp_path):
    key = os.urandom(32)
    path = tmp_path / "ancien.vault"
    conn = database.sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    first = dict(database.migrations())[1]
    with database.transaction(conn):
        for statement in database._statements(first):
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO meta (key, value) VALUES ('vault_id', 'ancien')")
    conn.close()

    migrated = database.connect(path, key)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == (
        database.latest_schema_version())
    indexes = {r[0] for r in migrated.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"patient_name_token_by_patient", "audit_target"} <= indexes
    assert migrated.execute("SELECT value FROM meta").fetchone()[0] == "ancien"
    migrated.close()


def test_migrations_are_numbered_without_gaps():
    numbers = [number for number, _ in database.migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
