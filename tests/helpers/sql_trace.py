"""Every SQL statement SQLCipher runs on the vault's connections, as its trace reports it."""

import pytest
import sqlcipher3


def trace_vault_statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Trace each connection the vault opens from now on; the list fills as statements run."""
    statements: list[str] = []
    real_connect = sqlcipher3.connect

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr("cabinet.vault.database.sqlcipher3.connect", connect)
    return statements
