"""`cabinet vault check` on a vault whose file was damaged on disk: a diagnosis, no traceback."""

from pathlib import Path

import pytest

from cabinet.domain.record import EntryKind
from cabinet.vault.layout import VaultLayout
from helpers.vaults import identity, new_context
from test_cli import cabinet

PAGE = 4096  # SQLCipher 4's page size


@pytest.fixture
def practice(tmp_path, clock) -> tuple[Path, str]:
    """A locked vault of some forty records, spread over many pages; and its recovery key."""
    ctx, recovery_key = new_context(tmp_path / "coffre", clock)
    for number in range(40):
        patient = ctx.patients.create(identity("Patient", f"Prénom{'x' * (number % 7)}"))
        ctx.records.add_entry(patient, EntryKind.ENCOUNTER, {
            "date": "2026-09-01", "reason": "Suivi " * 60})
    ctx.lock()
    return tmp_path / "coffre", recovery_key


def damage(folder: Path, *pages: int) -> None:
    """Flip bytes inside each page (numbered from 1, as SQLite does)."""
    with VaultLayout(folder).database.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * PAGE + 200)
            original = file.read(32)
            file.seek((page - 1) * PAGE + 200)
            file.write(bytes(b ^ 0xFF for b in original))


def page_count(folder: Path) -> int:
    return VaultLayout(folder).database.stat().st_size // PAGE


def assert_diagnosed(result, pages: int) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "ERROR CORE" not in output
    assert f"{pages} page(s) du coffre" in result.stdout
    assert "ne passent plus le contrôle d'authenticité" in result.stdout
    assert "sauvegarde" in result.stdout and "support" in result.stdout


def test_damaged_pages_are_counted_and_explained(practice):
    folder, recovery_key = practice
    last = page_count(folder)
    damage(folder, last - 2, last - 1, last)
    result = cabinet("vault", "check", "--vault", folder, stdin=recovery_key + "\n")
    assert_diagnosed(result, 3)
    for page in (last - 2, last - 1, last):
        assert f"page {page} : contenu altéré" in result.stdout


@pytest.mark.parametrize("where", ["first", "middle"])
def test_a_damaged_page_read_while_opening_is_diagnosed_too(practice, where):
    folder, recovery_key = practice
    damage(folder, 1 if where == "first" else page_count(folder) // 2)
    result = cabinet("vault", "check", "--vault", folder, stdin=recovery_key + "\n")
    assert_diagnosed(result, 1)


def test_other_commands_refuse_a_damaged_vault_in_french(practice):
    folder, recovery_key = practice
    damage(folder, 1)
    result = cabinet("audit", "verify", "--vault", folder, stdin=recovery_key + "\n")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "1 page(s) du coffre" in result.stderr
