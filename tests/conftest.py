"""Shared fixtures: a controlled clock and real SQLCipher vaults in temporary folders."""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from helpers.clock import SteppingClock
from helpers.secret_store import MemorySecretStore
from helpers.vaults import new_context


@pytest.fixture(scope="session", autouse=True)
def _drug_base_of_the_session(tmp_path_factory):
    """The public drug base every window of the session opens, imported once (seconds) into
    the session's own data folder, never the user's."""
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("donnees"))
    from cabinet.bootstrap import open_drugs

    open_drugs().close()


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def secret_store() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture(autouse=True)
def _private_refusals_note(monkeypatch, tmp_path):
    """In this process, the guard's note of refused starts lives in the test's own folder:
    a note left by a child process never reaches the vaults the tests unlock."""
    from cabinet import guard

    monkeypatch.setattr(guard, "refusals_log", lambda: tmp_path / "demarrages-refuses.jsonl")


@pytest.fixture(autouse=True)
def _no_answer_outlives_its_test():
    """Answers scheduled for dialogs that never came are dropped, not given to the next test."""
    yield
    qt_helpers = sys.modules.get("helpers.qt")
    if qt_helpers is not None:
        qt_helpers.forget_unanswered()


@pytest.fixture
def vault_dir(tmp_path):
    return tmp_path / "coffre"


@pytest.fixture
def ctx(vault_dir, clock):
    """An open vault with its services; locked at the end of the test if still open."""
    context, _ = new_context(vault_dir, clock)
    yield context
    context.lock()


# The card test stack (tests/helpers/card_fixtures.py). libpcsclite reads PCSCLITE_CSOCK_NAME once
# per process: pointing it at the tests' private pcscd before anything touches PC/SC means no
# test can ever reach the machine's own pcscd, nor a real card in a real reader.
from helpers.pcsc_stack import use_private_socket  # noqa: E402

use_private_socket()

from helpers.card_fixtures import (  # noqa: E402, F401
    card_document_signer,
    card_reader,
    decrypt_only_key_card,
    long_reader_card,
    odd_tokens,
    openpgp_card,
    other_physician_card,
    physician_card,
    physician_tokens,
    pin_counter,
    softhsm,
    stale_certificate_card,
)
