"""`cabinet backup` at the terminal with a real vault and its recovery key.

Restored on a new workstation from the backup's own key slots; over the vault of this
workstation, newer than the backup, only with a typed reason.
"""

import os
import subprocess
import sys

from cabinet.domain.audit import AccessMode
from cabinet.domain.record import EntryKind
from cabinet.vault.session import Credential, unlock
from helpers.vaults import identity, new_context


def cabinet(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "cabinet", *map(str, args)], input=stdin,
                          capture_output=True, text=True, timeout=120, check=False,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"))


def test_restore_on_a_new_workstation_with_the_recovery_key_and_a_refused_rollback(
        tmp_path, clock):
    ctx, key = new_context(tmp_path / "coffre", clock)
    patient = ctx.patients.create(identity())
    ctx.lock()
    dest, vault = tmp_path / "SAUVEGARDE", tmp_path / "coffre"
    first = cabinet("backup", "create", "--vault", vault, "--dest", dest, stdin=key + "\n")
    assert first.returncode == 0, first.stderr
    older = first.stdout.split(":", 1)[1].split()[0]

    opened = unlock(vault, Credential(AccessMode.RECOVERY, key), clock, "poste")
    from cabinet.bootstrap import build_context

    build_context(opened, clock).records.add_entry(patient, EntryKind.ENCOUNTER, {
        "date": "2026-11-04", "reason": "Contrôle"})
    opened.lock(clock)  # the vault here is now newer than its backup (its anchor says so)
    listing = cabinet("backup", "list", "--vault", vault, "--dest", dest, stdin=key + "\n")
    assert f"{older}  " in listing.stdout and "NON" not in listing.stdout

    wrong = cabinet("backup", "restore", "--dest", dest, "--to", tmp_path / "neuf",
                    "--vault", tmp_path / "aucun", stdin="AAAA-BBBB-CCCC\n")
    assert wrong.returncode == 2 and not (tmp_path / "neuf").exists()

    refused = cabinet("backup", "restore", "--dest", dest, "--to", tmp_path / "neuf",
                      "--snapshot", older, "--vault", vault, stdin=key + "\n")
    assert refused.returncode == 2
    assert "plus ancienne que le dernier état connu" in refused.stderr
    assert not (tmp_path / "neuf").exists()

    done = cabinet("backup", "restore", "--dest", dest, "--to", tmp_path / "neuf",
                   "--snapshot", older, "--vault", vault, "--rollback",
                   stdin=key + "\nordinateur volé, disque récent perdu\n\n")
    assert done.returncode == 0, done.stderr
    elsewhere = cabinet("backup", "restore", "--dest", dest, "--to", tmp_path / "autre-poste",
                        "--vault", tmp_path / "aucun", stdin=key + "\n")
    assert "Coffre restauré" in elsewhere.stdout
    restored = unlock(tmp_path / "neuf", Credential(AccessMode.RECOVERY, key), clock, "neuf")
    try:
        assert restored.conn.execute("SELECT count(*) FROM entry").fetchone()[0] == 0
        details = " ".join(r[0] for r in restored.conn.execute("SELECT detail FROM audit"))
        assert "motif : ordinateur volé, disque récent perdu" in details
    finally:
        restored.lock(clock)
