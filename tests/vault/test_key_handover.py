"""The data key reaches SQLCipher without a string of it that Python could not wipe (issue 19)."""

from cabinet.vault import database
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import create_vault
from helpers.sql_trace import trace_vault_statements
from helpers.vaults import OWNER


def test_no_statement_sqlcipher_runs_holds_the_data_key(vault_dir, clock, monkeypatch):
    opened, _ = create_vault(vault_dir, OWNER, clock, "poste-test")
    data_key = bytes(opened.data_key)
    opened.lock(clock)
    statements = trace_vault_statements(monkeypatch)
    conn = database.connect(VaultLayout(vault_dir).database, data_key)
    assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] > 0  # opened with it
    conn.close()
    assert statements  # the trace saw the opening
    hex_key = data_key.hex()
    assert not [sql for sql in statements if hex_key in sql.lower()]
