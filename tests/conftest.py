"""Shared fixtures: a controlled clock and real SQLCipher vaults in temporary folders."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from helpers.clock import SteppingClock
from helpers.secret_store import MemorySecretStore
from helpers.vaults import new_context


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def secret_store() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def vault_dir(tmp_path):
    return tmp_path / "coffre"


@pytest.fixture
def ctx(vault_dir, clock):
    """An open vault with its services; locked at the end of the test if still open."""
    context, _ = new_context(vault_dir, clock)
    yield context
    context.lock()
