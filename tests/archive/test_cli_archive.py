"""`cabinet archive export|verify|import` as real processes, on real demo vaults (CONT-2/3)."""

import re
from pathlib import Path

import pytest

from cabinet.bootstrap import build_context
from cabinet.vault.session import create_vault
from helpers.clock import SteppingClock
from helpers.records import marked_practice
from helpers.vaults import OWNER, identity, valid_nir
from test_cli import cabinet


def demo_vault(folder: Path, fill) -> Path:
    opened, _ = create_vault(folder, OWNER, SteppingClock(), "poste", demo_vault=True)
    ctx = build_context(opened)
    fill(ctx)
    ctx.lock()
    return folder


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A demo practice exported once with a passphrase: (archive, passphrase)."""
    base = tmp_path_factory.mktemp("archive-cli")
    source = demo_vault(base / "source", marked_practice)
    media = base / "media"
    media.mkdir()
    result = cabinet("archive", "export", "--vault", source, "--to", media)
    assert result.returncode == 0, result.stderr
    path = Path(re.search(r"Archive écrite : (.*)", result.stdout).group(1))
    lines = result.stdout.splitlines()
    announced = next(n for n, line in enumerate(lines) if "Phrase secrète" in line)
    passphrase = lines[announced + 1].strip()
    return path, passphrase


def test_export_prints_the_passphrase_once_and_never_a_patient_name(exported):
    path, passphrase = exported
    assert re.fullmatch(r"([A-Z2-7]{4}-){9}[A-Z2-7]{4}", passphrase)
    assert path.name.endswith(".cabarch")


def test_verify_reports_the_signer_and_the_journal(exported):
    path, passphrase = exported
    result = cabinet("archive", "verify", path, stdin=f"{passphrase}\n")
    assert result.returncode == 0, result.stderr
    assert "Archive intègre, signée par DEMO — sans valeur" in result.stdout
    assert "2 patient(s)" in result.stdout
    assert "Journal intègre" in result.stdout


def test_verify_refuses_a_changed_byte(exported, tmp_path):
    path, passphrase = exported
    changed = tmp_path / "changed.cabarch"
    raw = bytearray(path.read_bytes())
    raw[-100] ^= 1
    changed.write_bytes(bytes(raw))
    result = cabinet("archive", "verify", changed, stdin=f"{passphrase}\n")
    assert result.returncode != 0
    assert "modifiée ou tronquée" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_import_asks_about_the_duplicate_then_for_oui(exported, tmp_path):
    path, passphrase = exported
    successor = demo_vault(tmp_path / "successeur", lambda ctx: ctx.patients.create(
        identity("Lefèvre", "Émilie", nir=valid_nir("2610375056123"))))
    declined = cabinet("archive", "import", path, "--vault", successor,
                       stdin=f"{passphrase}\nN\nnon\n")
    assert declined.returncode == 1
    assert "Doublons possibles : 1" in declined.stdout
    assert "rien n'a été écrit" in declined.stdout
    result = cabinet("archive", "import", path, "--vault", successor,
                     stdin=f"{passphrase}\nN\nOUI\n")
    assert result.returncode == 0, result.stderr
    assert "Importé : 1 patient(s)" in result.stdout
    again = cabinet("archive", "import", path, "--vault", successor,
                    stdin=f"{passphrase}\nOUI\n")
    assert again.returncode != 0
    assert "déjà été importée" in again.stderr + again.stdout


def test_audit_verify_also_checks_the_predecessors_journal(exported, tmp_path):
    path, passphrase = exported
    successor = demo_vault(tmp_path / "successeur", lambda ctx: None)
    imported = cabinet("archive", "import", path, "--vault", successor,
                       stdin=f"{passphrase}\nOUI\n")
    assert imported.returncode == 0, imported.stderr
    result = cabinet("audit", "verify", "--vault", successor)
    assert result.returncode == 0, result.stderr
    assert "Journal de DEMO — sans valeur" in result.stdout
    assert result.stdout.count("Journal intègre") == 2


def test_patients_and_a_period_together_are_refused(tmp_path):
    vault = demo_vault(tmp_path / "coffre", marked_practice)
    (tmp_path / "media").mkdir()
    result = cabinet("archive", "export", "--vault", vault, "--to", tmp_path / "media",
                     "--patient", "1", "--since", "2020-01-01")
    assert result.returncode != 0
    assert "pas les deux" in result.stderr + result.stdout
    assert list((tmp_path / "media").iterdir()) == []
