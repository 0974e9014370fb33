"""The `cabinet` command, run as the physician runs it: a real process, a real vault."""

import os
import re
import subprocess
import sys

import pytest

from cabinet.bootstrap import build_context
from cabinet.domain.audit import AccessMode
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import Credential, create_vault, unlock
from helpers.vaults import OWNER


def cabinet(*args, stdin=""):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cabinet", *map(str, args)], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture(scope="module")
def demo_vault(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "coffre"
    result = cabinet("demo", "--vault", folder, "--patients", 25, "--seed", 7, "--no-gui")
    assert result.returncode == 0, result.stderr
    return folder, result.stdout


def test_demo_creates_a_marked_vault_and_prints_its_credentials(demo_vault):
    folder, output = demo_vault
    assert "Patients : 25" in output
    assert "Mot de passe de démonstration : demo" in output
    assert "Clé de secours : " in output
    assert "Journal intègre" in output
    assert VaultLayout(folder).database.exists()


def test_demo_reopens_an_existing_demo_vault_without_prompt(demo_vault):
    folder, _ = demo_vault
    result = cabinet("demo", "--vault", folder, "--no-gui")
    assert result.returncode == 0, result.stderr
    assert "Patients : 25" in result.stdout


def test_demo_is_deterministic_from_its_seed(tmp_path, demo_vault):
    _, first = demo_vault
    second = cabinet("demo", "--vault", tmp_path / "autre", "--patients", 25, "--seed", 7,
                     "--no-gui").stdout
    counts = [line for line in first.splitlines() if line.startswith("  ") and ":" in line]
    assert counts[:5] == [line for line in second.splitlines()
                          if line.startswith("  ") and ":" in line][:5]


def test_vault_check_and_audit_verify_pass_on_a_healthy_vault(demo_vault):
    folder, _ = demo_vault
    check = cabinet("vault", "check", "--vault", folder)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Intégrité des pages chiffrées : correcte" in check.stdout
    verify = cabinet("audit", "verify", "--vault", folder)
    assert verify.returncode == 0
    assert "Journal intègre" in verify.stdout


def test_real_vault_asks_for_its_key_on_stdin_never_as_argument(tmp_path, clock):
    opened, recovery_key = create_vault(tmp_path / "v", OWNER, clock, "poste")
    opened.lock(clock)
    good = cabinet("audit", "verify", "--vault", tmp_path / "v", stdin=recovery_key + "\n")
    assert good.returncode == 0, good.stderr
    assert "Clé de secours" in good.stderr
    bad = cabinet("audit", "verify", "--vault", tmp_path / "v", stdin="AAAA-BBBB\n")
    assert bad.returncode == 2
    assert "Accès refusé" in bad.stderr and "Traceback" not in bad.stderr


def test_tampered_journal_fails_the_check_and_names_the_event(tmp_path, clock):
    opened, recovery_key = create_vault(tmp_path / "v", OWNER, clock, "poste")
    opened.conn.execute("DROP TRIGGER audit_append_only_update")
    opened.conn.execute("UPDATE audit SET actor = 'autre' WHERE id = 1")
    opened.abandon()
    result = cabinet("vault", "check", "--vault", tmp_path / "v", stdin=recovery_key + "\n")
    assert result.returncode == 1
    assert "altéré à partir de l'évènement n° 1" in result.stdout


def test_missing_vault_gets_a_french_message(tmp_path):
    result = cabinet("vault", "check", "--vault", tmp_path / "rien")
    assert result.returncode == 2
    assert "Aucun coffre Cabinet" in result.stderr and "Traceback" not in result.stderr


def test_vault_create_prints_the_recovery_key_once(tmp_path):
    result = cabinet("vault", "create", "--vault", tmp_path / "v",
                     stdin="Dr Jeanne Martin\n10101010101\n")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1].strip()
    assert len(key.split("-")) == 10
    check = cabinet("vault", "check", "--vault", tmp_path / "v", stdin=key + "\n")
    assert check.returncode == 0


def test_vault_create_keeps_the_prescriber_for_signed_documents(tmp_path, clock):
    result = cabinet("vault", "create", "--vault", tmp_path / "v",
                     stdin="Dr Jeanne Martin\n10101010105\n")
    assert result.returncode == 0, result.stderr
    assert "RPPS" not in result.stderr
    key = result.stdout.strip().splitlines()[-1].strip()
    opened = unlock(tmp_path / "v", Credential(AccessMode.RECOVERY, key), clock, "poste")
    try:
        settings = build_context(opened).settings.current()
    finally:
        opened.abandon()
    assert (settings["physician_name"], settings["rpps"]) == ("Dr Jeanne Martin", "10101010105")


def test_vault_create_says_at_once_that_an_rpps_without_its_key_prevents_signing(tmp_path):
    result = cabinet("vault", "create", "--vault", tmp_path / "v",
                     stdin="Dr Jeanne Martin\n10101010101\n")
    assert result.returncode == 0, result.stderr
    assert "clé de contrôle" in result.stderr and "Paramètres du cabinet" in result.stderr


def test_the_recovery_sheet_carries_the_key_that_opens_the_vault(tmp_path):
    from helpers import pdf_checks

    sheet = tmp_path / "feuille-de-secours.pdf"
    result = cabinet("vault", "create", "--vault", tmp_path / "v", "--sheet", sheet,
                     stdin="Dr Jeanne Martin\n10101010101\n")
    assert result.returncode == 0, result.stderr
    assert sheet.stat().st_mode & 0o077 == 0  # readable by its owner only
    printed = " ".join(pdf_checks.pdf_text(sheet).split())
    lines = re.findall(r"\b(?:[A-Z2-7]{4} ){4}[A-Z2-7]{4}\b", printed)
    key = "-".join(" ".join(lines[:2]).split())
    assert "Comment l'utiliser" in printed and "conseil départemental" in printed
    assert pdf_checks.fonts_all_embedded(sheet) and pdf_checks.pdfa_identified(sheet)
    check = cabinet("vault", "check", "--vault", tmp_path / "v", stdin=key + "\n")
    assert check.returncode == 0, check.stderr
