"""Rebuilding the imported archives' table keeps every row and every reference to it."""

import os

import pytest

from cabinet.vault import database

SIGNED = "imported_archive_signed"


def vault_before_the_rebuild(path, key: bytes) -> None:
    """A vault whose schema stops just before the rebuild, holding one imported archive."""
    conn = database.sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA foreign_keys = ON")
    for number, script in database.migrations():
        if SIGNED in script:
            break
        with database.transaction(conn):
            for statement in database._statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
    conn.execute("INSERT INTO patient (created_at, created_by) VALUES ('2026-01-02', 'Dr A')")
    conn.execute("INSERT INTO imported_archive (export_id, manifest, signature, exporter, "
                 "exporter_rpps, certificate_sha256, extract_time, imported_at, imported_by) "
                 "VALUES ('e1', x'01', x'02', 'Dr A', '1', 'aa', 't', 'u', 'Dr B')")
    conn.execute("INSERT INTO provenance VALUES ('patient', 1, 1, 7)")
    conn.close()


def test_the_rebuild_keeps_rows_references_and_the_kept_as_received_rule(tmp_path):
    key, path = os.urandom(32), tmp_path / "ancien.vault"
    vault_before_the_rebuild(path, key)
    migrated = database.connect(path, key)
    assert migrated.execute("SELECT id, export_id FROM imported_archive").fetchall() == [
        (1, "e1")]
    assert migrated.execute("PRAGMA foreign_key_check").fetchall() == []
    assert migrated.execute("SELECT archive FROM provenance").fetchall() == [(1,)]
    # the same export number, signed otherwise, may now come in; the very same may not
    migrated.execute("INSERT INTO imported_archive (export_id, manifest, signature, exporter, "
                     "exporter_rpps, certificate_sha256, extract_time, imported_at, "
                     "imported_by) VALUES ('e1', x'01', x'03', 'X', '1', 'bb', 't', 'u', 'Dr B')")
    with pytest.raises(database.sqlcipher3.IntegrityError):
        migrated.execute("INSERT INTO imported_archive (export_id, manifest, signature, "
                         "exporter, exporter_rpps, certificate_sha256, extract_time, "
                         "imported_at, imported_by) "
                         "VALUES ('e1', x'01', x'04', 'X', '1', 'bb', 't', 'u', 'Dr B')")
    with pytest.raises(database.sqlcipher3.DatabaseError, match="kept as received"):
        migrated.execute("DELETE FROM imported_archive")
    migrated.close()
