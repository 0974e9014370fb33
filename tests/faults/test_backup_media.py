"""`cabinet backup` on real small file systems that fill up, go read-only, vanish or get killed.

Each medium is a size-limited tmpfs mounted in a private mount namespace (a `sleep` started by
`unshare`, entered with `nsenter`); the command runs inside it as a subprocess, and the test
reads the medium through /proc/PID/root. Each time: the vault still opens intact, no
half-written backup counts, the message is French, and the next backup succeeds.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from cabinet.audit import journal
from cabinet.domain.audit import AccessMode
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.vault.session import Credential, unlock
from helpers.records import marked_practice
from helpers.vaults import new_context

# A developer's unprivileged run passes over them; CI (root, CI=true) always runs them: there,
# a missing privilege fails instead of skipping.
pytestmark = pytest.mark.skipif(
    not os.environ.get("CI") and (os.geteuid() != 0 or not shutil.which("unshare")),
    reason="needs root to mount file systems in a namespace")

ENV = dict(os.environ, PYTHONIOENCODING="utf-8")


class Namespace:
    """A private mount namespace kept alive by a sleeping process."""

    def __init__(self, mountpoint):
        self.holder = subprocess.Popen(["unshare", "--mount", "--propagation", "private",
                                        "sleep", "300"])
        self.mountpoint = mountpoint
        mountpoint.mkdir()
        time.sleep(0.2)

    def run(self, *command, check=True):
        return subprocess.run(["nsenter", "-t", str(self.holder.pid), "-m", "--", *command],
                              capture_output=True, text=True, env=ENV, check=check, timeout=120)

    def start(self, *command):
        return subprocess.Popen(["nsenter", "-t", str(self.holder.pid), "-m", "--", *command],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=ENV)

    def mount(self, size):
        self.run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(self.mountpoint))

    def remount(self, options):
        self.run("mount", "-o", f"remount,{options}", str(self.mountpoint))

    def seen(self, path):
        """`path` inside the namespace, as this process reads it."""
        return f"/proc/{self.holder.pid}/root{path}"

    def close(self):
        self.holder.kill()
        self.holder.wait()


def cabinet(*args):
    return [sys.executable, "-m", "cabinet", *map(str, args)]


@pytest.fixture
def practice(tmp_path, clock):
    ctx, _ = new_context(tmp_path / "coffre", clock, demo=True)
    marked = marked_practice(ctx)
    for number in range(40):
        ctx.records.add_document(marked.patient, {
            "doc_type": "result", "title": f"Imagerie {number}", "origin": "Centre",
            "date": "2026-10-30", "filename": "image.bin",
            "media_type": "application/octet-stream"}, os.urandom(512 * 1024))
    ctx.lock()
    return tmp_path / "coffre"


@pytest.fixture
def namespace(tmp_path):
    space = Namespace(tmp_path / "SAUVEGARDE")
    yield space
    space.close()


def assert_vault_intact(folder, clock):
    vault = unlock(folder, Credential(AccessMode.DEMO, DEMO_PASSWORD), clock, "poste")
    try:
        assert vault.conn.execute("SELECT count(*) FROM patient").fetchone()[0] == 2
        assert vault.conn.execute("SELECT count(*) FROM blob").fetchone()[0] == 41
        assert journal.verify(vault.conn).intact
    finally:
        vault.lock(clock)


def backups(namespace, vault):
    return namespace.run(*cabinet("backup", "list", "--vault", vault, "--dest",
                                  namespace.mountpoint)).stdout


def test_a_full_then_read_only_medium_fails_in_french_and_the_next_backup_succeeds(
        practice, namespace, clock):
    namespace.mount("1m")
    full = namespace.run(*cabinet("backup", "create", "--vault", practice, "--dest",
                                  namespace.mountpoint), check=False)
    assert full.returncode == 2
    assert "le support de sauvegarde est plein" in full.stderr
    assert "vérifiée" not in backups(namespace, practice).replace("NON vérifiée", "")
    assert_vault_intact(practice, clock)

    namespace.remount("size=64m")
    assert namespace.run(*cabinet("backup", "create", "--vault", practice, "--dest",
                                  namespace.mountpoint)).returncode == 0
    namespace.remount("ro")
    read_only = namespace.run(*cabinet("backup", "create", "--vault", practice, "--dest",
                                       namespace.mountpoint), check=False)
    assert read_only.returncode == 2
    assert "lecture seule" in read_only.stderr
    assert_vault_intact(practice, clock)
    namespace.remount("rw")
    done = namespace.run(*cabinet("backup", "create", "--vault", practice, "--dest",
                                  namespace.mountpoint))
    assert "Sauvegarde vérifiée" in done.stdout


def test_a_medium_removed_or_a_process_killed_mid_backup_never_counts(practice, namespace,
                                                                        clock):
    namespace.mount("64m")
    rng = random.Random(15)
    for attempt in range(4):
        process = namespace.start(*cabinet("backup", "create", "--vault", practice, "--dest",
                                           namespace.mountpoint))
        time.sleep(rng.uniform(0.3, 0.9))
        if attempt == 3:
            namespace.run("umount", "-l", str(namespace.mountpoint))
        else:
            process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=120)
        if attempt == 3 and process.returncode:
            assert "support de sauvegarde" in err
        assert_vault_intact(practice, clock)
        if attempt < 3:  # what counts as good must restore and pass its checks
            for line in backups(namespace, practice).splitlines():
                if "vérifiée" in line and "NON" not in line:
                    verified = namespace.run(*cabinet(
                        "backup", "verify", "--vault", practice, "--dest",
                        namespace.mountpoint, "--snapshot", line.split()[0]), check=False)
                    assert verified.returncode == 0, verified.stderr
    namespace.mount("64m")
    done = namespace.run(*cabinet("backup", "create", "--vault", practice, "--dest",
                                  namespace.mountpoint))
    assert "Sauvegarde vérifiée" in done.stdout
    verify = namespace.run(*cabinet("backup", "verify", "--vault", practice, "--dest",
                                    namespace.mountpoint))
    assert verify.returncode == 0


def test_a_restore_killed_leaves_nothing_at_the_target_and_the_next_one_succeeds(
        practice, namespace, tmp_path, clock):
    namespace.mount("64m")
    namespace.run(*cabinet("backup", "create", "--vault", practice, "--dest",
                           namespace.mountpoint))
    target = tmp_path / "poste-neuf" / "coffre"
    rng = random.Random(16)
    for _ in range(3):
        process = namespace.start(*cabinet("backup", "restore", "--dest", namespace.mountpoint,
                                           "--to", target, "--vault", tmp_path / "aucun"))
        time.sleep(rng.uniform(0.3, 0.8))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        if target.exists():  # the rename happened before the kill: the vault is whole
            assert_vault_intact(target, clock)
            shutil.rmtree(target)
    done = namespace.run(*cabinet("backup", "restore", "--dest", namespace.mountpoint, "--to",
                                  target, "--vault", tmp_path / "aucun"))
    assert "Coffre restauré" in done.stdout
    assert_vault_intact(target, clock)
