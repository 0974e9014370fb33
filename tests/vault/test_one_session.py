"""One vault, one session: a second opening is refused while the first runs, never after."""

import json
import os
import signal
import subprocess
import sys

import pytest

from cabinet.bootstrap import VaultDoor
from cabinet.domain.audit import AccessMode
from cabinet.errors import VaultError
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.vault.layout import VaultLayout
from helpers.vaults import identity, new_context
from test_cli import cabinet

BUSY = "Ce dossier est déjà ouvert sur ce poste (processus {pid}, cabinet"


@pytest.fixture
def demo_vault(tmp_path, clock):
    """A locked demo vault (it opens without a prompt) with patient n° 1."""
    ctx, _ = new_context(tmp_path / "coffre", clock, demo=True)
    ctx.patients.create(identity("Lefèvre", "Émilie"))
    ctx.lock()
    return tmp_path / "coffre"


@pytest.fixture
def command_holding_the_vault(demo_vault, tmp_path):
    """`cabinet sign certificate` waiting at its prompt: a real process with the vault open."""
    holder = subprocess.Popen(
        [sys.executable, "-m", "cabinet", "sign", "certificate", "--vault", str(demo_vault),
         "--patient", "1", "--to", str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    seen = ""
    while "Texte du certificat" not in seen:
        line = holder.stderr.readline()
        assert line, f"the command stopped before its prompt: {seen}"
        seen += line
    yield holder
    if holder.poll() is None:
        holder.kill()
    holder.wait(timeout=30)
    holder.stderr.close()
    holder.stdin.close()


def test_a_second_command_is_refused_while_the_first_holds_the_vault(
        demo_vault, command_holding_the_vault):
    result = cabinet("vault", "check", "--vault", demo_vault)
    assert result.returncode == 2
    assert BUSY.format(pid=command_holding_the_vault.pid) in result.stderr
    assert "Traceback" not in result.stderr


def test_the_window_is_refused_while_a_command_holds_the_vault(
        demo_vault, command_holding_the_vault, clock):
    with pytest.raises(VaultError) as refused:
        VaultDoor(demo_vault, clock).open(AccessMode.DEMO, DEMO_PASSWORD)
    assert BUSY.format(pid=command_holding_the_vault.pid) in refused.value.message


def test_a_command_is_refused_while_the_window_holds_the_vault(demo_vault, clock):
    ctx = VaultDoor(demo_vault, clock).open(AccessMode.DEMO, DEMO_PASSWORD)
    try:
        result = cabinet("audit", "verify", "--vault", demo_vault)
        assert result.returncode == 2
        assert "Ce dossier est déjà ouvert sur ce poste (processus " \
               f"{os.getpid()}, " in result.stderr
    finally:
        ctx.lock()
    assert cabinet("audit", "verify", "--vault", demo_vault).returncode == 0


def test_a_killed_holder_leaves_a_stale_note_that_does_not_block(
        demo_vault, command_holding_the_vault):
    os.kill(command_holding_the_vault.pid, signal.SIGKILL)
    command_holding_the_vault.wait(timeout=30)
    note = json.loads(VaultLayout(demo_vault).lock_file.read_text(encoding="utf-8"))
    assert note["pid"] == command_holding_the_vault.pid
    assert set(note) == {"pid", "program", "workstation", "since"}  # no patient data
    result = cabinet("vault", "check", "--vault", demo_vault)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Journal intègre" in result.stdout


def test_a_note_naming_a_live_process_does_not_block_without_its_lock(demo_vault, clock):
    # The process number was reused by a living process: only the OS lock counts.
    VaultLayout(demo_vault).lock_file.write_text(json.dumps(
        {"pid": os.getppid(), "program": "cabinet", "workstation": "x", "since": "x"}))
    VaultDoor(demo_vault, clock).open(AccessMode.DEMO, DEMO_PASSWORD).lock()


def test_a_closed_session_lets_the_next_one_in(demo_vault, clock):
    door = VaultDoor(demo_vault, clock)
    door.open(AccessMode.DEMO, DEMO_PASSWORD).lock()
    door.open(AccessMode.DEMO, DEMO_PASSWORD).lock()
    assert VaultLayout(demo_vault).lock_file.read_text() == ""
