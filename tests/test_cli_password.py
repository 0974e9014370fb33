"""Degraded mode from the command line, with the real OS keyring (AUTH-3)."""

import os
import subprocess
import sys

import pytest

from cabinet.vault.session import create_vault
from helpers.keyring_session import secret_service_env  # noqa: F401 - fixture
from helpers.vaults import OWNER

PASSWORD = "Garde-de-Nuit-2026!"


def cabinet(*args, stdin):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cabinet", *map(str, args)], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.mark.usefixtures("secret_service_env")
def test_set_password_then_open_with_it(tmp_path, clock):
    opened, recovery_key = create_vault(tmp_path / "v", OWNER, clock, "poste")
    opened.lock(clock)
    weak = cabinet("vault", "set-password", "--vault", tmp_path / "v",
                   stdin=f"{recovery_key}\nmotdepasse\nmotdepasse\n")
    assert weak.returncode == 2
    assert "CNIL" in weak.stderr or "courant" in weak.stderr
    mismatch = cabinet("vault", "set-password", "--vault", tmp_path / "v",
                       stdin=f"{recovery_key}\n{PASSWORD}\nautre\n")
    assert mismatch.returncode == 2 and "diffèrent" in mismatch.stderr
    done = cabinet("vault", "set-password", "--vault", tmp_path / "v",
                   stdin=f"{recovery_key}\n{PASSWORD}\n{PASSWORD}\n")
    assert done.returncode == 0, done.stderr
    verify = cabinet("audit", "verify", "--vault", tmp_path / "v", stdin=f"{PASSWORD}\n")
    assert verify.returncode == 0, verify.stderr
    wrong = cabinet("audit", "verify", "--vault", tmp_path / "v", stdin="Mauvais-Passe-2026!\n")
    assert wrong.returncode == 2 and "Mot de passe incorrect" in wrong.stderr
    assert PASSWORD not in (verify.stdout + verify.stderr + wrong.stderr)
