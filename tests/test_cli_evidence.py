"""Evidence that survives a hand on the data key or a restore (issue 15, item 5), as the
physician sees it from the command line: `vault check`, `audit verify`, `audit acknowledge`."""

import shutil
from pathlib import Path

import pytest

from cabinet.domain.audit import AccessMode
from cabinet.domain.record import EntryKind
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import Credential, unlock
from helpers.vaults import identity, new_context
from test_cli import cabinet


@pytest.fixture
def practice(tmp_path, clock) -> tuple[Path, str, int]:
    """A locked vault with an entry and its correction; its recovery key and the entry."""
    ctx, recovery_key = new_context(tmp_path / "coffre", clock)
    patient = ctx.patients.create(identity())
    lineage = ctx.records.add_entry(patient, EntryKind.ENCOUNTER, {
        "date": "2026-09-01", "reason": "Toux sèche"})
    ctx.records.correct_entry(lineage, {"date": "2026-09-01", "reason": "Toux grasse"},
                              "faute de frappe")
    ctx.records.add_entry(patient, EntryKind.ALLERGY, {"status": "none_known"})
    ctx.lock()
    return tmp_path / "coffre", recovery_key, lineage


def by_hand(folder: Path, recovery_key: str, clock, *statements: str) -> None:
    """Someone holding the data key runs SQL on the vault, as the sqlcipher shell would."""
    opened = unlock(folder, Credential(AccessMode.RECOVERY, recovery_key), clock, "poste")
    for statement in statements:
        opened.conn.execute(statement)
    opened.lock(clock)


def check(folder: Path, recovery_key: str):
    return cabinet("vault", "check", "--vault", folder, stdin=recovery_key + "\n")


def test_a_healthy_vault_passes_every_evidence_check(practice):
    folder, recovery_key, _ = practice
    result = check(folder, recovery_key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Schéma : conforme" in result.stdout
    assert "Empreintes des entrées : 3 version(s) conforme(s)" in result.stdout


def test_an_entry_edited_in_place_is_named_with_the_dropped_trigger(practice, clock):
    folder, recovery_key, lineage = practice
    by_hand(folder, recovery_key, clock,
            "DROP TRIGGER entry_append_only_update",
            f"UPDATE entry SET payload = replace(payload, 'grasse', 'absente') "
            f"WHERE lineage = {lineage} AND version = 2")
    result = check(folder, recovery_key)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (f"entrée n° {lineage}, version 2 : contenu modifié après son inscription au "
            "journal") in result.stdout
    assert "déclencheur « entry_append_only_update » : absent" in result.stdout
    assert f"entrée n° {lineage}, version 1" not in result.stdout


def test_a_dropped_trigger_alone_is_named(practice, clock):
    folder, recovery_key, _ = practice
    by_hand(folder, recovery_key, clock, "DROP TRIGGER audit_append_only_delete")
    result = check(folder, recovery_key)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "déclencheur « audit_append_only_delete » : absent" in result.stdout
    assert "Empreintes des entrées : 3 version(s) conforme(s)" in result.stdout


def rolled_back(practice, clock) -> tuple[Path, str]:
    """The vault's database put back from an older copy after more work was done."""
    folder, recovery_key, _ = practice
    layout = VaultLayout(folder)
    old_copy = folder.parent / "ancienne-copie"
    shutil.copy(layout.database, old_copy)
    opened = unlock(folder, Credential(AccessMode.RECOVERY, recovery_key), clock, "poste")
    opened.lock(clock)
    shutil.copy(old_copy, layout.database)
    for sidecar in layout.sidecar_files():
        sidecar.unlink(missing_ok=True)
    return folder, recovery_key


def test_an_anchor_alert_stays_raised_until_acknowledged(practice, clock):
    folder, recovery_key = rolled_back(practice, clock)
    for _ in range(2):
        result = check(folder, recovery_key)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Alerte du journal non levée" in result.stdout
        assert "copie plus ancienne" in result.stdout
        assert "cabinet audit acknowledge" in result.stdout

    reason = "Restauration volontaire après panne du disque, vérifiée"
    acknowledged = cabinet("audit", "acknowledge", "--vault", folder,
                           stdin=f"{recovery_key}\n{reason}\n")
    assert acknowledged.returncode == 0, acknowledged.stdout + acknowledged.stderr
    assert "Alerte levée" in acknowledged.stdout

    result = check(folder, recovery_key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ancre du journal : aucune alerte en attente" in result.stdout
    opened = unlock(folder, Credential(AccessMode.RECOVERY, recovery_key), clock, "poste")
    details = [e["detail"] for e in opened.store.audit_rows(None, 200)
               if e["target"] == "journal anchor acknowledged"]
    opened.lock(clock)
    assert len(details) == 1 and reason in details[0]


def test_audit_verify_fails_on_an_older_journal(practice, clock):
    folder, recovery_key = rolled_back(practice, clock)
    result = cabinet("audit", "verify", "--vault", folder, stdin=recovery_key + "\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Journal intègre" in result.stdout  # the chain alone sees nothing
    assert "Alerte du journal non levée" in result.stdout


def test_acknowledging_without_a_reason_keeps_the_alert(practice, clock):
    folder, recovery_key = rolled_back(practice, clock)
    refused = cabinet("audit", "acknowledge", "--vault", folder, stdin=f"{recovery_key}\n\n")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "motif" in refused.stderr
    assert check(folder, recovery_key).returncode == 1


def test_acknowledging_with_no_alert_says_so(practice):
    folder, recovery_key, _ = practice
    result = cabinet("audit", "acknowledge", "--vault", folder, stdin=recovery_key + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Aucune alerte du journal" in result.stdout
