"""`cabinet results import`, run as the physician runs it, on a real demo vault."""

import os
import subprocess
import sys

from cabinet.bootstrap import VaultDoor
from cabinet.domain.audit import AccessMode
from cabinet.domain.record import EntryKind
from helpers.hprim_files import HprimFile, drop
from helpers.vaults import identity, new_context


def test_the_folders_files_are_filed_set_aside_or_refused(vault_dir, clock, tmp_path):
    ctx, _ = new_context(vault_dir, clock, demo=True)
    emilie = ctx.patients.create(identity("Lefèvre", "Émilie"))
    ctx.lock()
    folder = tmp_path / "réception"
    drop(folder, "a.hpr", HprimFile().encoded())
    drop(folder, "b.hpr", HprimFile(last_name="INCONNU").encoded())
    drop(folder, "c.hpr", HprimFile(sampled_on="31/11/2026").encoded())
    result = subprocess.run(
        [sys.executable, "-m", "cabinet", "results", "import", str(folder), "--vault",
         str(vault_dir)], capture_output=True, text=True, timeout=120, check=False,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert result.returncode == 0, result.stderr
    assert "1 classé(s) dans les dossiers, 1 à classer, 1 refusé(s)" in result.stdout
    assert "refusé : c.hpr — Ligne 10 : la date du prélèvement" in result.stdout
    assert "LEFEVRE" not in result.stdout and "INCONNU" not in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["refusés"]
    ctx = VaultDoor(vault_dir, clock).open(AccessMode.DEMO, "demo")
    try:
        assert len(ctx.records.open_record(emilie).of_kind(EntryKind.DOCUMENT)) == 1
        assert len(ctx.results.pending()) == 1
    finally:
        ctx.lock()
